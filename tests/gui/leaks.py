"""What a GUI test leaves running: top-level widgets still alive, QTimers still active and
QThreads still running once the test and its fixtures are done. A leak outlives the test that
made it and fires into the next one (a timer's slot on a closed journal, a menu over a
deleted plot), so the GUI conftest fails the test that leaked."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QThread, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def _alive(obj: Any) -> bool:
    return obj is not None and shiboken6.isValid(obj)


class LeakWatch:
    """Notes the top-level widgets before a test and every QTimer/QThread started during it."""

    def __init__(self) -> None:
        self._before = {id(widget) for widget in QApplication.topLevelWidgets()}
        self._started: list[weakref.ref[QTimer | QThread]] = []
        self._originals: list[tuple[type, Callable[..., Any]]] = []

    def __enter__(self) -> LeakWatch:
        for kind in (QTimer, QThread):
            original = kind.start
            self._originals.append((kind, original))
            setattr(kind, "start", self._recording(original))  # noqa: B010 (a class, for mypy)
        return self

    def __exit__(self, *exc: object) -> None:
        for kind, original in self._originals:
            setattr(kind, "start", original)  # noqa: B010
        self._originals.clear()

    def _recording(self, original: Callable[..., Any]) -> Callable[..., Any]:
        started = self._started

        def start(obj: Any, *args: Any, **kwargs: Any) -> Any:
            started.append(weakref.ref(obj))
            return original(obj, *args, **kwargs)

        return start

    def leaks(self) -> list[str]:
        """What is still alive or running; empty when the test cleaned up after itself."""
        for _ in range(2):
            gc.collect()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            QCoreApplication.processEvents()
        found = [
            f"top-level widget {type(widget).__name__} {widget.windowTitle()!r}"
            for widget in QApplication.topLevelWidgets()
            if id(widget) not in self._before and _alive(widget) and _is_leak(widget)
        ]
        for ref in self._started:
            obj = ref()
            if not _alive(obj):
                continue
            if isinstance(obj, QTimer) and obj.isActive():
                found.append(f"active QTimer {obj.objectName()!r} (every {obj.interval()} ms)")
            elif isinstance(obj, QThread) and obj.isRunning():
                found.append(f"running QThread {type(obj).__name__} {obj.objectName()!r}")
        return found


def _is_leak(widget: QWidget) -> bool:
    # A popup with a parent goes with its parent (reported itself when it is the leak); Qt
    # keeps a few hidden top-level helpers of its own (the tool-tip label).
    if widget.parentWidget() is not None:
        return False
    return type(widget).__module__ != "PySide6.QtWidgets" or widget.isVisible()
