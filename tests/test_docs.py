"""The docs cannot drift from the code.

Every slash command the bot registers, every `immistats` subcommand and every importer kind is read
from the code itself (the command tree as `immistats sync` sends it to Discord, `bot.cli.parser()`,
the importer registry) and must be documented in README.md, in the `/help` embed and in
`immistats data import --help`; and nothing documented there may be gone from the code. Each
failure lists what is missing or stale and where it should be fixed.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.client import create_bot, sync_global
from bot.cli import parser
from bot.data.importers import registry
from tests.standin import slash_payload

README_PATH = Path(__file__).resolve().parents[1] / "README.md"
README = README_PATH.read_text(encoding="utf-8")

CHAT_INPUT, MESSAGE = 1, 3  # application command types: a slash command, a message command
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2  # option types that make a command a group
SLASH_TABLE = "slash command"  # first header cell of README's table of slash commands
CLI_TABLE = "command"  # first header cell of README's table of `immistats` commands


# ----- reading README


def split_cells(line: str) -> list[str]:
    """The cells of one markdown table row; a `|` inside a code span does not split."""
    cells, current, in_code = [], "", False
    for char in line.strip().removeprefix("|").removesuffix("|"):
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += char
    return [*cells, current.strip()]


def table(markdown: str, first_header: str, source: str = "README.md") -> list[list[str]]:
    """The body rows of the markdown table whose first header cell is `first_header`."""
    lines = markdown.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and split_cells(line)[0] == first_header:
            rows = []
            for row in lines[index + 2 :]:  # after the header and its --- line
                if not row.startswith("|"):
                    break
                rows.append(split_cells(row))
            return rows
    raise AssertionError(f"{source} has no table whose first column is headed {first_header!r}")


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_the_table_reader_keeps_code_spans_whole():
    """The helpers above must read README as a person does, or the tests below prove nothing."""
    text = "| x | y |\n| --- | --- |\n| `a | b` c | d |\n| `e` · `f g` | h |\n\nafter\n"
    rows = table(text, "x")
    assert rows == [["`a | b` c", "d"], ["`e` · `f g`", "h"]]
    assert code_spans(rows[1][0]) == ["e", "f g"]


# ----- what the bot registers


@pytest.fixture
async def registered(standin, service) -> list[dict[str, Any]]:
    """The commands exactly as `immistats sync` registers them, read back from the stand-in."""
    await sync_global(create_bot(service), "stand-in-token")
    commands = standin.commands[None]
    other = [c["name"] for c in commands if c.get("type", CHAT_INPUT) not in (CHAT_INPUT, MESSAGE)]
    assert not other, f"user commands {other}: document them and extend this test"
    return commands


def label(command: dict[str, Any]) -> str:
    """A slash command as its usage line; a message command by its menu name."""
    if command.get("type") == MESSAGE:
        return command["name"]
    return usage(f"/{command['name']}", command.get("options", []))


def is_group(command: dict[str, Any]) -> bool:
    return any(o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP) for o in command.get("options", []))


def usage(path: str, options: list[dict[str, Any]]) -> str:
    """How the docs write a command: required options bare, optional ones in brackets."""
    words = [o["name"] if o.get("required") else f"[{o['name']}]" for o in options]
    return " ".join([path, *words])


def subcommands(group: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A group's subcommands by path below the group ('add', or 'inner add'), with their options."""
    found = {}
    for option in group.get("options", []):
        if option["type"] == SUBCOMMAND:
            found[option["name"]] = option.get("options", [])
        elif option["type"] == SUBCOMMAND_GROUP:
            for sub in option.get("options", []):
                found[f"{option['name']} {sub['name']}"] = sub.get("options", [])
    return found


def test_the_usage_line_is_read_from_the_registered_options():
    options = [
        {"name": "metric", "type": 3, "required": True},
        {"name": "year", "type": 4, "required": True},
        {"name": "region", "type": 3},
    ]
    assert usage("/stat", options) == "/stat metric year [region]"
    group = {"options": [{"name": "add", "type": SUBCOMMAND, "options": options[2:]}]}
    assert is_group(group) and subcommands(group) == {"add": options[2:]}


# ----- slash commands: README


async def test_readme_lists_every_slash_command_with_its_options(registered):
    expected = {label(c) for c in registered if not is_group(c)}
    groups = {c["name"] for c in registered if is_group(c)}
    documented = {span for row in table(README, SLASH_TABLE) for span in code_spans(row[0])}
    missing = sorted(expected - documented)
    assert not missing, (
        "README's slash-command table (section Discord) has no row for "
        f"{missing}; write each as registered: required options bare, optional ones in brackets"
    )
    stale = sorted(d for d in documented - expected if d.lstrip("/").split()[0] not in groups)
    assert not stale, (
        f"README's slash-command table names commands the bot does not register: {stale}"
    )


def documented_subcommands(rows: list[list[str]], paths: set[str]) -> dict[str, dict[str, str]]:
    """From a group's README table: subcommand -> {option: how it is written}.

    A code span in the first column is a subcommand and its options: `name` (required),
    `[name]` (optional) or `name:` (given by name, as in `add file:`); `list` · `show name`
    documents two subcommands in one row. An unknown subcommand is kept under its own words.
    """
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        for span in code_spans(row[0]):
            path = next(
                (p for p in sorted(paths, key=len, reverse=True) if f"{span} ".startswith(f"{p} ")),
                span,
            )
            options = found.setdefault(path, {})
            for word in span[len(path) :].split():
                options[word.strip("[]").removesuffix(":")] = word
    return found


def test_the_moderators_table_reader_understands_each_way_of_writing_an_option():
    rows = [["`add [unit]`", ""], ["`add file:`", ""], ["`list` · `show name`", ""], ["`gone`", ""]]
    found = documented_subcommands(rows, {"add", "list", "show"})
    assert found == {
        "add": {"unit": "[unit]", "file": "file:"},
        "list": {},
        "show": {"name": "name"},
        "gone": {},
    }


def group_problems(group: dict[str, Any], rows: list[list[str]]) -> list[str]:
    """What a group's README table gets wrong about its subcommands and their options."""
    problems = []
    registered_subs = subcommands(group)
    documented = documented_subcommands(rows, set(registered_subs))
    for sub, options in registered_subs.items():
        if sub not in documented:
            problems.append(f"{sub}: no row (write it as `{usage(sub, options)}`)")
            continue
        written = documented[sub]
        for option in options:
            name, required = option["name"], option.get("required", False)
            how = written.get(name)
            if how is None:
                problems.append(f"{sub}: option {name!r} is not shown")
            elif required and how.startswith("["):
                problems.append(f"{sub}: {name!r} is required, so not in brackets")
            elif not required and how == name:
                problems.append(f"{sub}: {name!r} is optional, so `[{name}]` or `{name}:`")
        if gone := sorted(set(written) - {o["name"] for o in options}):
            problems.append(f"{sub}: shows options it does not have: {gone}")
    for sub in sorted(set(documented) - set(registered_subs)):
        problems.append(f"{sub}: documented, but the bot has no such subcommand")
    return problems


async def test_readme_documents_every_subcommand_of_every_group_with_its_options(registered):
    problems = []
    for group in (c for c in registered if is_group(c)):
        header = f"`/{group['name']} …`"
        if found := group_problems(group, table(README, header)):
            problems += [f"README's table headed {header}:", *found]
    assert not problems, "\n".join(problems)


def test_the_group_check_sees_a_missing_option_and_a_wrong_bracket():
    group = {
        "options": [
            {
                "name": "edit",
                "type": SUBCOMMAND,
                "options": [{"name": "name", "required": True}, {"name": "unit"}],
            }
        ]
    }
    assert group_problems(group, [["`edit name [unit]`", ""]]) == []
    assert group_problems(group, [["`edit [name]`", ""]]) == [
        "edit: 'name' is required, so not in brackets",
        "edit: option 'unit' is not shown",
    ]


# ----- slash commands: /help


async def test_help_shows_every_slash_command_with_its_options(
    registered, standin, service, logged_in
):
    """/help as a member sees it: the embed the real client posts back."""
    bot = await logged_in(create_bot(service))
    embed = (await standin.send(bot, slash_payload("help", {}))).final.embed
    text = "\n".join([embed.get("description", "")] + [f["value"] for f in embed.get("fields", [])])
    shown = re.findall(r"^\*\*([^*]+)\*\*", text, flags=re.MULTILINE)  # **/usage** — what
    expected = {label(c) for c in registered if not is_group(c)}
    missing = sorted(expected - set(shown))
    problems = [f"no line for {missing} (SLASH_COMMANDS in bot/app/embeds.py)"] if missing else []
    for group in (c for c in registered if is_group(c)):
        prefix = f"/{group['name']} "
        lines = [s.removeprefix(prefix) for s in shown if s.startswith(prefix)]
        listed = {sub.strip() for line in lines for sub in line.split("·")}
        if absent := sorted(set(subcommands(group)) - listed):
            problems.append(f"the line for /{group['name']} does not name {absent}")
        if extra := sorted(listed - set(subcommands(group))):
            problems.append(f"the line for /{group['name']} names missing subcommands {extra}")
    groups = {f"/{c['name']}" for c in registered if is_group(c)}
    stale = sorted(s for s in set(shown) - expected if s.split()[0] not in groups)
    if stale:
        problems.append(f"it shows commands the bot does not register: {stale}")
    assert not problems, "/help: " + "; ".join(problems)


# ----- the command line


def leaf_parsers(
    node: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand, nested ones included: (('commands', 'check'), its parser)."""
    actions = [a for a in node._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield path, node
        return
    seen: set[int] = set()
    for action in actions:
        for name, sub in action.choices.items():
            if id(sub) not in seen:  # an alias points at a parser already walked
                seen.add(id(sub))
                yield from leaf_parsers(sub, (*path, name))


LEAVES = dict(leaf_parsers(parser()))


def cli_path(span: str) -> tuple[str, ...] | None:
    """`immistats data import KIND [PATH …]` -> ('data', 'import'): the lower-case words."""
    words = span.split()
    if not words or words[0] != "immistats":
        return None
    path = []
    for word in words[1:]:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", word):
            break
        path.append(word)
    return tuple(path)


def cli_rows() -> dict[tuple[str, ...], str]:
    """README's Commands table: the subcommand each first-column code span names -> its row."""
    rows = {}
    for row in table(README, CLI_TABLE):
        for span in code_spans(row[0]):
            if (path := cli_path(span)) is not None:
                rows[path] = " | ".join(row)
    return rows


def test_the_cli_walk_finds_nested_subcommands():
    assert ("commands", "check") in LEAVES and ("data", "import") in LEAVES
    assert ("commands",) not in LEAVES  # a group alone runs nothing
    assert cli_path('immistats ask "QUESTION"') == ("ask",)
    assert cli_path("immistats data import KIND [PATH_OR_URL …]") == ("data", "import")


def test_readme_lists_every_cli_subcommand_and_its_flags():
    rows = cli_rows()
    missing = [" ".join(p) for p in LEAVES if p not in rows]
    assert not missing, (
        f"README's Commands table has no row for immistats {missing}; the first column should "
        "hold `immistats SUBCOMMAND …`"
    )
    flags = {
        " ".join(path): [
            flag
            for action in leaf._actions
            for flag in action.option_strings
            if flag.startswith("--")
            and flag != "--help"
            and not re.search(rf"{flag}\b", rows[path])
        ]
        for path, leaf in LEAVES.items()
    }
    undocumented = {path: found for path, found in flags.items() if found}
    assert not undocumented, f"README's Commands table does not mention these flags: {undocumented}"
    stale = [" ".join(p) for p in rows if p not in LEAVES]
    assert not stale, f"README's Commands table names subcommands immistats does not have: {stale}"


# ----- importer kinds


def named(kind: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(kind)}(?![\w-])", text) is not None


def test_readme_lists_exactly_the_importer_kinds_of_the_registry():
    kinds = set(registry.KINDS)
    row = cli_rows().get(("data", "import"), "")
    listed = re.search(r"kinds: ((?:`[^`]+`[, ]*)+)", row)
    assert listed, (
        "README's row for `immistats data import` should list its kinds as (kinds: `a`, `b`)"
    )
    documented = set(code_spans(listed.group(1)))
    assert not (missing := sorted(kinds - documented)), (
        f"README's row for `immistats data import` does not list the importer kinds {missing}"
    )
    assert not (stale := sorted(documented - kinds)), (
        f"README's row for `immistats data import` lists kinds the registry does not have: {stale}"
    )


def test_data_md_lists_each_importer_kind_with_the_file_it_writes():
    text = (README_PATH.parent / "docs" / "data.md").read_text(encoding="utf-8")
    rows = table(text, "kind", "docs/data.md")
    documented = {code_spans(row[0])[0]: code_spans(row[-1])[0] for row in rows}
    expected = {kind.name: kind.output for kind in registry.KINDS.values()}
    wrong = sorted(k for k in expected.keys() & documented.keys() if documented[k] != expected[k])
    assert documented == expected, (
        "docs/data.md's table of import kinds (kind | reads | writes) differs from the registry: "
        f"missing {sorted(expected.keys() - documented.keys())}, "
        f"not in the registry {sorted(documented.keys() - expected.keys())}, "
        f"wrong output file for {wrong}"
    )


def test_data_import_help_names_exactly_the_importer_kinds(monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # argparse would otherwise wrap at a hyphen
    leaf = dict(leaf_parsers(parser()))[("data", "import")]
    text = leaf.format_help()
    missing = sorted(k for k in registry.KINDS if not named(k, text))
    assert not missing, (
        f"`immistats data import --help` does not name the kinds {missing} (bot/cli/entry.py)"
    )
    kind = next(a for a in leaf._actions if a.dest == "kind")
    advertised = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", kind.help or "")) | set(
        kind.choices or ()
    )
    stale = sorted(advertised - set(registry.KINDS))
    assert not stale, (
        f"`immistats data import --help` offers kinds the registry does not have: {stale}"
    )
