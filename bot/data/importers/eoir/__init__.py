"""EOIR's case-level release ("EOIR Case Data") read in streams into per-year aggregate tables.

release.py finds the tables (unpacking a zip's), reading.py says how DuckDB reads them and counts
rows of the wrong width, lookups.py reads the release's own decoders, rules.py says which decoded
outcome counts as what, aggregate.py computes with DuckDB, breakdowns.py counts the tables,
tables.py writes data/, figures.py turns national totals into figures the bot answers with.
"""
