"""EOIR's case-level release ("EOIR Case Data") read in streams into per-year aggregate tables.

release.py finds the tables and opens them as streams (a zip's members decompressed as they are
read); reading.py reads each table in chunks on threads and counts rows of the wrong width;
scan.py is the compiled scan of a chunk's lines into numbers and exact.py reads what it could not;
codes.py numbers each column's codes and decode.py decides, with lookups.py (the release's own
decoders) and rules.py, what each code is; passes.py applies the counting rules to a chunk;
cases.py keeps each case's first completion and endings.py joins the asylum applications to it
and lays the cases out for counting; aggregate.py runs the whole; counting.py
counts the cases per group and breakdowns.py has DuckDB name and write the nine tables;
tables.py writes data/, figures.py turns national totals into figures the bot answers with.
"""
