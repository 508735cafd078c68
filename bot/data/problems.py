"""A problem in the data files and the error that carries them all; kept free of pandas so the CLI can catch it without loading pandas."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"data/{self.file}" + (f", line {self.line}" if self.line else "")
        return f"{where}: {self.reason}"


class DataError(Exception):
    """Raised with every problem found, so one run shows them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
