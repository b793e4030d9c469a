"""The leak guard of the GUI tests can fail: each kind of leak it looks for is caught."""

from __future__ import annotations

from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QDialog

from tests.gui.leaks import LeakWatch


def test_a_dialog_left_open_is_a_leak(qapp: object) -> None:
    with LeakWatch() as watch:
        dialog = QDialog()
        dialog.setWindowTitle("Forgotten")
        dialog.show()
        leaks = watch.leaks()
        dialog.close()
        dialog.deleteLater()
        del dialog
        assert watch.leaks() == []
    assert leaks == ["top-level widget QDialog 'Forgotten'"]


def test_a_timer_left_running_is_a_leak(qapp: object) -> None:
    with LeakWatch() as watch:
        timer = QTimer()
        timer.setObjectName("daily")
        timer.start(60_000)
        leaks = watch.leaks()
        timer.stop()
        assert watch.leaks() == []
    assert leaks == ["active QTimer 'daily' (every 60000 ms)"]


def test_a_thread_left_running_is_a_leak(qapp: object) -> None:
    with LeakWatch() as watch:
        thread = QThread()
        thread.setObjectName("reader")
        thread.start()
        leaks = watch.leaks()
        thread.quit()
        thread.wait()
        assert watch.leaks() == []
    assert leaks == ["running QThread QThread 'reader'"]
