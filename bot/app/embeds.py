"""Answer -> Discord embed, always inside Discord's limits; long text is cut cleanly, never rejected.

Limits (Discord): title 256, description 4096, 25 fields, field name 256, field value 1024,
footer 2048, 6000 characters in all; a message's content 2000.
"""

import csv
import io
import json
from collections.abc import Iterable

import discord

from bot.engine.answer import Answer, SourceRef
from bot.engine.catalog import Catalog
from bot.engine.formatting import format_value
from bot.render.text import figure_lines

CHART_FILENAME = "chart.png"
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
MESSAGE_LIMIT = 2000
COLOUR = discord.Colour(0x3B6EA8)  # the chart's bar colour: the embed and its chart read as one
NOTICE_COLOUR = discord.Colour(0x99AAB5)


def clip(text: str, limit: int) -> str:
    """Cut at a line, else a word, boundary and end with an ellipsis; never mid-word if avoidable."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for boundary in ("\n", " "):
        at = cut.rfind(boundary)
        if at > limit // 2:
            cut = cut[:at]
            break
    return cut.rstrip() + "…"


def clip_lines(lines: list[str], limit: int) -> str:
    """Whole lines while they fit, then '… and N more' (so a list never ends mid-link)."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        more = f"… and {rest - 1} more" if rest > 1 else ""
        candidate = "\n".join([*kept, clip(line, limit)])
        if len(candidate) + (len(more) + 1 if more else 0) > limit:
            kept.append(f"… and {rest} more")
            break
        kept.append(clip(line, limit))
    text = "\n".join(kept)
    return text if len(text) <= limit else clip(text, limit)


def source_line(source: SourceRef) -> str:
    copy = " · secondary copy" if source.kind == "secondary" else ""
    name = clip(f"{source.publisher}: {source.title}", 180).replace("]", ")").replace("[", "(")
    date = f" · {source.date}" if source.date else ""  # some pages give no date
    return f"[{name}]({source.url}){date}{copy}"


def _differ_lines(answer: Answer) -> list[str]:
    lines = []
    for d in answer.sources_differ:
        note = f"; {d.note}" if d.note else ""
        copy = "; secondary copy" if d.source.kind == "secondary" else ""
        publisher = clip(d.source.publisher, 80).replace("]", ")").replace("[", "(")
        lines.append(
            f"{d.period}: **{d.value_text}** — [{publisher}]({d.source.url}) "
            f"({d.source.date}{copy}{note})"
        )
    return lines


def headline_parts(headline: str) -> tuple[str, str]:
    """The embed's title and what of the headline opens the description: a headline too long
    for a title (a ranking of ten) is cut at its first clause, never in the middle of a list."""
    if len(headline) <= TITLE_LIMIT:
        return headline, ""
    head, colon, rest = headline.partition(": ")
    if colon and len(head) < TITLE_LIMIT:
        return head + ":", rest
    return clip(headline, TITLE_LIMIT), headline


def _embed_size(embed: discord.Embed) -> int:
    return len(embed)


def answer_embed(
    answer: Answer, *, chart_filename: str | None, chart_note: str | None = None
) -> discord.Embed:
    """The answer as one embed: figure, reading, change, notices, definition, sources, caveats."""
    title, rest = headline_parts(answer.headline)
    parts = [rest] if rest else []
    parts += [*(f"⚖️ {v}" for v in answer.verdicts), *figure_lines(answer, bold=True)]
    parts += [f"⚠️ {notice}" for notice in answer.notices]
    if chart_note:
        parts.append(f"ℹ️ {chart_note}")
    embed = discord.Embed(
        title=title,
        description=clip("\n".join(parts), DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    fields: list[tuple[str, str]] = []
    if answer.definition:
        fields.append(("What it counts", clip(answer.definition, FIELD_LIMIT)))
    if answer.sources_differ:
        fields.append(("Sources differ", clip_lines(_differ_lines(answer), FIELD_LIMIT)))
    if answer.sources:
        fields.append(
            ("Sources", clip_lines([source_line(s) for s in answer.sources], FIELD_LIMIT))
        )
    if answer.caveats:
        fields.append(("Caveats", clip_lines([f"• {c}" for c in answer.caveats], FIELD_LIMIT)))
    if answer.suggestions:
        fields.append(
            ("Did you mean", clip_lines([f"• {s}" for s in answer.suggestions], FIELD_LIMIT))
        )
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    if chart_filename:
        embed.set_image(url=f"attachment://{chart_filename}")
    embed.set_footer(
        text=clip(f"immistats · data {answer.data_version} · FY = Oct–Sep", FOOTER_LIMIT)
    )
    return fit(embed)


def fit(embed: discord.Embed) -> discord.Embed:
    """Shorten the least essential parts until the embed is within Discord's 6,000 characters.

    Order: caveats, then sources differ, then the definition; the figure and its sources stay.
    """
    for name in ("Caveats", "Did you mean", "Sources differ", "What it counts", "Sources"):
        over = _embed_size(embed) - TOTAL_LIMIT
        if over <= 0:
            return embed
        for index, field in enumerate(embed.fields):
            if field.name == name:
                room = max(len(field.value) - over, 40)
                embed.set_field_at(index, name=name, value=clip(field.value, room), inline=False)
    if _embed_size(embed) > TOTAL_LIMIT and embed.description:
        over = _embed_size(embed) - TOTAL_LIMIT
        embed.description = clip(embed.description, max(len(embed.description) - over, 100))
    return embed


def not_understood_embed(answer: Answer) -> discord.Embed:
    lines = [*(f"⚖️ {v}" for v in answer.verdicts), answer.headline]
    if answer.interpretation:
        lines.append(answer.interpretation)
    if answer.suggestions:
        lines += ["", "Closest things I can answer:"] + [f"• {s}" for s in answer.suggestions]
    lines += ["", "Try `/help` for the questions I know, or `/stat` to pick a metric from a list."]
    return discord.Embed(
        title="Not a question I can answer",
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=NOTICE_COLOUR,
    )


def data_table(answer: Answer) -> tuple[str, bytes]:
    """The series as a code-block table that fits one message, and the same as CSV."""
    rows = [
        (p.label, format_value(p.value, answer.unit), "partial" if p.partial else "")
        for p in answer.series
    ]
    width = max((len(label) for label, _, _ in rows), default=6)
    lines = [f"{label:<{width}}  {value:>14}  {note}".rstrip() for label, value, note in rows]
    header = f"{answer.title} ({answer.unit})"
    body = clip_lines(lines, MESSAGE_LIMIT - len(header) - 20)
    text = f"{clip(header, 200)}\n```\n{body}\n```"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "label", "value", "unit", "partial", "asked"])
    for p in answer.series:
        writer.writerow([p.period, p.label, p.value, answer.unit, p.partial, p.highlight])
    sources = "; ".join(f"{s.publisher}: {s.title} <{s.url}>" for s in answer.sources)
    writer.writerow([])
    writer.writerow(["source", sources])
    return text, out.getvalue().encode()


def computed_text(answer: Answer) -> str:
    """The prepared query's name, parameters and SQL: anyone can rerun it on immistats.db."""
    head = (
        f"**Command** `{answer.command}` — {answer.title}\n"
        f"**Parameters** `{json.dumps(answer.params, ensure_ascii=False)}`\n"
        f"**Data version** `{answer.data_version}`\n"
    )
    sql = answer.sql.replace("```", "'''")
    room = MESSAGE_LIMIT - len(head) - len("```sql\n\n```")
    return clip(head, MESSAGE_LIMIT - 20) + f"```sql\n{clip(sql, max(room, 0))}\n```"


def sources_embed(sources: Iterable[SourceRef], title: str) -> discord.Embed:
    lines = [f"• {source_line(s)}" for s in sources]
    return discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description=clip_lines(lines, DESCRIPTION_LIMIT) or "No sources.",
        colour=COLOUR,
    )


def define_embed(term, source: SourceRef | None = None) -> discord.Embed:
    """A glossary term: its definition, where it comes from, and related terms."""
    embed = discord.Embed(
        title=clip(term.term, TITLE_LIMIT),
        description=clip(term.definition, DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    if source:
        embed.add_field(name="Source", value=clip(source_line(source), FIELD_LIMIT), inline=False)
    if term.see_also:
        embed.add_field(name="See also", value=clip(", ".join(term.see_also), FIELD_LIMIT))
    return fit(embed)


SLASH_COMMANDS = (
    ("/ask question", "any question in plain words — `/ask terminations in 2023`"),
    ("/check claim", "a claimed number beside the data — `/check 2.4 million crossed in 2023`"),
    ("Check the numbers", "right-click a message → Apps: checks each number it claims"),
    ("/stat metric year [region] [citizenship]", "pick a metric and a year from lists"),
    ("/compare metric first second", "two years side by side"),
    ("/trend metric start end", "a series with its chart"),
    ("/run name [year] [start] [end]", "a prepared query by name, this server's own included"),
    ("/sources [metric]", "the publications behind the figures, with links and data dates"),
    ("/coverage [topic]", "what can be asked: every series with its years, and as a CSV"),
    ("/define term", "the glossary: termination, encounter, Title 42, gotaway …"),
    ("/about", "version, data dates, how to add commands"),
    ("/help", "this message"),
    (
        "/commands add · list · show · edit · remove · export · history · wanted · reports "
        "· forget-server",
        "moderators (Manage Server): this server's own queries, previewed first",
    ),
)


def help_embed(catalog: Catalog) -> discord.Embed:
    embed = discord.Embed(
        title="immistats: U.S. immigration statistics with their sources",
        description="\n".join(f"**{usage}** — {what}" for usage, what in SLASH_COMMANDS),
        colour=COLOUR,
    )
    examples = [
        f"• `{c.examples[0]}` — {c.title}"
        for c in sorted(catalog, key=lambda c: c.name)
        if c.examples
    ]
    per_field = 8
    for start in range(0, len(examples), per_field):
        if len(embed.fields) >= 4:
            break
        name = "Questions you can ask" if start == 0 else "More questions"
        embed.add_field(
            name=name,
            value=clip_lines(examples[start : start + per_field], FIELD_LIMIT),
            inline=False,
        )
    embed.add_field(
        name="Everything else",
        value=(
            f"{len(catalog.commands)} prepared queries in all: `/stat` lists them as you type. "
            "A year means the U.S. fiscal year (FY2023 = Oct 2022–Sep 2023)."
        ),
        inline=False,
    )
    return fit(embed)


def about_embed(version: str, data_version: str, sources: Iterable[SourceRef]) -> discord.Embed:
    sources = list(sources)
    kinds = {
        k: sum(1 for s in sources if s.kind == k) for k in ("official", "research", "secondary")
    }
    embed = discord.Embed(
        title="About immistats",
        description=(
            f"Version {version} · data version `{data_version}`\n"
            "Figures from official statistics (EOIR, CBP, DHS, ICE, USCIS, Census) and research "
            "(TRAC, Pew, MPI, CMS); every answer names its source, definition and data date, and "
            "shows other sources where they disagree. Nothing is estimated."
        ),
        colour=COLOUR,
    )
    embed.add_field(
        name="Sources",
        value=(
            f"{kinds['official']} official, {kinds['research']} research, "
            f"{kinds['secondary']} secondary copies (marked as such). `/sources` lists them."
        ),
        inline=False,
    )
    by_publisher: dict[str, SourceRef] = {}
    for source in sources:
        if source.kind == "official":
            by_publisher.setdefault(source.publisher, source)
    lines = [f"• {clip(p, 70)} — {s.date}" for p, s in by_publisher.items()]
    embed.add_field(
        name="Data dates (official sources)", value=clip_lines(lines, FIELD_LIMIT), inline=False
    )
    embed.add_field(
        name="Adding a command",
        value=(
            "Prepared queries are TOML files in `commands/` (see commands/README.md); "
            "`immistats commands check` validates them. Moderators can add a server's own "
            "with `/commands add`."
        ),
        inline=False,
    )
    return fit(embed)
