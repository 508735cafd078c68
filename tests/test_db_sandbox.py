"""bot/db.py keeps every query inside the fence, and the database file is never touched."""

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.engine.db import StatsDB, open_readonly
from bot.engine.sql_rules import DatabaseUnavailable, ParameterError, QueryRefused, QueryTimeout

YEARS = range(2000, 2025)


@pytest.fixture
def stats_file(tmp_path: Path) -> Path:
    """A small real statistics database, in a folder whose name needs URI escaping."""
    folder = tmp_path / "stats dir #1"
    folder.mkdir()
    path = folder / "immistats?.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE sources (id TEXT PRIMARY KEY, publisher TEXT, url TEXT);
        CREATE TABLE figures (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            metric TEXT, period TEXT, geography TEXT, value INTEGER, source_id TEXT
        );
        CREATE VIEW annual_totals AS
            SELECT metric, period, sum(value) AS total FROM figures GROUP BY metric, period;
        INSERT INTO sources VALUES ('eoir', 'EOIR', 'https://www.justice.gov/eoir');
        """
    )
    conn.executemany(
        "INSERT INTO figures (metric, period, geography, value, source_id) VALUES (?, ?, ?, ?, ?)",
        [
            (metric, f"FY{year}", geo, year - 1990 + len(geo), "eoir")
            for metric in ("terminations", "grants")
            for year in YEARS
            for geo in ("US", "CA")
        ],
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def db(stats_file: Path):
    """The database opened read-only; on the way out, prove that nothing changed on disk."""
    folder = stats_file.parent
    before = (_digest(stats_file), sorted(folder.iterdir()))
    with open_readonly(stats_file) as stats:
        yield stats
    assert (_digest(stats_file), sorted(folder.iterdir())) == before


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_select_with_named_parameters(db: StatsDB) -> None:
    result = db.query(
        "SELECT period, value FROM figures WHERE metric = :metric AND geography = :geo "
        "AND period BETWEEN :first AND :last ORDER BY period",
        {"metric": "terminations", "geo": "US", "first": "FY2022", "last": "FY2023"},
    )
    assert result.columns == ["period", "value"]
    assert result.rows == [("FY2022", 34), ("FY2023", 35)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT total FROM annual_totals WHERE metric = :metric AND period = :year",
        "SELECT total FROM ANNUAL_TOTALS WHERE metric = :metric AND period = :year;",
        "SELECT total FROM annual_totals WHERE metric = :metric AND period = :year; -- done",
        "SELECT total FROM annual_totals /* ; DROP TABLE figures */ "
        "WHERE metric = :metric AND period = :year",
        "WITH t AS (SELECT * FROM annual_totals WHERE metric = :metric) "
        "SELECT total FROM t WHERE period = :year",
    ],
    ids=["view", "any-case", "trailing-comment", "inner-comment", "cte"],
)
def test_allowed_shapes(db: StatsDB, sql: str) -> None:
    result = db.query(sql, {"metric": "grants", "year": "FY2023", "unused": 1})
    assert result.rows == [(70,)]


def test_functions_on_the_list_work(db: StatsDB) -> None:
    result = db.query(
        "SELECT period, total, total - lag(total) OVER (ORDER BY period) AS change, "
        "printf('%,d', total) AS shown, round(avg(total) OVER (), 1) AS mean, "
        "iif(period LIKE 'FY202%', 'recent', 'older') AS era "
        "FROM annual_totals WHERE metric = 'terminations' ORDER BY period DESC LIMIT 1"
    )
    assert result.rows == [("FY2024", 72, 2, "72", 48.0, "recent")]


def test_bounded_recursive_cte_and_text_with_semicolons(db: StatsDB) -> None:
    sql = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) "
        "SELECT group_concat(x, ';'), 'a;b' FROM c"
    )
    assert db.query(sql).rows == [("1;2;3;4;5", "a;b")]


def test_over_the_row_cap_is_refused_never_cut(db: StatsDB) -> None:
    with pytest.raises(QueryRefused, match="more than 10 rows"):
        db.query("SELECT id FROM figures ORDER BY id", max_rows=10)
    exact = db.query("SELECT id FROM figures WHERE id <= 10", max_rows=10)
    assert exact.rows == [(i,) for i in range(1, 11)]


def test_the_default_row_cap_is_a_thousand(db: StatsDB) -> None:
    rows = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) "
        "SELECT x FROM c"
    )
    assert len(db.query(rows, {"n": 1000}).rows) == 1000
    with pytest.raises(QueryRefused, match="more than 1,000 rows"):
        db.query(rows, {"n": 1001})


HOSTILE = [
    ("INSERT INTO figures (metric) VALUES ('x')", "only SELECT statements are allowed"),
    ("UPDATE figures SET value = 0", "only SELECT statements are allowed"),
    ("DELETE FROM figures", "only SELECT statements are allowed"),
    ("REPLACE INTO sources VALUES ('x', 'y', 'z')", "only SELECT statements are allowed"),
    ("WITH x AS (SELECT 1) DELETE FROM figures", "only SELECT statements are allowed"),
    ("DROP TABLE figures", "only SELECT statements are allowed"),
    ("DROP VIEW annual_totals", "only SELECT statements are allowed"),
    ("CREATE TABLE evil (x)", "only SELECT statements are allowed"),
    ("CREATE TEMP TABLE evil (x)", "only SELECT statements are allowed"),
    ("CREATE TEMP VIEW evil AS SELECT 1", "only SELECT statements are allowed"),
    ("CREATE INDEX evil ON figures (value)", "only SELECT statements are allowed"),
    ("ALTER TABLE figures RENAME TO evil", "only SELECT statements are allowed"),
    ("BEGIN IMMEDIATE", "only SELECT statements are allowed"),
    ("ANALYZE", "only SELECT statements are allowed"),
    ("REINDEX", "only SELECT statements are allowed"),
    ("VACUUM", "only SELECT statements are allowed"),
    ("VACUUM INTO '{dir}/x.db'", "only SELECT statements are allowed"),
    ("ATTACH DATABASE '{dir}/x.db' AS x", "attaching or detaching databases is not allowed"),
    ("DETACH DATABASE main", "attaching or detaching databases is not allowed"),
    ("PRAGMA writable_schema = 1", "PRAGMA statements are not allowed"),
    ("PRAGMA table_info(figures)", "PRAGMA statements are not allowed"),
    ("PRAGMA query_only = 0", "PRAGMA statements are not allowed"),
    ("SELECT * FROM pragma_table_info('figures')", "table-valued functions"),
    ("SELECT * FROM sqlite_master", "internal tables"),
    ("SELECT sql FROM sqlite_schema", "internal tables"),
    ("SELECT * FROM main.sqlite_sequence", "internal tables"),
    ("SELECT load_extension('x')", "function load_extension is not allowed"),
    ("SELECT randomblob(1000000000)", "function randomblob is not allowed"),
    ("SELECT zeroblob(1000000000)", "function zeroblob is not allowed"),
    ("SELECT replace(hex(zeroblob(100000000)), '0', 'xx')", "is not allowed"),
    ("SELECT readfile('/etc/passwd')", "function readfile is not allowed"),
    ("SELECT writefile('{dir}/x.db', 'x')", "function writefile is not allowed"),
    ("SELECT sqlite_version()", "function sqlite_version is not allowed"),
    ("SELECT value FROM json_each('[1, 2]')", "table-valued functions"),
    ("SELECT * FROM secrets", "the table 'secrets' is not part of the statistics database"),
    (
        "SELECT * FROM figures WHERE source_id IN (SELECT id FROM secrets)",
        "the table 'secrets' is not part of the statistics database",
    ),
    ("SELECT * FROM temp.figures", "is not part of the statistics database"),
    ("SELECT 1; DROP TABLE figures", "only one statement is allowed"),
    ("SELECT 'a;b'; SELECT 2", "only one statement is allowed"),
    ("SELECT 1 /* ; */; DELETE FROM figures -- ;", "only one statement is allowed"),
    ("SELECT 1\x00; DROP TABLE figures", "NUL character"),
    ("SELECT 1" + " " * 100_000, "the query is too long"),
    ("SELECT " + "1 + " * 25_000 + "1", "the query is too long"),
    ("-- nothing here\n;  ;", "the query is empty"),
    ("SELEC 1", "the SQL could not be read"),
    (
        "SELECT " + "replace(" * 7 + "'xxxxxxxxxx'" + ", 'x', 'xxxxxxxxxx')" * 7,
        "the query builds a value too large",
    ),
    ("SELECT printf('%.*c', 90000, 'x') FROM figures", "the result is too large to show"),
    ("SELECT " + ", ".join(f"printf('%.*c', 99000, 'x') AS c{i}" for i in range(60)), "too large"),
    ("SELECT " + ", ".join(["1"] * 198), "the query returns too many columns"),
    ("SELECT " + "(" * 300 + "1" + ")" * 300, "the query nests too deeply"),
]


@pytest.mark.parametrize(("sql", "reason"), HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_queries_are_refused(db: StatsDB, stats_file: Path, sql: str, reason: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        db.query(sql.replace("{dir}", str(stats_file.parent)))
    assert reason in str(refused.value)
    assert "Traceback" not in str(refused.value)
    assert db.query("SELECT count(*) FROM figures").rows == [(100,)]  # still usable


def test_megabyte_strings_cannot_be_made(db: StatsDB) -> None:
    """One instr() or replace() over megabyte strings would run for seconds in a single step,
    which no deadline can interrupt: printf gives nothing past the value limit."""
    sql = "SELECT printf('%999990s', 'x'), instr(printf('%.*c', 999990, 'a'), 'b')"
    assert db.query(sql).rows == [(None, None)]


def test_runaway_recursive_cte_times_out(db: StatsDB) -> None:
    sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    with pytest.raises(QueryTimeout, match=r"the query took longer than 1\.0 s"):
        db.query(sql)
    assert db.query("SELECT count(*) FROM sources").rows == [(1,)]


@pytest.mark.parametrize(
    ("sql", "params", "reason"),
    [
        ("SELECT * FROM figures WHERE period = ?", {"year": "FY2023"}, "named parameters"),
        ("SELECT * FROM figures WHERE period = ?", None, "named parameters"),
        ("SELECT * FROM figures WHERE period = :year", ["FY2023"], "named parameters"),
        ("SELECT * FROM figures WHERE period = ?1", {"1": "FY2023"}, "plain words"),
        ("SELECT * FROM figures WHERE period = :year", {}, "the parameter :year has no value"),
        ("SELECT * FROM figures WHERE value = :n", {"n": 2**70}, ":n is too large"),
        ("SELECT * FROM figures WHERE value = :n", {"n": object()}, ":n must be a number"),
    ],
    ids=["positional", "positional-no-params", "sequence", "numbered", "missing", "huge", "type"],
)
def test_parameters_are_named_and_complete(
    db: StatsDB, sql: str, params: object, reason: str
) -> None:
    with pytest.raises(ParameterError, match=reason):
        db.query(sql, params)  # type: ignore[arg-type]


def test_missing_database_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "immistats.db"
    with pytest.raises(DatabaseUnavailable, match="not found"):
        open_readonly(missing)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "immistats.db"
    bogus.write_text("year,value\n2023,1\n")
    with pytest.raises(DatabaseUnavailable, match="not a readable SQLite database"):
        open_readonly(bogus)
    assert bogus.read_text() == "year,value\n2023,1\n"


def test_closed_database_refuses_queries(stats_file: Path) -> None:
    with StatsDB(stats_file) as stats:
        assert stats.query("SELECT 1 AS one").rows == [(1,)]
    with pytest.raises(DatabaseUnavailable, match="closed"):
        stats.query("SELECT 1")


def test_queries_from_many_threads(db: StatsDB) -> None:
    errors: list[BaseException] = []

    def worker(year: int) -> None:
        try:
            for _ in range(20):
                result = db.query(
                    "SELECT value FROM figures WHERE metric = 'grants' AND geography = 'US' "
                    "AND period = :year",
                    {"year": f"FY{year}"},
                )
                assert result.rows == [(year - 1988,)]
            with pytest.raises(QueryRefused):
                db.query("DROP TABLE figures")
        except BaseException as error:  # surfaced to the main thread below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(year,)) for year in YEARS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
