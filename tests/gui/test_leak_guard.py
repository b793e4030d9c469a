"""The leak guard of the GUI tests can fail: each kind of leak it looks for is caught."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtWidgets import QDialog

from tests.gui.leaks import LeakWatch

CleanUp = Callable[[], None]


def _dialog_left_open() -> CleanUp:
    dialog = QDialog(windowTitle="Forgotten")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closing it deletes it later
    dialog.show()
    return dialog.close


def _timer_left_running() -> CleanUp:
    timer = QTimer(objectName="daily")
    timer.start(60_000)
    return timer.stop


def _thread_left_running() -> CleanUp:
    thread = QThread(objectName="reader")
    thread.start()

    def clean_up() -> None:
        thread.quit()
        thread.wait()

    return clean_up


@pytest.mark.parametrize(
    ("leave", "leak"),
    [
        (_dialog_left_open, "top-level widget QDialog 'Forgotten'"),
        (_timer_left_running, "active QTimer 'daily' (every 60000 ms)"),
        (_thread_left_running, "running QThread QThread 'reader'"),
    ],
    ids=["dialog", "timer", "thread"],
)
def test_a_leak_is_caught_and_cleaning_it_up_clears_it(
    qapp: object, leave: Callable[[], CleanUp], leak: str
) -> None:
    with LeakWatch() as watch:
        clean_up = leave()
        leaks = watch.leaks()
        clean_up()
        del clean_up  # the last reference to what was left behind
        assert watch.leaks() == []
    assert leaks == [leak]
