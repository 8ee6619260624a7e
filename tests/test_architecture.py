"""Each part imports only what it may: the pages' code stays in the web, reads never reach into writes."""

import ast
from pathlib import Path

import pytest

from projects import selectors

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
    return found


def sources(*folders: str, outside: str = "") -> list[Path]:
    paths = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    return sorted(path for path in paths if not outside or not path.is_relative_to(ROOT / outside))


def importers(paths: list[Path], prefix: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in paths
        if any(name == prefix or name.startswith(prefix + ".") for name in imported_modules(path))
    ]


def test_nothing_outside_the_web_imports_the_web():
    assert importers(sources("projects", "tracker", outside="projects/web"), "projects.web") == []


@pytest.mark.parametrize("writes", ["projects.services", "projects.api", "projects.web"])
def test_reads_import_no_writes_and_no_pages(writes):
    assert importers(sources("projects/selectors"), writes) == []


def test_the_pages_named_reads_are_selectors():
    for name in ("agreement_rows", "rag_distribution", "late_and_due_milestones", "portfolio_funding"):
        assert getattr(selectors, name).__module__.startswith("projects.selectors.")
