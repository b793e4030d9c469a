"""Charts made ready in idle time after start-up, so that its first visit only shows and paints.

A first visit of Charts otherwise pays for importing numpy and pyqtgraph, computing the chart
model and building the plots in sight (~350 ms on a ten-year journal). Once the start page has
painted and the app has been idle a moment, `ChartsPreparer` does that work in slices: each
runs on the event loop's turn after the last, and none is meant to take more than ~50 ms, so a
click waits at most one slice. The chart model (pure Python) is computed in a worker thread;
the imports stay on the UI thread (gui/workers.py says why). The screen is then built hidden
with that model, and its first plots one per slice.

This module imports neither pyqtgraph nor numpy: it is what loads them.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from fertilitytracker.gui.workers import BackgroundTask

if TYPE_CHECKING:
    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.gui.main_window import MainWindow
    from fertilitytracker.gui.screens.charts import ChartsScreen

# How long the app is left alone after the start page painted before the work begins: the
# person's first clicks and the start page's own follow-up work come first.
PREPARE_AFTER_MS = 500
# A slice that walks a list stops after this long and goes on at the next turn.
SLICE_BUDGET_S = 0.025
CHARTS = "charts"
# pyqtgraph's import copies every name of QtCore, QtGui and QtWidgets into its own modules, and
# PySide makes each Qt type the first time it is looked up: looked up here, a slice at a time.
QT_MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
# The standard-library modules pyqtgraph's import pulls in that the app has not loaded yet,
# in a slice of their own so that pyqtgraph's own slice stays short.
PYQTGRAPH_NEEDS = (
    "multiprocessing.connection",
    "pydoc",
    "xml.etree.ElementTree",
    "socket",
    "cProfile",
    "PySide6.QtTest",
)


class Step(Enum):
    """What a slice asks for next."""

    AGAIN = "again"  # the same step, at the next turn
    NEXT = "next"  # the following step, at the next turn
    WAIT = "wait"  # nothing until a worker reports back
    STOP = "stop"  # done (or Charts was built meanwhile)


class ChartsPreparer(QObject):
    """Builds the Charts page of `window` in idle time, once its start page has painted."""

    def __init__(self, window: MainWindow, after_ms: int = PREPARE_AFTER_MS) -> None:
        super().__init__(window)
        self._window = window
        self._after_ms = after_ms
        self._steps: list[Callable[[], Step]] = [
            lambda: self._import("numpy"),
            self._look_up_qt_types,
            lambda: self._import(*PYQTGRAPH_NEEDS),
            lambda: self._import("pyqtgraph"),
            lambda: self._import("fertilitytracker.gui.screens.charts"),
            self._compute_model,
            self._build_screen,
            self._build_plot_in_sight,
        ]
        self._position = 0
        self._names: list[tuple[object, str]] | None = None
        self._task: BackgroundTask | None = None
        self._context: AppContext | None = None
        self._model: Any = None
        self._outdated = False
        self._built = False  # the screen was built here (not by a visit)
        self.done = False
        self._page: QWidget = window.stack.currentWidget() or window
        self._page.installEventFilter(self)

    @property
    def computing(self) -> bool:
        """Whether the chart model is being computed in the worker now."""
        return self._task is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._page and event.type() == QEvent.Type.Paint:
            self._page.removeEventFilter(self)
            QTimer.singleShot(self._after_ms, self, self._slice)
        return False

    # --- the slices ---------------------------------------------------------------------------

    def _slice(self) -> None:
        visited = self._window.page(CHARTS) is not None and not self._built
        if visited or self._window.context is None:
            self._finish()  # built by a visit meanwhile (or no journal): nothing to prepare
            return
        step = self._steps[self._position]()
        if step is Step.NEXT:
            self._position += 1
        if step is Step.STOP or self._position == len(self._steps):
            self._finish()
        elif step is not Step.WAIT:
            QTimer.singleShot(0, self, self._slice)

    def _finish(self) -> None:
        self.done = True
        self._follow(None)

    def _import(self, *modules: str) -> Step:
        for module in modules:
            importlib.import_module(module)
        return Step.NEXT

    def _look_up_qt_types(self) -> Step:
        if self._names is None:
            self._names = []
            for module_name in QT_MODULES:
                module = importlib.import_module(module_name)
                self._names += [(module, name) for name in dir(module)]
        started = time.perf_counter()
        while self._names and time.perf_counter() - started < SLICE_BUDGET_S:
            owner, name = self._names.pop()
            getattr(owner, name)
        return Step.AGAIN if self._names else Step.NEXT

    def _compute_model(self) -> Step:
        """Read the journal here (its connection is this thread's), compute in the worker."""
        from fertilitytracker.services.chart_data import chart_data

        context = self._window.context
        assert context is not None
        self._follow(context)
        self._outdated = False
        history = context.history()
        unit_system, edition, today = context.unit_system(), context.who_edition(), context.today()
        self._task = BackgroundTask(lambda: chart_data(history, unit_system, edition, today), self)
        self._task.finished.connect(self._model_computed)
        self._task.failed.connect(self._model_failed)
        self._task.start()
        return Step.WAIT

    def _model_computed(self, model: object) -> None:
        self._task = None
        if self._outdated:  # a write while it was computed: compute it again
            QTimer.singleShot(0, self, self._slice)
            return
        self._model = model
        self._position += 1
        QTimer.singleShot(0, self, self._slice)

    def _model_failed(self, _error: object) -> None:
        # Nothing is lost: the first visit computes the model itself (and shows any error).
        self._task = None
        self._finish()

    def _journal_changed(self, _change: object = None) -> None:
        self._outdated = True

    def _follow(self, context: AppContext | None) -> None:
        """Hear of the writes to `context` (None: to none) while its model is in use."""
        if self._context is not None:
            self._context.journal_changed.disconnect(self._journal_changed)
            self._context.journal_replaced.disconnect(self._journal_changed)
        self._context = context
        if context is not None:
            context.journal_changed.connect(self._journal_changed)
            context.journal_replaced.connect(self._journal_changed)

    def _build_screen(self) -> Step:
        if self._outdated:
            self._position -= 1  # the model is out of date: compute it again first
            return Step.AGAIN
        self._follow(None)  # from now on the screen follows the journal itself
        self._window.ensure_screen(CHARTS, data=self._model)
        self._built = True
        self._model = None
        return Step.NEXT

    def _build_plot_in_sight(self) -> Step:
        """One of the plots a first visit shows (the top of the page, the height of the pages)."""
        screen = cast("ChartsScreen | None", self._window.page(CHARTS))
        built = screen is not None and screen.stack.build_ahead(self._window.stack.height())
        return Step.AGAIN if built else Step.STOP


def prepare_charts_when_idle(window: MainWindow) -> ChartsPreparer:
    """Make `window`'s Charts page ready in idle time once its start page has painted."""
    return ChartsPreparer(window)
