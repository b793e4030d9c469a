"""Suite-wide rules: one journal fixture, the `gui` marker given by folder or fixture use,
and a suite that still runs (`-m "not gui"`) where Qt is not installed."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fertilitytracker.services.demo import fill_demo
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY, open_journal

GUI_TESTS = Path(__file__).parent / "gui"
HAS_QT = all(importlib.util.find_spec(name) for name in ("PySide6", "pyqtgraph", "pytestqt"))

# Without Qt the GUI folder cannot even be imported: the headless run (make test-headless)
# leaves it out instead of failing on its imports.
collect_ignore = [] if HAS_QT else ["gui"]


def pytest_addoption(parser: pytest.Parser) -> None:
    if not HAS_QT:
        # pyproject's pytest-qt settings, known to --strict-config even without pytest-qt.
        for name in ("qt_api", "qt_log_level_fail"):
            parser.addini(name, "pytest-qt setting (unused without Qt)")
        parser.addini("qt_log_ignore", "pytest-qt setting (unused without Qt)", type="linelist")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if GUI_TESTS in Path(item.fspath).parents or "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True, scope="session")
def _cache_folder_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Per-user caches (the report's parsed fonts) go to the run's own folder, for the commands
    the tests start too, never to the cache folder of the person running the suite."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    """An empty journal: a real SQLite file in tmp_path."""
    with open_journal(tmp_path / "journal.sqlite3") as opened:
        yield opened


@pytest.fixture
def demo_journal(tmp_path: Path) -> Iterator[Journal]:
    """A journal holding the six-month demo course ending on 2026-06-01 (the pinned today)."""
    with open_journal(tmp_path / "demo-course.sqlite3") as opened:
        fill_demo(opened, TODAY)
        yield opened
