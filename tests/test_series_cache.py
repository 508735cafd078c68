"""The engine keeps each series once read (the statistics database is read-only per version)."""

from bot.engine.selection import Row
from bot.engine.series_cache import SeriesCache


def _row(period: str, value: float) -> Row:
    return Row(period, value, None, frozenset(), None, None, None, None)


def test_a_series_is_read_once_per_query_and_bound_values():
    reads: list[str] = []

    def read(value: str):
        def reader() -> list[Row]:
            reads.append(value)
            return [_row("FY2023", 1.0)]

        return reader

    cache = SeriesCache()
    first = cache.rows("select 1", "fiscal_year", {"country": "MEXICO"}, read("MEXICO"))
    again = cache.rows("select 1", "fiscal_year", {"country": "MEXICO"}, read("MEXICO"))
    other = cache.rows("select 1", "fiscal_year", {"country": "CUBA"}, read("CUBA"))
    assert reads == ["MEXICO", "CUBA"]
    assert first == again == other
    first.clear()  # a caller's list is its own: the kept series is untouched
    assert cache.rows("select 1", "fiscal_year", {"country": "MEXICO"}, read("x")) != []


def test_the_least_recently_used_series_goes_first_past_the_bound():
    cache = SeriesCache(keep=2)
    reads: list[str] = []

    def reader(name: str):
        return lambda: reads.append(name) or [_row("FY2023", 1.0)]

    for name in ("a", "b", "a", "c", "a", "b"):
        cache.rows(name, "fiscal_year", {}, reader(name))
    assert reads == ["a", "b", "c", "b"]  # 'b' was dropped for 'c'; 'a' stayed in use
