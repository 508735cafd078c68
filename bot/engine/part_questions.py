"""Which breakdown value a share, a total without a part, or a comparison of parts is about.

"What share of southwest border encounters were families": the breakdown named after what is
counted (families) is the part; the ones named before it (the Southwest border) stay on the
whole. "Encounters excluding Mexico": the one breakdown value named is taken away. "Did
Venezuelans top Mexicans": each named value of one breakdown, side by side. The arithmetic is
parts.py's; anything ambiguous is refused with the reason.
"""

from collections.abc import Callable

from bot.engine.answer import Answer
from bot.engine.catalog import Command
from bot.engine.figure import choice_label
from bot.engine.parts import share_of_whole, side_by_side, whole_without_part
from bot.engine.question import Intent, Reading

PART_OPERATIONS = frozenset({"share", "exclude"})
Ask = Callable[[dict[str, str]], Answer]  # the same question with other breakdown values


def asks_for_parts(reading: Reading) -> bool:
    return bool(PART_OPERATIONS & set(reading.operations) or reading.named_values)


def answer_parts(reading: Reading, intent: Intent, command: Command, ask: Ask) -> Answer | str:
    """The derived answer, or why there is none."""
    operations = PART_OPERATIONS & set(reading.operations)
    filtered = [
        name
        for name, value in intent.params.items()
        if (param := command.param(name)) is not None and value != (param.default or "all")
    ]
    if reading.named_values:
        return _side_by_side(reading, intent, command, filtered, ask, operations)
    if len(operations) > 1 or not filtered:
        return (
            f"A share, or a total without a part, is worked out from a part of “{command.title}” "
            "(one country, region or group it is broken down by) and its whole; no part was "
            "named, and no published rate was found for it."
        )
    if "share" in operations:  # "what share of <whole> were <part>": the part is said last
        parts = [n for n in filtered if n in reading.said_after]
        if len(parts) != 1:
            return (
                f"A share of “{command.title}” is worked out for one part named after what is "
                "counted (“what percent of encounters were families”); "
                + ("none was named." if not parts else "more than one was named.")
            )
    elif len(filtered) > 1:
        return "A total without a part is worked out for one part at a time."
    else:
        parts = filtered
    name = parts[0]
    param = command.param(name)
    assert param is not None
    if param.default not in (None, "all"):
        return f"“{command.title}” has no total over every {name} to compare a part with."
    whole_params = {k: v for k, v in intent.params.items() if k != name}
    part, whole = ask(intent.params), ask(whole_params)
    named = choice_label(param, intent.params[name])
    if "share" not in operations:
        return whole_without_part(part, whole, named)
    of = [choice_label(command.param(n), intent.params[n]) for n in filtered if n != name]  # type: ignore[arg-type]
    return share_of_whole(part, whole, named, "; ".join(of))


def _side_by_side(
    reading: Reading,
    intent: Intent,
    command: Command,
    filtered: list[str],
    ask: Ask,
    operations: frozenset[str] | set[str],
) -> Answer | str:
    if operations:
        return "A share, or a total without a part, is worked out for one part at a time."
    named = [
        n
        for n in filtered
        if (param := command.param(n)) is not None and reading.named_values[0] in param.choices
    ]
    if not named:
        return f"The values named are not one breakdown of “{command.title}”."
    name = named[0]
    param = command.param(name)
    assert param is not None
    values = [intent.params[name], *reading.named_values]
    return side_by_side([(choice_label(param, v), ask(intent.params | {name: v})) for v in values])
