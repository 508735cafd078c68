"""immistats: sourced answers to questions about U.S. immigration statistics."""


def __getattr__(name: str) -> str:
    """`__version__` from the installed package's metadata (pyproject.toml holds the only copy),
    read when first asked for: importing importlib.metadata costs ~25 ms that `immistats ask`
    need not pay."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("immistats")
    except PackageNotFoundError:  # a checkout used without installing it (PYTHONPATH=.)
        return "unknown"
