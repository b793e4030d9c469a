"""Charts made ready ahead of a visit, so that showing it only draws and paints.

`ChartModelAhead` computes the chart model in a worker thread: the hidden Charts screen asks
it for the model of each write (it is drawn when the screen is shown), and so does the
preparation at start-up below.

A first visit of Charts otherwise pays for importing numpy and pyqtgraph, computing the chart
model and building the plots in sight (~350 ms on a ten-year journal). Once the start page has
painted and the app has been idle a moment, `ChartsPreparer` does that work in slices: each
runs on the event loop's turn after the last, and none is meant to take more than ~50 ms, so a
click waits at most one slice. The chart model (pure Python) is computed in a worker thread;
the imports stay on the UI thread (gui/workers.py says why). The screen is then built hidden
with that model, and its first plots one per slice; then Labs, built hidden in one slice. When
it is done, what start-up loaded is frozen out of the cyclic garbage collector's reach
(`freeze_what_start_up_loaded`).

This module imports neither pyqtgraph nor numpy: it is what loads them.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from fertilitytracker.gui.workers import BackgroundTask

if TYPE_CHECKING:
    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.gui.main_window import MainWindow
    from fertilitytracker.gui.screens.charts import ChartsScreen

# How long the app is left alone after the start page painted, or after the person last went
# to another page, before the work begins: someone busy with a page goes first.
PREPARE_AFTER_MS = 700
# Qt names looked up per slice: some 700 in all take ~70 ms, a few much longer than others.
QT_NAMES_PER_SLICE = 150
CHARTS = "charts"
LABS = "labs"
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
    STOP = "stop"  # nothing more to do


class ChartModelAhead(QObject):
    """The chart model of `context`'s journal, computed in a worker thread.

    The journal is read here, on the UI thread (its connection belongs to this thread; the
    context keeps the records anyway), and `chart_data` runs in the worker. A write while it
    runs makes it compute again, so `ready` always brings the model of the journal as it is.
    """

    ready = Signal(object)  # the ChartData
    failed = Signal()

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._task: BackgroundTask | None = None
        self.outdated = False  # a write arrived since the model was last asked for
        context.journal_changed.connect(self._journal_changed)
        context.journal_replaced.connect(self._journal_changed)

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        """Compute the model now (once more after the one running, if one runs)."""
        if self._task is not None:
            self.outdated = True
            return
        from fertilitytracker.services import chart_data as model

        self.outdated = False
        context = self._context
        history = context.history()
        unit_system, edition, today = context.unit_system(), context.who_edition(), context.today()
        self._task = BackgroundTask(
            lambda: model.chart_data(history, unit_system, edition, today), self
        )
        self._task.finished.connect(self._finished)
        self._task.failed.connect(self._failed)
        self._task.start()

    def cancel(self) -> None:
        """Forget the model being computed: it brings no `ready`."""
        if self._task is not None:
            self._task.finished.disconnect(self._finished)
            self._task.failed.disconnect(self._failed)
            self._task = None

    def _finished(self, data: object) -> None:
        self._task = None
        if self.outdated:
            self.start()
        else:
            self.ready.emit(data)

    def _failed(self, _error: object) -> None:
        # Nothing is lost: a visit computes the model itself (and says what went wrong).
        self._task = None
        self.failed.emit()

    def _journal_changed(self, _change: object = None) -> None:
        self.outdated = True


class ChartsPreparer(QObject):
    """Builds the Charts page of `window` in idle time, once its start page has painted, then
    the Labs page."""

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
            self._build_labs,
        ]
        self._position = 0
        self._names: list[tuple[object, str]] | None = None
        self._ahead: ChartModelAhead | None = None
        self._model: Any = None
        self._built = False  # the screen was built here (not by a visit)
        self.done = False
        self._waits = 0  # delays started; only the last one begins the work
        self._page: QWidget | None = window.stack.currentWidget() or window
        self._page.installEventFilter(self)
        window.page_changed.connect(self._page_changed)

    @property
    def computing(self) -> bool:
        """Whether the chart model is being computed in the worker now."""
        return self._ahead is not None and self._ahead.running

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._page and event.type() == QEvent.Type.Paint:
            self._wait()
        return False

    def _page_changed(self, _key: str) -> None:
        self._wait()  # (again,) from now: the person is busy with the pages

    def _wait(self) -> None:
        if self._page is not None:
            page, self._page = self._page, None
            with contextlib.suppress(RuntimeError):  # the start page is gone already
                page.removeEventFilter(self)
        self._waits += 1
        wait = self._waits
        QTimer.singleShot(self._after_ms, self, lambda: self._begin(wait))

    def _begin(self, wait: int) -> None:
        if wait == self._waits:
            self._window.page_changed.disconnect(self._page_changed)
            self._slice()

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
        freeze_what_start_up_loaded()
        if self._ahead is not None:
            self._ahead.deleteLater()  # it follows the journal's writes: no longer needed
            self._ahead = None

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
        for owner, name in self._names[-QT_NAMES_PER_SLICE:]:
            getattr(owner, name)
        del self._names[-QT_NAMES_PER_SLICE:]
        return Step.AGAIN if self._names else Step.NEXT

    def _compute_model(self) -> Step:
        if self._ahead is None:
            context = self._window.context
            assert context is not None
            self._ahead = ChartModelAhead(context, self)
            self._ahead.ready.connect(self._model_computed)
            self._ahead.failed.connect(self._finish)
        self._ahead.start()
        return Step.WAIT

    def _model_computed(self, model: object) -> None:
        self._model = model
        self._position += 1
        QTimer.singleShot(0, self, self._slice)

    def _build_screen(self) -> Step:
        assert self._ahead is not None
        if self._ahead.outdated:
            self._position -= 1  # a write since it was computed: compute it again first
            return Step.AGAIN
        self._window.ensure_screen(CHARTS, data=self._model)
        self._built = True
        self._model = None
        return Step.NEXT

    def _build_plot_in_sight(self) -> Step:
        """One of the plots a first visit shows (the top of the page, the height of the pages)."""
        screen = cast("ChartsScreen | None", self._window.page(CHARTS))
        built = screen is not None and screen.stack.build_ahead(self._window.stack.height())
        return Step.AGAIN if built else Step.NEXT

    def _build_labs(self) -> Step:
        """Labs built hidden too (its first visit reads and views every draw, ~75 ms on ten
        years): a visit then only shows it, and it follows writes as any hidden page does."""
        if self._window.page(LABS) is None:
            self._window.ensure_screen(LABS)
        return Step.STOP


_frozen = False


def freeze_what_start_up_loaded() -> None:
    """Collect once, then keep the objects alive now out of later collections (once a process).

    What start-up loaded (modules, Qt types, numpy and pyqtgraph, the start page's records)
    lives as long as the app, some hundred thousand objects. The cyclic collector walked them
    all at each full collection, some 35 ms on a ten-year journal, and the allocations of a
    click (Labs viewing years of draws) set one off: the person waited for it. Frozen, they
    are skipped; what is made after is collected as before.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def prepare_charts_when_idle(window: MainWindow) -> ChartsPreparer:
    """Make `window`'s Charts page ready in idle time once its start page has painted."""
    return ChartsPreparer(window)
