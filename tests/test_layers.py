"""The house's arrows, read from the source: which package may import which, and no circles.

Every import counts, including those inside functions, because a lazy import is still a dependency.
"""

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
SHARED = {"bot", "bot.paths", "bot.settings"}  # anyone may read where files are and settings
ALLOWED = {
    "cli": {"app", "data", "engine", "guilds", "render"},
    "app": {"engine", "guilds", "render"},
    "guilds": {"engine"},
    "render": {"engine"},
    "data": {"engine"},
    "engine": set(),
}
NO_DISCORD = ("engine", "render", "data", "guilds")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[str]:
    """Every module name an import statement in the file names (absolute imports only here)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def layer(module: str) -> str | None:
    """The package a module belongs to: bot.engine.db -> engine; bot.cli -> cli."""
    parts = module.split(".")
    if parts[0] != "bot" or module in SHARED:
        return None
    return parts[1]


MODULES = {module_name(p): p for p in sorted(BOT.rglob("*.py"))}


@functools.cache
def graph() -> dict[str, set[str]]:
    """Module -> the bot modules it imports (names resolved to modules that exist); read once
    for every test here, as the files do not change during a run."""
    return {
        name: {target for target in imported(path) if target in MODULES and target != name}
        for name, path in MODULES.items()
    }


def test_every_module_lives_in_a_layer():
    loose = [m for m in MODULES if layer(m) is None and m not in SHARED]
    assert loose == []
    assert {layer(m) for m in MODULES} - {None} == set(ALLOWED)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_arrows(name):
    own = layer(name)
    for target in graph()[name]:
        other = layer(target)
        if other is None or other == own:
            continue
        assert other in ALLOWED[own], f"{name} imports {target}: {own} -> {other} is not allowed"


@pytest.mark.parametrize("package", NO_DISCORD)
def test_only_the_app_talks_to_discord(package):
    offenders = [
        name
        for name, path in MODULES.items()
        if layer(name) == package
        and any(t == "discord" or t.startswith("discord.") for t in imported(path))
    ]
    assert offenders == []


def test_no_import_circles():
    edges = graph()
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                circle = trail[trail.index(target) :] + [target]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])


def test_the_checker_sees_a_forbidden_arrow(tmp_path):
    """The reader must notice imports inside functions, or the arrows above prove nothing."""
    sample = tmp_path / "sample.py"
    sample.write_text("def later():\n    from bot.app.client import create_bot\n")
    assert "bot.app.client" in set(imported(sample))
