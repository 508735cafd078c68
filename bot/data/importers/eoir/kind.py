"""The `eoir-case-data` import kind: what it reads and writes (no heavy imports: the registry and
the CLI's help load this on every command)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseDataKind:
    """An import that streams a multi-gigabyte release into several aggregate tables in data/."""

    name: str
    title: str
    output: str  # the pattern of the files it writes in data/
    page: str
    urls: tuple[str, ...]


EOIR_CASE_DATA = CaseDataKind(
    name="eoir-case-data",
    title="EOIR case data (FOIA release), aggregated per fiscal year",
    output="eoir_*.csv.gz",
    page="https://www.justice.gov/eoir/foia-library-0",
    urls=("https://fileshare.eoir.justice.gov/EOIR%20Case%20Data.zip",),
)
