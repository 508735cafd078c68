"""Embeds stay inside Discord's limits for every prepared query, and cut long text cleanly."""

import csv
import io

import pytest

from bot.app.embeds import (
    CHART_FILENAME,
    about_embed,
    answer_embed,
    clip,
    clip_lines,
    computed_text,
    data_table,
    help_embed,
    not_understood_embed,
    source_line,
    sources_embed,
)
from bot.engine.answer import Answer, Disagreement, SourceRef
from bot.engine.timewords import TimeAsk

SOURCE = SourceRef(
    "s", "Publisher " * 30, "Title " * 60, "https://example.org/x", "2024", "official"
)


def within_limits(embed) -> None:
    data = embed.to_dict()
    assert len(embed) <= 6000
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("fields", [])) <= 25
    for field in data.get("fields", []):
        assert 0 < len(field["value"]) <= 1024 and len(field["name"]) <= 256
    assert len(data.get("footer", {}).get("text", "")) <= 2048


def test_clip_cuts_at_a_boundary_with_an_ellipsis():
    assert clip("short", 10) == "short"
    cut = clip("alpha beta gamma delta epsilon", 20)
    assert cut == "alpha beta gamma…" and len(cut) <= 20
    listed = clip_lines([f"line {i}" for i in range(500)], 100)
    assert len(listed) <= 100 and listed.splitlines()[-1].startswith("… and ")


def test_every_command_answer_fits(service):
    for command in service.catalog:
        for kind in ("latest", "range"):
            years = () if kind == "latest" else (1990, 2030)
            answer = service.engine.ask_command(command.name, time=TimeAsk.asked(kind, years))
            within_limits(answer_embed(answer, chart_filename=CHART_FILENAME))


def test_a_huge_answer_is_cut_to_fit():
    answer = Answer(
        question="q",
        understood=True,
        command="c",
        title="T" * 400,
        headline="H " * 300,
        value=1.0,
        value_text="1",
        unit="cases",
        period="FY2023",
        interpretation="Read as: " + "x " * 3000,
        notices=["n " * 400] * 20,
        definition="d " * 2000,
        caveats=["c " * 900] * 30,
        sources=[SOURCE] * 40,
        sources_differ=[Disagreement("FY2023", 2.0, "2", SOURCE, "note " * 100)] * 40,
        suggestions=["s " * 200] * 3,
        data_version="v",
    )
    embed = answer_embed(answer, chart_filename=CHART_FILENAME, chart_note="note")
    within_limits(embed)
    assert embed.image.url == "attachment://chart.png"
    assert embed.fields[0].name == "What it counts"


def test_the_answer_embed_carries_figure_source_and_disagreement(engine):
    embed = answer_embed(engine.ask("pending cases end of FY2019"), chart_filename=None)
    assert "**1,331,286** cases · FY2019 (Oct 2018–Sep 2019)" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert "https://www.justice.gov/eoir/workload-and-adjudication-statistics" in fields["Sources"]
    assert "**1,087,201**" in fields["Sources differ"]
    assert embed.image.url is None


def test_no_chart_permission_is_said_in_the_embed(engine):
    note = "The chart is not attached: I don't have permission to attach files in this channel."
    embed = answer_embed(engine.ask("terminations 2023"), chart_filename=None, chart_note=note)
    assert note in embed.description


def test_not_understood_and_help_and_about_fit(service):
    within_limits(not_understood_embed(service.engine.ask("how many pizzas in 2023")))
    within_limits(help_embed(service.catalog))
    within_limits(about_embed("0.1.0", "abc", service.engine.sources.values()))
    within_limits(sources_embed(service.engine.sources.values(), "All sources"))


def test_data_table_fits_a_message_and_csv_has_every_point(engine):
    answer = engine.ask("monthly encounters 2023")
    text, raw = data_table(answer)
    assert len(text) <= 2000 and text.count("```") == 2
    rows = list(csv.reader(io.StringIO(raw.decode())))
    assert rows[0] == ["period", "label", "value", "unit", "partial", "asked"]
    assert len([r for r in rows[1:] if r and r[0] != "source"]) == len(answer.series)


@pytest.mark.parametrize("question", ["terminations 2023", "encounters from Venezuela 2023"])
def test_computed_text_shows_the_query_and_fits(engine, question):
    text = computed_text(engine.ask(question))
    assert len(text) <= 2000
    assert "```sql" in text and text.endswith("```")


def test_a_source_line_without_a_date_has_no_empty_separator():
    undated = SourceRef("u", "Factually", "A fact-check", "https://example.org/f", "", "secondary")
    assert (
        source_line(undated) == "[Factually: A fact-check](https://example.org/f) · secondary copy"
    )
    assert source_line(SOURCE).count(" · 2024") == 1


def test_a_ranking_too_long_for_a_title_is_listed_whole_in_the_description(engine):
    answer = engine.ask("top 10 sectors for border patrol encounters 2022")
    embed = answer_embed(answer, chart_filename=None)
    assert embed.title.startswith("Top 10 by sector") and embed.title.endswith(":")
    assert "1. Del Rio, TX" in embed.description and "10. " in embed.description
    assert len(embed.title) <= 256
