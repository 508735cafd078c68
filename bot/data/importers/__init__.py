"""Readers for official source formats; each turns a published file into one of our data tables."""
