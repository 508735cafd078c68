"""EOIR's case-level release ("EOIR Case Data") read in streams into per-year aggregate tables.

release.py finds the tables (unpacking a zip's), reading.py says how DuckDB reads them and counts
rows of the wrong width, passes.py parses each once and reduces it in the same query, lookups.py
reads the release's own decoders, rules.py says which decoded outcome counts as what, aggregate.py
joins the reduced tables, breakdowns.py counts and writes the tables,
tables.py writes data/, figures.py turns national totals into figures the bot answers with.
"""
