"""The /define glossary: the shipped file is sound and sourced, and lookups forgive case and typos."""

import csv
import re

import pytest

from bot.engine.glossary import MAX_CHOICES, Glossary, Term, load_glossary
from tests.conftest import DATA

GLOSSARY = DATA / "glossary.csv"
BANNED = ("amnesty", "invasion", "crisis", "illegal alien")  # never in the bot's own voice
REQUIRED = """termination;dismissal;administrative closure;recalendaring;decision on the merits;
asylum grant;asylum denial;grant rate;affirmative asylum;defensive asylum;withholding of removal;
Convention Against Torture (CAT) protection;credible fear;backlog (pending cases);initial receipt;
case completion;removal order;in absentia;voluntary departure;prosecutorial discretion;Doyle memo;
encounter;apprehension;inadmissible;expulsion;Title 8;Title 42;known gotaway;turn back;removal;
return;repatriation;fiscal year;foreign-born;unauthorized immigrant;unaccompanied child (UC/UAC);
family unit (FMUA);single adult;accompanied minor;land border region;USBP;OFO;
lawful permanent resident (green card);refugee;refugee ceiling;asylee;naturalization;EOIR;TRAC;CBP;
OHSS;ICE;USCIS"""  # the terms /define must know


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(GLOSSARY)


def write(tmp_path, rows: list[list[str]]):
    path = tmp_path / "glossary.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["term", "aliases", "definition", "source_id", "see_also"])
        writer.writerows(rows)
    return path


def test_shipped_glossary_loads_with_every_required_term(glossary):
    names = {t.term for t in glossary}
    required = {name.strip() for name in REQUIRED.split(";")}
    assert required <= names, sorted(required - names)


def test_shipped_file_is_utf8_with_lf_line_endings():
    raw = GLOSSARY.read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw
    assert raw.startswith(b"term,aliases,definition,source_id,see_also\n")


def test_every_set_source_id_is_in_sources_csv(glossary):
    with (DATA / "sources.csv").open(encoding="utf-8", newline="") as handle:
        known = {row["id"] for row in csv.DictReader(handle)}
    unknown = {t.term: t.source_id for t in glossary if t.source_id and t.source_id not in known}
    assert unknown == {}


def test_every_shipped_entry_cites_a_source(glossary):
    """Provenance: /define shows a Source line only when the row names one."""
    assert [t.term for t in glossary if not t.source_id] == []


def test_definitions_are_short_plain_and_neutral(glossary):
    for term in glossary:
        assert 0 < len(term.definition) <= 600, term.term
        for word in BANNED:
            assert not re.search(rf"\b{word}", term.definition, re.IGNORECASE), (term.term, word)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("termination", "termination"),  # exact term
        ("dismissed", "dismissal"),  # alias
        ("DISMISSALS", "dismissal"),  # alias, any case
        ("Title 42", "Title 42"),
        ("title 42", "Title 42"),
        ("T8", "Title 8"),
        ("gotaways", "known gotaway"),
        ("green card", "lawful permanent resident (green card)"),
        ("Foreign born", "foreign-born"),  # hyphen or space
        ("dismisal", "dismissal"),  # typo
        ("naturalisaton", "naturalization"),
        ("accompanied minors", "accompanied minor"),  # not a typo of "unaccompanied minors"
        ("unaccompanied minors", "unaccompanied child (UC/UAC)"),
        ("  backlog? ", "backlog (pending cases)"),
    ],
)
def test_lookup_by_term_alias_case_and_typo(glossary, typed, expected):
    found = glossary.lookup(typed)
    assert found is not None and found.term == expected


@pytest.mark.parametrize("typed", ["", "   ", "xyz", "ICR", "asylum application fees"])
def test_lookup_unknown_or_short_typo_is_none(glossary, typed):
    assert glossary.lookup(typed) is None  # "ICR" is 3 letters: no typo guessing for short words


def test_every_term_and_alias_finds_its_own_row(glossary):
    for term in glossary:
        for key in (term.term, *term.aliases):
            assert glossary.lookup(key) is term, key


def test_suggest_puts_prefix_matches_first_and_stays_within_discord_limit(glossary):
    assert len(glossary.suggest("")) == MAX_CHOICES
    assert len(glossary.suggest("", limit=100)) == MAX_CHOICES
    assert glossary.suggest("", limit=3) == sorted((t.term for t in glossary), key=str.casefold)[:3]
    got = glossary.suggest("re")
    assert len(got) <= MAX_CHOICES
    prefixed = [s for s in got if s.casefold().startswith("re")]
    assert prefixed and got[: len(prefixed)] == prefixed
    assert glossary.suggest("dism")[0] == "dismissal"
    assert glossary.suggest("encountr")[0] == "encounter"  # typo: fuzzy
    assert "credible fear" in glossary.suggest("fear")  # a later word of the term
    assert glossary.suggest("zzzzzz") == []


def test_suggest_answers_every_kind_of_prefix_within_the_limit(glossary):
    # Its speed per keystroke is measured in bench/ask.py.
    for prefix in ("a", "as", "asyl", "asylum gr", "tittle 42", "unacompanied", "zzz"):
        assert len(glossary.suggest(prefix)) <= MAX_CHOICES


def test_see_also_names_other_terms(glossary):
    names = {t.term for t in glossary}
    for term in glossary:
        assert set(term.see_also) <= names - {term.term}, term.term


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["removal", "", "d", "", ""], ["Removal", "", "d", "", ""]], r"line 3 .*duplicate term"),
        (
            [["removal", "removals", "d", "", ""], ["return", "removals", "d", "", ""]],
            r"line 3 .*already an alias of .*line 2",
        ),
        ([["removal", "", "d", "", ""], ["return", "removal", "d", "", ""]], r"is the term of"),
        ([["removal", "removal", "d", "", ""]], r"line 2 .*repeats this row's term"),
        ([["removal", "gone;Gone", "d", "", ""]], r"repeats another alias"),
        ([["removal", "", "d", "", "nothing"]], r"see_also 'nothing'"),
        ([["removal", "", "", "", ""]], r"must not be empty"),
    ],
)
def test_bad_rows_are_rejected_with_the_row_named(tmp_path, rows, message):
    with pytest.raises(ValueError, match=message):
        load_glossary(write(tmp_path, rows))


def test_missing_column_is_rejected(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text("term,definition\nremoval,d\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_glossary(path)


def test_glossary_built_in_code_names_rows_by_position():
    terms = [Term("a", (), "d", "", ()), Term("b", ("A",), "d", "", ())]
    with pytest.raises(ValueError, match=r"row 2 \('b'\)"):
        Glossary(terms)
