"""Shared GUI test fixtures: a real journal in tmp_path, a pinned clock, QSettings in tmp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.single_instance import ExternalWriteWatcher
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.storage.journal import Journal
from tests.builders import NOW, TODAY
from tests.gui.leaks import LeakWatch

Shown = TypeVar("Shown", bound=QWidget)


@pytest.fixture(autouse=True)
def _no_leaks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a top-level widget, a running QTimer or QThread behind."""
    request.getfixturevalue("qapp")
    with LeakWatch() as watch:
        yield
        leaks = watch.leaks()
    if leaks:
        pytest.fail("left behind after the test: " + "; ".join(leaks), pytrace=False)


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> Iterator[None]:
    """Any QSettings a test or the app makes lives in tmp_path, never in the user's config."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    # QSettings(organization, application) is the native format: on Linux a .conf file.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    yield


@pytest.fixture
def ui_state(tmp_path: Path) -> UiState:
    """Window state kept in an ini file of this test."""
    return UiState(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


def close_launched(context: AppContext) -> None:
    """End what a launch started on `context`: the app keeps them until it quits, a test must
    not (the external-write watcher's timer would poll a closed journal in the next test)."""
    for watcher in context.findChildren(ExternalWriteWatcher):
        watcher.deleteLater()
    context.journal.close()


def make_context(journal: Journal) -> AppContext:
    """A context on `journal` whose today is 2026-06-01 and now 09:00."""
    return AppContext(journal, today=lambda: TODAY, now=lambda: NOW)


@contextmanager
def _context_over(journal: Journal) -> Iterator[AppContext]:
    """make_context, then the journal the context holds at the end is closed (a test may
    switch the context to another journal, as the app does)."""
    made = make_context(journal)
    try:
        yield made
    finally:
        made.journal.close()


@pytest.fixture
def context(journal: Journal) -> Iterator[AppContext]:
    """The app context over the empty journal, with a pinned today (2026-06-01 09:00)."""
    with _context_over(journal) as made:
        yield made


@pytest.fixture
def demo_context(demo_journal: Journal) -> Iterator[AppContext]:
    """The app context over the demo journal."""
    with _context_over(demo_journal) as made:
        yield made


@pytest.fixture
def show(qtbot) -> Callable[..., QWidget]:
    """Put a widget on screen as a user would see it: owned by the test (closed after it),
    resized when a size is given, and shown until the window system has exposed it."""

    def shown(widget: Shown, width: int | None = None, height: int | None = None) -> Shown:
        qtbot.addWidget(widget)
        if width is not None and height is not None:
            widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return shown


@pytest.fixture
def demo_window(
    show: Callable[..., MainWindow], demo_context: AppContext, ui_state: UiState
) -> MainWindow:
    """The main window over the demo journal, on screen."""
    return show(MainWindow(ui_state, demo_context))
