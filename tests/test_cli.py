"""The `immistats` command as a user runs it: a real process, the real database, exit codes."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def run(built_db, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "IMMISTATS_DB": str(built_db)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_ask_prints_the_answer_and_exits_0(built_db):
    result = run(built_db, "ask", "terminations in 2023")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("149,305 asylum cases terminated")
    assert "https://" in result.stdout


def test_ask_json_is_one_object_and_chart_is_a_png(built_db, tmp_path):
    chart = tmp_path / "chart.png"
    result = run(built_db, "ask", "--json", "--chart", str(chart), "encounters 2022")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["value"] == 2_766_582 and data["command"] == "encounters"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_not_understood_exits_2_with_suggestions(built_db):
    result = run(built_db, "ask", "--json", "asylum")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["understood"] is False and data["suggestions"]


def test_commands_check_and_list(built_db):
    check = run(built_db, "commands", "check")
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().endswith("0 problem(s)")
    listing = run(built_db, "commands", "list")
    assert (
        "asylum-terminated" in listing.stdout
        and 'immistats ask "terminations in 2023"' in listing.stdout
    )
