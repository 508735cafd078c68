"""Members' reports as the maintainers read them from `immistats reports`: plain text or JSON lines."""

import datetime
import json

from bot.guilds.records import Report


def report_lines(report: Report) -> list[str]:
    at = datetime.datetime.fromtimestamp(report.at, datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = "direct message" if report.guild_id is None else f"server {report.guild_id}"
    params = ", ".join(f"{k}={v}" for k, v in sorted(report.params.items()))
    command = f"{report.command} ({params})" if params else report.command
    return [
        f"#{report.id} · {where} · {at} · {command} · data {report.data_version}",
        f"  question: {report.question}",
        f"  reason: {report.reason}",
    ]


def report_json(report: Report) -> str:
    return json.dumps(
        {
            "id": report.id,
            "guild_id": report.guild_id,
            "at": report.at,
            "command": report.command,
            "params": report.params,
            "data_version": report.data_version,
            "question": report.question,
            "reason": report.reason,
        },
        ensure_ascii=False,
    )
