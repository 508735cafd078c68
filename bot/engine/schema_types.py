"""Typed readers for the keys of a command file: each takes the parsed TOML table, checks one key's
type and bounds, and returns the value the engine will use, or records why not.

Every reason names the key in backticks (`aggregate`, `params.region.default`) and is recorded
under that dotted key, which the catalog turns into a line number. A wrong type never reaches the engine: a list where a text
belongs, a table where a list belongs, a number where a choice belongs are all refused here.
"""

from typing import Any

Found = list[tuple[str, str]]  # (dotted key, reason)

MAX_DEPTH = 4  # a command file needs tables of tables of lists at most: [params.x.choices] = [..]
MAX_WORD = 200


def type_name(value: Any) -> str:
    """How a TOML value is called in a reason: 'a list', 'a table', 'a number' …"""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a text",
        list: "a list",
        dict: "a table",
    }
    return next((said for kind, said in names.items() if isinstance(value, kind)), "a date")


def depth(value: Any) -> int:
    """How deeply lists and tables nest in a value (a text is 0, a list of texts 1)."""
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def text(
    data: dict[str, Any],
    key: str,
    found: Found,
    *,
    limit: int,
    required: bool = True,
    shown: str = "",
) -> str:
    """A text key: present when required, a text, not blank, at most `limit` characters."""
    shown = shown or key
    if key not in data:
        if required:
            found.append((shown, f"`{shown}` is missing: it must be a text"))
        return ""
    value = data[key]
    if not isinstance(value, str):
        found.append((shown, f"`{shown}` must be a text, not {type_name(value)}"))
        return ""
    if required and not value.strip():
        found.append((shown, f"`{shown}` must not be empty"))
    if len(value) > limit:
        found.append((shown, f"`{shown}` is longer than {limit:,} characters"))
        return ""
    return value.strip()


def words(
    data: dict[str, Any],
    key: str,
    found: Found,
    *,
    limit: int,
    required: bool = False,
    shown: str = "",
) -> tuple[str, ...]:
    """A list of texts: each non-blank and at most MAX_WORD characters, at most `limit` of them;
    a required list needs at least one entry."""
    shown = shown or key
    if key not in data:
        if required:
            found.append((shown, f"`{shown}` is missing: it must be a list of texts"))
        return ()
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        said = type_name(value) if not isinstance(value, list) else "a list holding other things"
        found.append((shown, f"`{shown}` must be a list of texts, not {said}"))
        return ()
    if not all(v.strip() for v in value):
        found.append((shown, f"`{shown}` has an empty entry"))
        return ()
    if required and not value:
        found.append((shown, f"`{shown}` needs at least one entry"))
    if len(value) > limit:
        found.append((shown, f"`{shown}` has more than {limit} entries"))
        return ()
    if any(len(v) > MAX_WORD for v in value):
        found.append((shown, f"an entry of `{shown}` is longer than {MAX_WORD} characters"))
        return ()
    return tuple(v.strip() for v in value)


def one_of(
    data: dict[str, Any],
    key: str,
    allowed: set[str],
    default: str,
    found: Found,
    *,
    shown: str = "",
) -> str:
    """A text that must be one of a few words (`aggregate`, `series`, `chart.kind`)."""
    shown = shown or key
    value = data.get(key, default)
    if isinstance(value, str) and value in allowed:
        return value
    listed = ", ".join(f"`{a}`" for a in sorted(allowed))
    said = f"'{value}'" if isinstance(value, str) else type_name(value)
    found.append((shown, f"`{shown}` must be one of {listed}, not {said}"))
    return default


def flag(data: dict[str, Any], key: str, found: Found, *, shown: str = "") -> bool:
    """true or false; a text "true" is refused (TOML's own booleans only)."""
    shown = shown or key
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    found.append((shown, f"`{shown}` must be true or false, not {type_name(value)}"))
    return False


def table(data: dict[str, Any], key: str, found: Found, *, shown: str = "") -> dict[str, Any]:
    """A table key (`[chart]`, `[params]`); absent is an empty table."""
    shown = shown or key
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    found.append((shown, f"`{shown}` must be a table, not {type_name(value)}"))
    return {}
