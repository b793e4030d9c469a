"""The one background helper: runs a function off the UI thread and reports by signal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # reported to the UI thread, never raised there
            self._signals.failed.emit(error)
        else:
            self._signals.finished.emit(result)


class BackgroundTask(QObject):
    """Run `work` in the thread pool; `finished(result)` or `failed(error)` arrive in the UI thread.

    The work must not touch widgets, and must open its own journal connection if it needs one
    (SQLite connections stay in the thread that made them). Import what the work needs at
    module level, not inside it: an import in a worker thread races with PySide's import hook
    (reportlab building a PDF in a thread segfaulted, so the report runs as a process).
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.finished.connect(self.finished)
        self._signals.failed.connect(self.failed)
        self._job = _Job(work, self._signals)
        self._job.setAutoDelete(False)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self._job)


def run_in_background(
    work: Callable[[], Any],
    parent: QObject | None,
    finished: Callable[[Any], object],
    failed: Callable[[Any], object],
) -> BackgroundTask:
    """Start `work` off the UI thread; `finished(result)` or `failed(error)` is called after."""
    task = BackgroundTask(work, parent)
    task.finished.connect(finished)
    task.failed.connect(failed)
    task.start()
    return task
