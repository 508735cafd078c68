"""What /commands shows moderators: refusals, previews, the list, one command, history, wanted,
members' reports of answers that look wrong, and what forget-server removes.

Everything within Discord's limits (message 2,000, embed description 4,096): long lists end in
"… and N more", long files are cut with a pointer to /commands export, and the before/after of
every change travels as an attached text file rather than in the embed.
"""

import datetime
import difflib
from collections.abc import Sequence

import discord

from bot.app.embeds import COLOUR, DESCRIPTION_LIMIT, MESSAGE_LIMIT, NOTICE_COLOUR, clip, clip_lines
from bot.engine.catalog import Catalog, CatalogProblem, Command
from bot.guilds.catalogs import not_answering
from bot.guilds.hidden import hidden_built_ins
from bot.guilds.migrations import BOT_USER
from bot.guilds.state import AuditEntry, Forgotten, GuildCommand, Report, Wanted

ACTIONS = {
    "add": "added",
    "edit": "edited",
    "remove": "removed",
    "upgrade": "dropped keys nothing reads any more from",
}
QUESTION_SHOWN = 200  # characters of a member's question in /commands wanted
REASON_SHOWN = 300  # characters of a report's reason in /commands reports


def code(text: str) -> str:
    """Inline code that a backtick in the text cannot break out of."""
    return "`" + text.replace("`", "'") + "`"


def when(at: float, style: str = "f") -> str:
    """A Discord timestamp: every reader sees it in their own time zone."""
    return discord.utils.format_dt(datetime.datetime.fromtimestamp(at, datetime.UTC), style)


def refusal_text(problems: list[str], editing: bool) -> str:
    head = "Not saved" if editing else "Not added"
    head += ": fix these and try again (commands/README.md explains each key).\n"
    said = [f"• {discord.utils.escape_markdown(p)}" for p in problems]  # they quote the file
    return head + clip_lines(said, MESSAGE_LIMIT - len(head))


def preview_text(command: Command, editing: bool) -> str:
    what = "save these changes" if editing else "add it to this server"
    retired = ", ".join(code(key) for key in command.retired)
    note = f"\nNothing reads {retired} any more: ignored, and you may delete it." if retired else ""
    return (
        f"**Preview** of {code(command.name)}, only for you: its answer to the latest period, "
        f"as members will see it. **Confirm** to {what}, or **Cancel**.{note}"
    )


def saved_text(command: Command, editing: bool) -> str:
    question = command.examples[0] if command.examples else command.aliases[0]
    ask = f"{code('/ask ' + question)} or {code('/run name:' + command.name)}"
    if editing:
        return f"Saved: {code(command.name)} answers with your changes now ({ask})."
    return f"Added: members can now ask {ask}."


def hides_text(names: Sequence[str]) -> str:
    """'hides the built-in `x`': what a server's command that a newer built-in shares words with
    does to that built-in here."""
    which = "built-in" if len(names) == 1 else "built-ins"
    return f"hides the {which} " + ", ".join(code(name) for name in names)


def list_embed(
    stored: list[GuildCommand], catalog: Catalog, skipped: Sequence[CatalogProblem] = ()
) -> discord.Embed:
    """The server's commands; one that no longer passes the checks is marked, not hidden, and
    one that hides a built-in says which. Files of the built-in commands/ that were `skipped`
    (malformed) are named with their first reason."""
    why = not_answering(catalog)
    hides = hidden_built_ins(catalog)
    lines = []
    for item in stored:
        command = catalog.get(item.name)
        title = discord.utils.escape_markdown(clip(command.title, 100)) if command else ""
        reason = f": {code(clip(why[item.name][0], 150))}" if why.get(item.name) else ""
        state = "" if command else f" · ⚠️ not answering{reason} (see `/commands show`)"
        if command and item.name in hides:
            state = f" · {hides_text(hides[item.name])}"
        lines.append(
            f"• {code(item.name)} {title} · {when(item.updated_at, 'R')} by <@{item.updated_by}>"
            f"{state}"
        )
    empty = "No commands of this server's own yet: `/commands add` makes one."
    embed = discord.Embed(
        title=f"This server's commands ({len(stored)})",
        description=clip_lines(lines, DESCRIPTION_LIMIT) or empty,
        colour=COLOUR,
    )
    first: dict[str, CatalogProblem] = {}
    for problem in skipped:
        first.setdefault(problem.file, problem)
    if first:
        said = [
            f"• {code(p.file)} line {p.line}: {code(clip(p.reason, 150))}" for p in first.values()
        ]
        embed.add_field(
            name="Built-in files skipped (fix them in commands/)",
            value=clip_lines(said, 1024),
            inline=False,
        )
    return embed


def show_embed(
    stored: GuildCommand, problems: list[str], hides: Sequence[str] = ()
) -> discord.Embed:
    """The command's file as it is stored; `problems` say why it no longer answers, if it doesn't,
    and `hides` which built-ins added since it was stored it hides in this server."""
    room = DESCRIPTION_LIMIT - 200
    body = stored.toml.rstrip("\n").replace("```", "`\u200b``")
    note = "" if len(body) <= room else "\n(cut here: `/commands export` gives the whole file)"
    embed = discord.Embed(
        title=clip(stored.name, 256),
        description=f"```toml\n{clip(body, room)}\n```{note}",
        colour=NOTICE_COLOUR if problems else COLOUR,
    )
    status = (
        clip_lines(
            ["⚠️ Not answering: it no longer passes the checks."]
            + [code(p) for p in problems],  # they quote the file: shown as typed
            1024,
        )
        if problems
        else "Answering through `/ask` and `/run`."
    )
    if hides and not problems:
        status += (
            f"\nIn this server it {hides_text(hides)}, added since it was stored, which shares "
            "its words: members here get this command; rename it (or its aliases) to get "
            "the built-in back."
        )
    embed.add_field(name="Status", value=status, inline=False)
    embed.add_field(
        name="Last changed",
        value=f"{when(stored.updated_at)} by <@{stored.updated_by}>",
        inline=False,
    )
    return embed


def who(user_id: int) -> str:
    return "immistats" if user_id == BOT_USER else f"<@{user_id}>"


def history_embed(entries: list[AuditEntry]) -> discord.Embed:
    lines = [
        f"{code('#' + str(e.id))} {when(e.at)} · {who(e.user_id)} {ACTIONS[e.action]} {code(e.name)}"
        for e in entries
    ]
    embed = discord.Embed(
        title="Changes to this server's commands, newest first",
        description=clip_lines(lines, DESCRIPTION_LIMIT) or "No changes yet.",
        colour=COLOUR,
    )
    if entries:
        embed.set_footer(text="Before and after of each change: the attached history.txt")
    return embed


def history_text(entries: list[AuditEntry]) -> str:
    """Each change with its before and after in full, and the difference for an edit."""
    parts = []
    for e in entries:
        at = datetime.datetime.fromtimestamp(e.at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        by = "immistats" if e.user_id == BOT_USER else f"user {e.user_id}"
        part = [f"#{e.id} · {e.action} · {e.name} · {at} · by {by}"]
        if e.before_toml is not None and e.after_toml is not None:
            diff = difflib.unified_diff(
                e.before_toml.splitlines(),
                e.after_toml.splitlines(),
                "before",
                "after",
                lineterm="",
            )
            part += ["", "== what changed ==", *diff]
        if e.before_toml is not None:
            part += ["", "== before ==", e.before_toml.rstrip("\n")]
        if e.after_toml is not None:
            part += ["", "== after ==", e.after_toml.rstrip("\n")]
        parts.append("\n".join(part))
    return ("\n\n" + "=" * 72 + "\n\n").join(parts) + "\n"


def wanted_embed(wanted: list[Wanted]) -> discord.Embed:
    lines = [
        f"• **{w.times}×** {discord.utils.escape_markdown(clip(w.question, QUESTION_SHOWN))}"
        f" · last {when(w.last_at, 'R')}"
        for w in wanted
    ]
    empty = "Nothing yet: when `/ask` cannot answer a question in this server, it is counted here."
    embed = discord.Embed(
        title="Questions nothing answered here, most asked first",
        description=clip_lines(lines, DESCRIPTION_LIMIT) or empty,
        colour=COLOUR,
    )
    if wanted:
        embed.set_footer(text="A prepared query for the top ones: /commands add")
    return embed


def reports_embed(reports: list[Report], keep_days: int) -> discord.Embed:
    """Members' reports, newest first: the question, the command and its parameters, the data
    version the answer came from, and the reason, all quoted safely."""
    lines = []
    for r in reports:
        params = ", ".join(f"{k}={v}" for k, v in sorted(r.params.items()))
        lines.append(
            f"{code('#' + str(r.id))} {when(r.at, 'R')} · {code(r.command)}"
            f"{' (' + code(params) + ')' if params else ''} · data {code(r.data_version)}\n"
            f"> {discord.utils.escape_markdown(clip(r.question, QUESTION_SHOWN))}\n"
            f"{discord.utils.escape_markdown(clip(r.reason, REASON_SHOWN))}"
        )
    empty = "No reports: the **Report a problem** button under an answer sends one here."
    embed = discord.Embed(
        title="Answers members said look wrong, newest first",
        description=clip_lines(lines, DESCRIPTION_LIMIT) or empty,
        colour=NOTICE_COLOUR if reports else COLOUR,
    )
    embed.set_footer(
        text=f"Reports name no member and are kept {keep_days} days; the maintainers see them too."
    )
    return embed


FORGET_QUESTION = (
    "Remove **everything** immistats keeps about this server? Its own commands, their history "
    "(the audit log), the questions nothing answered and members' reports of wrong-looking "
    "answers are deleted for good, and members stop getting answers from this server's commands "
    "at once. Built-in commands keep answering. This cannot be undone: `/commands export` first "
    "keeps a command's file."
)


def forgotten_text(forgotten: Forgotten) -> str:
    return (
        f"Removed: {forgotten.commands} command(s), {forgotten.audit_entries} history "
        f"entr{'y' if forgotten.audit_entries == 1 else 'ies'}, {forgotten.wanted_questions} "
        f"unanswered question(s) and {forgotten.reports} report(s). The bot's state keeps nothing "
        "else about this server."
    )
