"""immistats: sourced answers to questions about U.S. immigration statistics."""

__version__ = "0.1.0"
