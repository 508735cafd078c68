"""EOIR's case-level release ("EOIR Case Data") read in streams into per-year aggregate tables.

release.py finds and cleans the tables, lookups.py reads the release's own decoders, rules.py says
which decoded outcome counts as what, aggregate.py computes with DuckDB, tables.py writes data/.
"""
