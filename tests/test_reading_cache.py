"""Readings are kept per catalog and never served for another catalog."""

import gc

from bot.engine.catalog import Catalog
from bot.engine.question import Reading
from bot.engine.reading_cache import ReadingCache


def test_a_reading_is_read_once_per_catalog_and_question():
    cache, reads = ReadingCache(), []
    one, other = Catalog({}, []), Catalog({}, [])

    def read(text: str):
        return lambda: reads.append(text) or Reading(text, None)

    first = cache.reading("encounters 2023", one, read("a"))
    assert cache.reading("encounters 2023", one, read("b")) is first
    cache.reading("encounters 2023", other, read("c"))  # another server's catalog: read again
    cache.reading("terminations 2023", one, read("d"))
    assert reads == ["a", "c", "d"]


def test_a_catalog_gone_never_lends_its_readings_to_one_with_the_same_id():
    cache = ReadingCache()
    gone = Catalog({}, [])
    cache.reading("q", gone, lambda: Reading("old", None))
    old_id = id(gone)
    del gone
    gc.collect()
    for _ in range(1000):  # CPython reuses freed ids: try to land on the same one
        newer = Catalog({}, [])
        if id(newer) == old_id:
            break
    assert cache.reading("q", newer, lambda: Reading("new", None)).question == "new"


def test_the_least_recently_asked_reading_goes_first_past_the_bound():
    cache, catalog, reads = ReadingCache(keep=2), Catalog({}, []), []
    for question in ("a", "b", "a", "c", "a", "b"):
        cache.reading(question, catalog, lambda q=question: reads.append(q) or Reading(q, None))
    assert reads == ["a", "b", "c", "b"]
