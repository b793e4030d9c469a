"""The pages made ready hidden shortly after start-up, so that a first visit only shows them.

Every page but the start page would otherwise be built on its first visit, and building one
costs its forms and its table read and fitted: some 15-65 ms each on a ten-year journal, Labs
(every draw viewed) some 100-200 ms. Once the start page has painted and a short moment has
passed, `PagesAhead` builds them hidden, one page per event-loop turn, so a click waits at most
for the one page being built. A page change puts the rest off until the pages have been left
alone a while: someone busy with a page goes first. A page built hidden follows writes as any
hidden page does (its ChangeFollower merges them until it is shown), so it costs nothing more
until it is visited.

Charts is not built here: it loads pyqtgraph, which `gui/charts/prepare.py` does in slices.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from fertilitytracker.gui.navigation import PAGE_KEYS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from fertilitytracker.gui.main_window import MainWindow

# The pages built ahead, in the sidebar's order (gui/navigation.py): the start page is built
# already and skipped; Charts is made ready by gui/charts/prepare.py.
CHARTS = "charts"
PAGES_AHEAD = tuple(key for key in PAGE_KEYS if key != CHARTS)
# How long after the start page painted the first page is built: the start page's own
# follow-up work (its paint, the tray) goes first.
AFTER_START_MS = 200
# How long after a page change the building resumes (as gui/charts/prepare.py waits).
AFTER_PAGE_CHANGE_MS = 700


class PagesAhead(QObject):
    """Builds `keys`' pages of `window` hidden, one per turn, once its start page has painted."""

    def __init__(
        self,
        window: MainWindow,
        keys: tuple[str, ...] = PAGES_AHEAD,
        after_start_ms: int = AFTER_START_MS,
        after_page_change_ms: int = AFTER_PAGE_CHANGE_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._left = list(keys)
        self._after_page_change_ms = after_page_change_ms
        # One single-shot timer: starting it again (a page change) puts off what it was due to do.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._build_next)
        self.done = False
        self._start_page: QWidget | None = window.stack.currentWidget() or window
        self._start_page.installEventFilter(self)
        self._after_start_ms = after_start_ms
        window.page_changed.connect(self._page_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._start_page and event.type() == QEvent.Type.Paint:
            self._stop_watching_start_page()
            self._wait(self._after_start_ms)
        return False

    def _stop_watching_start_page(self) -> None:
        if self._start_page is not None:
            page, self._start_page = self._start_page, None
            with contextlib.suppress(RuntimeError):  # the start page is gone already
                page.removeEventFilter(self)

    def _page_changed(self, _key: str) -> None:
        self._stop_watching_start_page()
        self._wait(self._after_page_change_ms)

    def _wait(self, milliseconds: int) -> None:
        self._timer.start(milliseconds)

    def _build_next(self) -> None:
        if self.done:
            return
        window = self._window
        if window.context is None:
            return  # no journal open: nothing can be built
        while self._left and window.page(self._left[0]) is not None:
            self._left.pop(0)  # visited meanwhile
        if not self._left:
            self.done = True
            window.page_changed.disconnect(self._page_changed)
            return
        window.ensure_screen(self._left.pop(0))
        self._timer.start(0)


def prepare_pages_when_idle(window: MainWindow) -> PagesAhead:
    """Make `window`'s pages (Charts aside) ready hidden once its start page has painted."""
    return PagesAhead(window)
