"""Questions as community members type them -> the right command, period and sourced figure.

Each expected value was checked against data/figures.csv (or the CBP monthly table it sums); a
change in the reader, a command's SQL or the preferred-source rule that moves an answer fails here.
"""

import pytest

ALL = {"region": "all", "citizenship": "all", "demographic": "all", "title": "all"}

# (question, command, params that must be in the answer, value)
ANSWERED = [
    # asylum cases terminated / dismissed / closed (TRAC report 742 via press transcriptions)
    ("terminations in 2023", "asylum-terminated", {"year": 2023}, 149_305),
    ("asylum cases terminated FY2023", "asylum-terminated", {"year": 2023}, 149_305),
    (
        "how many asylum cases were dismissed in fiscal 2022",
        "asylum-terminated",
        {"year": 2022},
        102_550,
    ),
    ("terminatoins 2023", "asylum-terminated", {"year": 2023}, 149_305),
    ("TERMINATIONS 2023", "asylum-terminated", {"year": 2023}, 149_305),
    ("terminations fy23", "asylum-terminated", {"year": 2023}, 149_305),
    ("Terminations, FY 2023?", "asylum-terminated", {"year": 2023}, 149_305),
    ("termnations 2022", "asylum-terminated", {"year": 2022}, 102_550),
    ("terminations 2021 to 2024", "asylum-terminated", {"start": 2021, "end": 2024}, 383_817),
    ("terminations under Biden", "asylum-terminated", {"start": 2021, "end": 2024}, 383_817),
    (
        "terminations between 2019 and 2023",
        "asylum-terminated",
        {"start": 2019, "end": 2023},
        279_450,
    ),
    ("terminations last year", "asylum-terminated", {"year": 2023}, 149_305),
    ("asylum cases closed in 2022", "asylum-terminated", {"year": 2022}, 102_550),
    ("asylum cases dismissed 2024", "asylum-terminated", {"year": 2024}, 113_843),
    ("how many asylum cases were terminated in 2014", "asylum-terminated", {"year": 2014}, 10_405),
    # asylum grants, rates, denials
    ("asylum grants 2020 vs 2023", "asylum-granted", {"years": [2020, 2023]}, 31_429),
    ("asylum granted 2019", "asylum-granted", {"year": 2019}, 46_508),
    ("people granted asylum 2016", "asylum-granted", {"year": 2016}, 20_455),
    ("asylum grant rate 2022", "asylum-grant-rate", {"year": 2022}, 46),
    ("asylum denial rate 2019", "asylum-denial-rate", {"year": 2019}, 69),
    ("denials since 2019", "asylum-denials", {"start": 2019, "end": 2019}, 46_735),
    ("affirmative asylum grants 2018", "asylum-granted-affirmative", {"year": 2018}, 25_439),
    ("defensive asylum grants 2017", "asylum-granted-defensive", {"year": 2017}, 10_523),
    ("asylum decisions 2022", "asylum-merits-decisions", {"year": 2022}, 51_607),
    ("asylum merits decisions 2021", "asylum-merits-decisions", {"year": 2021}, 24_810),
    # immigration courts
    ("immigration court backlog", "backlog", {"year": 2024}, 3_884_956),
    ("backlog 2024", "backlog", {"year": 2024}, 3_884_956),
    ("pending cases end of FY2019", "backlog", {"year": 2019}, 1_331_286),
    ("backlog fy 2015", "backlog", {"year": 2015}, 658_871),
    ("court backlog 2019 vs 2024", "backlog", {"years": [2019, 2024]}, 3_884_956),
    ("immigration court backlog latest", "backlog", {"year": 2024}, 3_884_956),
    ("trac backlog 2024", "trac-backlog", {"year": 2024}, 3_716_106),
    ("new cases in immigration court 2024", "court-receipts", {"year": 2024}, 1_783_915),
    ("new court cases 2024", "court-receipts", {"year": 2024}, 1_783_915),  # "court": this bot's
    ("immigration court completions 2023", "court-completions", {"year": 2023}, 526_648),
    ("motions to reopen 2025", "motions-to-reopen", {"year": 2025}, 54_329),
    ("motions to recalendar 2024", "motions-to-recalendar", {"year": 2024}, 13_001),
    ("pending asylum applications 2023", "pending-asylum-applications", {"year": 2023}, 937_611),
    # CBP encounters and breakdowns
    ("encounters 2022", "encounters", {**ALL, "year": 2022}, 2_766_582),
    ("encounters 2021", "encounters", {"year": 2021}, 1_956_519),
    ("border encounters fy2024", "encounters", {"year": 2024}, 2_901_142),
    ("encounters latest", "encounters", {"year": 2025}, 691_906),
    ("encounters 2025", "encounters", {"year": 2025}, 691_906),
    ("encounters november 2025", "encounters-monthly", {"month": "2025-11"}, 30_375),
    ("encounters from Venezuela 2025", "encounters", {"citizenship": "VENEZUELA"}, None),
    ("ice removals 2025", "ice-removals", {"year": 2025}, 319_980),
    ("deportation claims", "deportation-claims", {}, 675_000),
    ("parole releases january 2026", "border-parole-releases", {"month": "2026-01"}, 0),
    ("unaccompanied children 2025", "unaccompanied-children", {"year": 2025}, 29_584),
    ("encounters 2019", "encounters", {"year": 2019}, 1_148_024),
    ("encounters fy2021 through fy2023", "encounters", {"start": 2021, "end": 2023}, 7_924_245),
    (
        "encounters under the first Trump administration",
        "encounters",
        {"start": 2017, "end": 2020},
        3_004_925,
    ),
    (
        "southwest border encounters 2019-2024",
        "encounters",
        {"region": "Southwest Land Border", "start": 2019, "end": 2024},
        10_159_901,
    ),
    (
        "southwest border encounters 2023",
        "encounters",
        {"region": "Southwest Land Border"},
        2_475_669,
    ),
    ("northern border encounters 2023", "encounters", {"region": "Northern Land Border"}, 189_402),
    ("encounters from Venezuela 2023", "encounters", {"citizenship": "VENEZUELA"}, 334_914),
    ("venezuelan encounters 2023", "encounters", {"citizenship": "VENEZUELA"}, 334_914),
    ("encounters from Mexico 2021", "encounters", {"citizenship": "MEXICO", "year": 2021}, 674_739),
    (
        "encounters from China 2024",
        "encounters",
        {"citizenship": "CHINA, PEOPLES REPUBLIC OF"},
        78_701,
    ),
    (
        "unaccompanied children encounters 2022",
        "encounters",
        {"demographic": "UC / Single Minors"},
        152_880,
    ),
    ("encounters of family units 2023", "encounters", {"demographic": "FMUA"}, 993_947),
    ("single adults encounters 2024", "encounters", {"demographic": "Single Adults"}, 1_788_490),
    ("title 8 encounters 2023", "encounters", {"title": "Title 8"}, 2_622_060),
    # by state (CBP's "State" column of its nationwide file)
    ("encounters in Texas 2022", "encounters", {"state": "Texas", "year": 2022}, 1_399_790),
    (
        "how many migrants were encountered in Texas in 2022",
        "encounters",
        {"state": "Texas"},
        1_399_790,
    ),
    (
        "encounters from Venezuela in California 2023",
        "encounters",
        {"state": "California", "citizenship": "VENEZUELA"},
        9_206,
    ),
    ("encounters in nm 2021", "encounters", {"state": "New Mexico"}, 125_630),
    ("title 42 expulsions 2021", "title42-expulsions", {"year": 2021}, 1_071_075),
    ("expulsions 2022", "title42-expulsions", {"year": 2022}, 1_103_966),
    ("monthly encounters 2023", "encounters-monthly", {"year": 2023}, 3_201_144),
    ("encounters march 2023", "encounters-monthly", {"month": "2023-03"}, 259_471),
    (
        "southwest border encounters by month 2023",
        "encounters-monthly",
        {"region": "Southwest Land Border", "year": 2023},
        2_475_669,
    ),
    ("ofo encounters 2019", "ofo-encounters", {"year": 2019}, 288_523),
    ("encounters at ports of entry 2022", "ofo-encounters", {"year": 2022}, 551_930),
    # Border Patrol, gotaways
    ("border patrol apprehensions 2000", "usbp-apprehensions", {"year": 2000}, 1_676_438),
    (
        "border patrol apprehensions southwest 2010",
        "usbp-apprehensions",
        {"region": "Southwest Land Border"},
        447_731,
    ),
    (
        "usbp apprehensions northern border 2015",
        "usbp-apprehensions",
        {"region": "Northern Land Border"},
        2_626,
    ),
    ("gotaways 2022", "gotaways", {"year": 2022}, 606_131),
    ("gotaways 2021", "gotaways", {"year": 2021}, 387_398),
    ("got aways 2023", "gotaways", {"year": 2023}, 670_674),
    ("known gotaways since 2019", "gotaways", {"start": 2019, "end": 2024}, 2_127_477),
    # removals and returns
    ("ICE removals 2020", "ice-removals", {"year": 2020}, 185_884),
    ("ice deportations 2024", "ice-removals", {"year": 2024}, 271_484),
    ("deportations 2019", "dhs-removals", {"year": 2019}, 359_885),
    ("removals 2015", "dhs-removals", {"year": 2015}, 325_668),
    ("removals under obama", "dhs-removals", {"start": 2009, "end": 2016}, 3_063_693),
    ("dhs returns 2005", "dhs-returns", {"year": 2005}, 1_096_920),
    # removals FY2020 on come from the OHSS monthly tables (supplement pack)
    ("deportations 2023", "dhs-removals", {"year": 2023}, 177_770),
    ("deportations 2021", "dhs-removals", {"year": 2021}, 85_130),
    ("removals march 2024", "dhs-removals-monthly", {"month": "2024-03"}, 30_300),
    ("dhs removals ohss 2019", "dhs-removals-ohss", {"year": 2019}, 347_240),
    ("ice removals 2015", "ice-removals", {"year": 2015}, 235_410),
    ("ice removals 2014", "ice-removals", {"year": 2014}, 315_943),
    ("ice removals and returns 2016", "ice-removals-ohss", {"year": 2016}, 240_260),
    ("removals and returns 2023", "removals-and-returns", {"year": 2023}, 621_060),
    ("dhs repatriations 2022", "dhs-repatriations", {"year": 2022}, 1_468_030),
    ("expedited removals 2019", "expedited-removals", {"year": 2019}, 163_520),
    ("reinstatements of removal 2016", "reinstated-removals", {"year": 2016}, 134_040),
    ("enforcement returns 2023", "enforcement-returns", {"year": 2023}, 288_820),
    ("administrative returns 2020", "administrative-returns", {"year": 2020}, 113_860),
    ("criminal removals 2023", "criminal-removals", {"year": 2023}, 57_500),
    ("ice arrests 2023", "ice-arrests", {"year": 2023}, 170_590),
    ("interior removals 2021", "interior-removals", {"year": 2021}, 31_380),
    ("removals after cbp arrest 2019", "ice-removals-after-cbp-arrest", {"year": 2019}, 181_300),
    ("dhs title 42 expulsions 2021", "title42-expulsions", {"agency": "all DHS (OHSS)"}, 1_071_070),
    # releases, transfers and parole programs (OHSS book-outs)
    ("border releases 2022", "border-releases", {"year": 2022}, 685_300),
    (
        "releases at ports of entry 2023",
        "border-releases",
        {"agency": "OFO at ports of entry"},
        370_190,
    ),
    ("transfers to ice 2019", "transfers-to-ice", {"year": 2019}, 442_080),
    ("transfers to hhs 2021", "transfers-to-hhs", {"year": 2021}, 121_790),
    ("remain in mexico 2019", "mpp-returns", {"year": 2019}, 44_250),
    ("southwest border removals 2023", "southwest-repatriations", {"year": 2023}, 200_610),
    ("cbp one appointments 2023", "cbp-one-appointments", {"year": 2023}, 278_430),
    ("chnv paroles 2023", "chnv-paroles", {"year": 2023}, 233_490),
    ("chnv venezuelans 2024", "chnv-paroles", {"citizenship": "Venezuela"}, 49_070),
    ("chnv beneficiaries 2023", "chnv-beneficiaries", {"year": 2023}, 311_600),
    ("chnv travel authorizations 2024", "chnv-travel-authorizations", {"year": 2024}, 260_220),
    # border history, deaths, watchlist, staffing
    ("border patrol apprehensions 1986", "usbp-apprehensions", {"region": "all"}, 1_692_544),
    ("apprehensions 1925", "usbp-apprehensions", {"year": 1925}, 22_199),
    (
        "border patrol apprehensions southwest 1975",
        "usbp-apprehensions",
        {"region": "Southwest Land Border"},
        512_264,
    ),
    (
        "southwest border encounters 2019",
        "encounters",
        {"region": "Southwest Land Border", "year": 2019},
        977_509,
    ),
    (
        "southwest border encounters 2016",
        "encounters",
        {"region": "Southwest Land Border", "year": 2016},
        558_990,
    ),
    ("encounters 2015", "encounters", {"year": 2015}, 591_830),
    ("ohss encounters coastal 2018", "encounters-ohss", {"region": "Coastal Border"}, 22_270),
    ("migrant deaths 2019", "border-deaths", {"year": 2019}, 300),
    ("border deaths 2005", "border-deaths", {"year": 2005}, 492),
    ("migrant deaths 2022", "border-deaths", {"year": 2022}, 853),
    ("migrant deaths 2021", "border-deaths", {"year": 2021}, 546),
    ("watchlist encounters 2022", "watchlist-encounters", {"year": 2022}, 98),
    ("border patrol agents 2019", "border-patrol-agents", {"year": 2019}, 19_648),
    ("immigration judges 2023", "immigration-judges", {"year": 2023}, 734),
    ("judges hired 2022", "immigration-judges-hired", {"year": 2022}, 104),
    # green cards, refugees, naturalizations, credible fear
    ("green cards 2019", "green-cards", {"year": 2019}, 1_031_765),
    ("green cards 2022 vs 2024", "green-cards", {"years": [2022, 2024]}, 1_364_090),
    ("lawful permanent residents 2015", "green-cards", {"year": 2015}, 1_051_031),
    (
        "green cards during trump's first term",
        "green-cards",
        {"start": 2017, "end": 2020},
        3_962_905,
    ),
    ("refugee arrivals 2020", "refugee-arrivals", {"year": 2020}, 11_840),
    ("refugees admitted 2016", "refugee-arrivals", {"year": 2016}, 84_989),
    ("refugee ceiling 2024", "refugee-ceiling", {"year": 2024}, 125_000),
    ("refugee cap 2020", "refugee-ceiling", {"year": 2020}, 18_000),
    ("refugee ceiling 1980", "refugee-ceiling", {"year": 1980}, 231_700),
    ("refugee ceiling 2021", "refugee-ceiling", {"version": "final"}, 62_500),
    ("refugee ceiling as first set 2021", "refugee-ceiling", {"version": "as first set"}, 15_000),
    (
        "state department refugee admissions 1980",
        "refugee-admissions-state-department",
        {"year": 1980},
        207_116,
    ),
    ("naturalizations 2023", "naturalizations", {"year": 2023}, 878_500),
    ("naturalizations 2024", "naturalizations", {"year": 2024}, 818_500),
    ("naturalizations 2022", "naturalizations", {"year": 2022}, 967_400),
    ("new citizens including children 2022", "naturalizations-including-children", {}, 1_023_200),
    ("adults who took the oath 2022", "naturalizations-adult-oaths", {"year": 2022}, 967_400),
    ("uscis naturalizations 2021", "naturalizations-uscis", {"year": 2021}, 855_000),
    ("credible fear 2023", "credible-fear", {"year": 2023}, 136_270),
    ("credible fear found 2022", "credible-fear-found", {"year": 2022}, 31_560),
    ("naturalizations 2018", "naturalizations", {"year": 2018}, 761_901),
    ("naturalisations 2010", "naturalizations", {"year": 2010}, 619_913),
    ("new citizens 2020", "naturalizations", {"year": 2020}, 628_254),
    ("credible fear 2019", "credible-fear", {"year": 2019}, 103_295),
    ("credible fear interviews 2014", "credible-fear", {"year": 2014}, 47_995),
    ("credible fear found 2019", "credible-fear-found", {"year": 2019}, 76_185),
    # population
    ("foreign born population 2023", "foreign-born-population", {"year": 2023}, 47_831_411),
    ("foreign-born population 2024", "foreign-born-population", {"year": 2024}, 50_234_858),
    ("immigrant population 2010", "foreign-born-population", {"year": 2010}, 39_955_854),
    ("undocumented population 2022", "unauthorized-population", {"year": 2022}, 11_300_000),
    ("unauthorized immigrants 2023", "unauthorized-population", {"year": 2023}, 12_200_000),
]

NOT_UNDERSTOOD = [
    "how many pizzas were sold in 2023",
    "hello",
    "what is the weather",
    "",
    "   ",
    "2023",
    "last year",
    "latest",
    "asylum",
    "; DROP TABLE figures; --",
]

# Understood, but the series has no figure for the asked period: said plainly, no number invented.
NO_FIGURE = [
    ("encounters 1990", "encounters", "FY1990"),
    ("encounters 2099", "encounters", "FY2099"),
    ("apprehensions 1920", "usbp-apprehensions", "FY1920"),
    ("deportations 2031", "dhs-removals", "FY2031"),
    ("border patrol agents 2023", "border-patrol-agents", "FY2023"),
    ("asylum grant rate 2023", "asylum-grant-rate", "FY2023"),
]


def test_the_table_is_large_enough():
    assert len(ANSWERED) + len(NOT_UNDERSTOOD) + len(NO_FIGURE) >= 80


@pytest.mark.parametrize(("question", "command", "params", "value"), ANSWERED)
def test_question_gets_the_sourced_figure(engine, question, command, params, value):
    answer = engine.ask(question)
    assert answer.understood, answer.suggestions
    assert answer.command == command
    for key, expected in params.items():
        assert answer.params.get(key) == expected, (key, answer.params)
    if value is not None:
        assert answer.value == pytest.approx(value)
    assert answer.value is not None
    assert answer.sources, "every figure names its source"
    assert all(s.url.startswith("http") for s in answer.sources)
    assert answer.definition


@pytest.mark.parametrize("question", NOT_UNDERSTOOD)
def test_not_understood_is_said_plainly(engine, question):
    answer = engine.ask(question)
    assert not answer.understood
    assert answer.value is None
    assert answer.headline


@pytest.mark.parametrize(("question", "command", "period"), NO_FIGURE)
def test_missing_period_is_named_not_guessed(engine, question, command, period):
    answer = engine.ask(question)
    assert answer.command == command
    assert answer.value is None
    assert any(period in notice for notice in answer.notices)
