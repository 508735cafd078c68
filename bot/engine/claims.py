"""Numbers claimed in a question or a message, and how the data compares with each.

"Have 5 million migrants crossed since Biden took office?" is read as the question without its
number ("migrants crossed since Biden took office"), answered as usual, and the answer's figure is
set beside the claimed one: consistent within the claim's own rounding, higher, lower, or not in
the data. Neutral words only: the data shows, the claim says; never "false" or "lie".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.engine.formatting import PERCENT_UNITS, format_change, format_value
from bot.engine.periods import parse_period

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}
ABOVE = (
    *("more than", "over", "at least", "upwards of", "in excess of", "above", "exceeding"),
    *("top", "tops", "topped", "exceed", "exceeds", "exceeded", "surpass", "surpassed"),
)
BELOW = ("less than", "fewer than", "under", "below", "up to")
NEAR = ("nearly", "almost", "just under")  # close to the number, and not above it
DIRECTIONS = {
    **dict.fromkeys(ABOVE, "above"),
    **dict.fromkeys(BELOW, "below"),
    **dict.fromkeys(NEAR, "near"),
}
_QUALIFIER = "|".join(sorted(map(re.escape, DIRECTIONS), key=len, reverse=True))
# A verb of counting just before the number ("Did ICE record just under 200,000 …") goes with
# it: left in the question, "record" would ask for the series' record.
_VERB = r"(?:\b(?:recorded|record|reported|report|counted|count)\s+)?"
_NUMBER = re.compile(
    rf"{_VERB}(?:\b(?P<by>by)\s+)?(?:\b(?P<qualifier>{_QUALIFIER})\s+)?"
    r"(?:(?<![\w.])(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"|\b(?P<article>half\s+a|a|one)(?=\s+(?:thousand|million|billion)\b))"
    r"(?:\s*(?P<scale>thousand|million|billion|mn|bn|m|k)\b|(?P<percent>\s*%|\s+percent\b))?",
    re.IGNORECASE,
)
ARTICLES = {"half a": "0.5", "a": "1", "one": "1"}
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")


@dataclass(frozen=True)
class Claim:
    """One claimed number: its value, the rounding it was written with, and its direction."""

    text: str  # as written: "over 2 million"
    value: float
    precision: float  # half a unit of the last written digit: "5 million" -> 500,000
    direction: str  # exact | above | below | near
    significant: int  # digits written before the trailing zeros: "2.4 million" 2, "1 million" 1
    percent: bool
    change: bool  # "grew by 1 million": compared with the change, not the level
    span: tuple[int, int]


def find_claims(text: str) -> list[Claim]:
    """Numbers that make a claim: written with a scale, a percent sign, a thousands separator, or
    as a plain number of at least 100 that is not a year."""
    found = []
    for match in _NUMBER.finditer(text):
        article = (match.group("article") or "").lower()
        digits = match.group("digits") or ARTICLES.get(re.sub(r"\s+", " ", article), "")
        scale = (match.group("scale") or "").lower()
        percent = bool(match.group("percent"))
        plain = digits.replace(",", "")
        if not (scale or percent or "," in digits) and (
            float(plain) < 100 or _looks_like_a_year(plain)
        ):
            continue
        value = float(plain) * SCALES.get(scale, 1)
        qualifier = (match.group("qualifier") or "").lower()
        direction = DIRECTIONS.get(qualifier, "exact")
        number = "digits" if match.group("digits") else "article"
        start = match.start("qualifier") if qualifier else match.start(number)
        precision = _precision(plain, scale)
        change = bool(match.group("by"))
        significant = len(plain.replace(".", "").strip("0")) or 1
        claim = Claim(
            text[start : match.end()],
            value,
            precision,
            direction,
            significant,
            percent,
            change,
            match.span(),
        )
        found.append(claim)
    return found


def without_claims(text: str, claims: list[Claim]) -> str:
    """The question with its claimed numbers taken out, to be read as an ordinary question."""
    for claim in sorted(claims, key=lambda c: c.span, reverse=True):
        text = text[: claim.span[0]] + " " + text[claim.span[1] :]
    return re.sub(r"\s+", " ", text).strip()


def verdict(claim: Claim, data: float | None) -> str:
    """consistent | higher | lower | not in the data — how the data's figure compares with the
    claimed one, allowing the claim its own rounding.

    A number said as a bound ("over 2 million", "under 300,000") is a threshold: it is met or
    not. Only a bound written with more than one significant digit ("over 302,000") may be a
    figure rounded to it, and gets half a unit of its last digit; "over 1 million" is not met
    by 967,400. "nearly"/"almost" a number is close below it: within its rounding, not above."""
    if data is None:
        return "not in the data"
    low, high = claim.value - claim.precision, claim.value + claim.precision
    slack = claim.precision if claim.significant > 1 else 0.0
    if claim.direction == "above":
        return "consistent" if data >= claim.value - slack else "lower"
    if claim.direction == "below":
        return "consistent" if data <= claim.value + slack else "higher"
    if claim.direction == "near":
        high = claim.value + slack
    if low <= data <= high:
        return "consistent"
    return "higher" if data > high else "lower"


def verdict_line(claim: Claim, data: float | None, data_text: str, what: str) -> str:
    """One neutral sentence: the data's figure beside the claimed one."""
    result = verdict(claim, data)
    if result == "not in the data":
        return f"Claim “{claim.text}”: not in the data — no figure here for {what}."
    says = f"The data shows {data_text} ({what}); the claim says “{claim.text}”"
    if result == "consistent":
        return f"{says}: consistent within the claim's rounding."
    return f"{says}: the data is {result}."


def sentences(text: str) -> list[str]:
    """A message split into sentences, keeping those with a claimed number (for a context menu)."""
    return [s.strip() for s in SENTENCE.split(text) if s.strip() and find_claims(s)]


def _looks_like_a_year(plain: str) -> bool:
    return plain.isdigit() and len(plain) == 4 and 1800 <= int(plain) <= 2100


def _precision(plain: str, scale: str) -> float:
    """Half a unit of the last significant digit written, in the claim's own scale."""
    multiplier = SCALES.get(scale, 1)
    if "." in plain:
        decimals = len(plain.split(".")[1])
        return 0.5 * multiplier * 10**-decimals
    trailing = len(plain) - len(plain.rstrip("0"))
    unit = 10 ** min(trailing, max(len(plain) - 1, 0))
    return 0.5 * multiplier * unit if plain != "0" else 0.5 * multiplier


def check_question(
    text: str, ask: Callable[[str], Answer], adds_up: Callable[[Answer], bool] = lambda _: False
) -> Answer:
    """Answer `text` with its claimed numbers taken out, then set each claim beside the figure:
    the verdict lines come first in every face (CLI, JSON, Discord). `adds_up` says whether the
    answer's series is a count that adds up over time: such a claim with no period ("Have over
    400,000 come in through CHNV?") may count since any date, so the latest year gets no verdict."""
    claims = find_claims(text)
    answer = ask(without_claims(text, claims) if claims else text)
    answer.question = text
    if answer.value is not None and (answer.time.kind == "compare" or "ranges" in answer.params):
        answer.verdicts += compared_verdicts(claims, answer)
        return answer
    what = answer.period and ", ".join([answer.title or answer.unit, *answer.chosen, answer.period])
    for claim in claims:
        if answer.stands_in and answer.value is not None:
            reason = answer.stands_in.strip().rstrip(":;. ")
            answer.verdicts.append(
                f"Claim “{claim.text}”: no verdict, as the figure below is not for the period "
                f"asked ({reason})."
            )
            continue
        comparable = claim.percent == (answer.unit in PERCENT_UNITS)
        data, data_text, about = answer.value, answer.value_text, what or "what was asked"
        if claim.change:
            change = answer.change
            data = change.absolute if change else None
            data_text = format_change(change.absolute, None, answer.unit) if change else ""
            about = f"the change from {change.previous_period}, {about}" if change else about
        usable = answer.understood and comparable and data is not None
        if usable and not claim.change and answer.time.kind == "none" and adds_up(answer):
            answer.verdicts.append(
                f"Claim “{claim.text}” names no period: the data shows {data_text} ({about}, the "
                "latest complete period); a count over another span may be meant, so no verdict."
            )
            continue
        answer.verdicts.append(verdict_line(claim, data if usable else None, data_text, about))
    return answer


def compared_verdicts(claims: list[Claim], answer: Answer) -> list[str]:
    """Two years compared with a number for each ("from 276,122 in 2019 to 81,547 in 2022"): each
    claim beside its own year, in the order written. Otherwise (one number for two periods, two
    administrations' spans) no claim is set beside one side of the comparison."""
    compared = {_year(p.period): p for p in answer.series if p.highlight}
    years = [y for y in answer.time.years if y in compared]
    if "ranges" in answer.params or len(years) != len(claims) or any(c.change for c in claims):
        return [
            f"Claim “{claim.text}”: the question compares periods, so the claimed number is not "
            "set beside one of them; ask about one period to check it."
            for claim in claims
        ]
    verdicts = []
    for claim, year in zip(claims, years, strict=True):
        point = compared[year]
        what = ", ".join([answer.title, *answer.chosen, point.label])
        shown = format_value(point.value, answer.unit)
        comparable = claim.percent == (answer.unit in PERCENT_UNITS)
        verdicts.append(verdict_line(claim, point.value if comparable else None, shown, what))
    return verdicts


def _year(period: str) -> int | None:
    parsed = parse_period(period)
    return parsed.year if parsed else None
