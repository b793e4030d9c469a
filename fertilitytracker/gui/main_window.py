"""The main window: a sidebar of pages over a stack of screens created on first show."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any, cast

# Only what the first paint needs is imported here: creating the Python types of every Qt
# class and enum touched costs PySide6 tens of milliseconds, so the sidebar, pages, menus and
# status bar are made by MainWindow.ensure_built() (right after the first paint, at start-up).
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from fertilitytracker.gui.navigation import (
    PAGE_KEYS,
    PAGES,
    SCREENS_PACKAGE,
    Focus,
    Navigates,
    Navigation,
    NewAnalysis,
    NewDraw,
    OpensDraw,
    Page,
    ShowDraw,
    StartMedication,
)
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.gui.window_menus import APP_TITLE, DEMO_FILE, WindowMenus, is_demo

if TYPE_CHECKING:
    # The journal, the services and sqlite-utils load after the window has painted.
    from PySide6.QtGui import QCloseEvent

    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.gui.screens.labs import LabsScreen
    from fertilitytracker.gui.screens.medications import MedicationsScreen
    from fertilitytracker.gui.screens.semen import SemenScreen
    from fertilitytracker.gui.screens.settings import SettingsScreen

# Re-exported: the app, the benchmarks and the tests name these from here.
__all__ = [
    "APP_TITLE",
    "DEMO_FILE",
    "PAGES",
    "PAGE_KEYS",
    "SCREENS_PACKAGE",
    "MainWindow",
    "Page",
    "is_demo",
]
log = logging.getLogger(__name__)

OPENING_TEXT = "Opening the journal…"
ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
# What MainWindow.ensure_built() makes: asked for before then, they are built at once.
_BUILT_PARTS = frozenset(
    {
        "sidebar",
        "stack",
        "message_page",
        "message_buttons",
        "saved_label",
        "new_journal_action",
        "open_journal_action",
        "export_report_action",
        "import_action",
        "export_action",
        "page_actions",
        "log_doses_action",
        "new_draw_action",
        "_journal_actions",
        "demo_banner",
        "demo_banner_label",
        "back_button",
        "recent_menu",
        "undo_action",
        "about_action",
    }
)


# The window's size on a first start, shrunk to the screen on a small one (a 1024x700 laptop).
FIRST_SIZE = (1180, 780)


def _first_size() -> tuple[int, int]:
    """FIRST_SIZE, or the screen's available area less a margin when that is smaller."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    width, height = FIRST_SIZE
    if screen is None:
        return width, height
    available = screen.availableGeometry()
    return min(width, available.width() - 40), min(height, available.height() - 60)


class MainWindow(WindowMenus):
    """The sidebar and the pages; the journal arrives after the window is shown."""

    page_changed = Signal(str)

    def __init__(
        self,
        ui_state: UiState,
        context: AppContext | None = None,
        parent: QWidget | None = None,
        *,
        defer_build: bool = False,
    ) -> None:
        """The whole window, or with `defer_build` (gui/app.py at start-up) only what the first
        paint shows: the title and "Opening the journal…", until ensure_built() is called."""
        super().__init__(parent)
        self.ui_state = ui_state
        self.context: AppContext | None = None
        self.tray: object | None = None  # the dose-reminder tray, once the journal is open
        # With a tray icon the app keeps running when this window closes (set by gui/app.py).
        self.hide_to_tray = False
        self._screens: dict[str, QWidget] = {}
        self._welcome: QWidget | None = None
        self._built = False
        self.setWindowTitle(APP_TITLE)
        self.resize(*_first_size())
        if ui_state.geometry is not None:
            self.restoreGeometry(ui_state.geometry)
        self.message_label = QLabel(OPENING_TEXT, self)
        # Qt.AlignmentFlag.AlignCenter, set as the property's integer: Qt's namespace of enums
        # (some 20 ms to load) is not needed before the first paint.
        self.message_label.setProperty("alignment", ALIGN_CENTER)
        self.message_label.setWordWrap(True)
        self.setCentralWidget(self.message_label)
        if not defer_build:
            self.ensure_built()
        if context is not None:
            self.set_context(context)

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set yet: the parts ensure_built() makes.
        if name in _BUILT_PARTS and not self.__dict__.get("_built", True):
            self.ensure_built()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def ensure_built(self) -> None:
        """Make the sidebar, the page stack, the menus and the status bar (once)."""
        if self._built:
            return
        self._built = True
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import (
            QFrame,
            QHBoxLayout,
            QListWidget,
            QListWidgetItem,
            QPushButton,
            QStackedWidget,
            QVBoxLayout,
        )

        self.takeCentralWidget()  # the label moves into the message page
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget(central)
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setFixedWidth(150)
        self.sidebar.setSpacing(2)
        for number, page in enumerate(PAGES, start=1):
            item = QListWidgetItem(page.label)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            item.setToolTip(f"{page.label} (Ctrl+{number})")
            self.sidebar.addItem(item)
        font = self.sidebar.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.sidebar.setFont(font)
        self.sidebar.currentRowChanged.connect(self._sidebar_row_changed)
        # A click on the current row (Today, from the welcome page) changes no row.
        self.sidebar.itemClicked.connect(
            lambda item: self._sidebar_row_changed(self.sidebar.row(item))
        )
        self.stack = QStackedWidget(central)
        # While the demo journal is open, a banner says so, with the way back.
        self.demo_banner = QFrame(central)
        self.demo_banner.setObjectName("demo_banner")
        banner_layout = QHBoxLayout(self.demo_banner)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        self.demo_banner_label = QLabel(
            "<b>Demo data</b>: made-up results to look around. Nothing here is your journal.",
            self.demo_banner,
        )
        self.back_button = QPushButton("Back to my journal", self.demo_banner)
        self.back_button.clicked.connect(self.back_to_my_journal)
        banner_layout.addWidget(self.demo_banner_label, 1)
        banner_layout.addWidget(self.back_button)
        self.demo_banner.setVisible(False)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.demo_banner)
        right.addWidget(self.stack, 1)
        layout.addWidget(self.sidebar)
        layout.addLayout(right, 1)

        self.message_page = QWidget()
        message_layout = QVBoxLayout(self.message_page)
        message_layout.addStretch(1)
        self.message_label.setParent(self.message_page)
        message_layout.addWidget(self.message_label)
        self.message_buttons = QWidget(self.message_page)
        buttons = QHBoxLayout(self.message_buttons)
        open_button = QPushButton("Open another journal…", self.message_buttons)
        open_button.clicked.connect(self.open_journal)
        new_button = QPushButton("Create a new journal…", self.message_buttons)
        new_button.clicked.connect(self.new_journal)
        buttons.addStretch(1)
        buttons.addWidget(open_button)
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        self.message_buttons.setVisible(False)
        message_layout.addWidget(self.message_buttons)
        message_layout.addStretch(1)
        self.stack.addWidget(self.message_page)
        self.sidebar.setEnabled(False)
        self.setCentralWidget(central)

        self.saved_label = QLabel("", self)
        self.saved_label.setAccessibleName("Last saved")
        self.statusBar().addPermanentWidget(self.saved_label)
        self._build_menus()

    # --- the journal ------------------------------------------------------------------------

    def set_context(self, context: AppContext) -> None:
        """Attach the open journal: pages can be shown from now on."""
        self.ensure_built()
        self.context = context
        context.journal_changed.connect(self._on_journal_changed)
        context.journal_replaced.connect(self._on_journal_replaced)
        self.sidebar.setEnabled(True)
        for action in self._journal_actions:
            action.setEnabled(True)
        self.message_buttons.setVisible(False)
        self._journal_opened()
        self._show_start_page()

    def show_error(self, text: str) -> None:
        """Show why no journal could be opened, with buttons to open or create another."""
        self.ensure_built()
        self.message_label.setText(text)
        self.message_buttons.setVisible(True)
        self.stack.setCurrentWidget(self.message_page)

    def _show_start_page(self) -> None:
        assert self.context is not None
        if self.context.journal.is_empty():
            self.show_welcome()
            return
        last = self.ui_state.last_page
        self.show_page(last if last in PAGE_KEYS else "today")

    def _journal_opened(self) -> None:
        """Title, saved line, demo banner and recent journals for the journal now open."""
        self._update_title()
        self._update_saved()
        assert self.context is not None
        path = self.context.journal.path
        demo = is_demo(path)
        self.demo_banner.setVisible(demo)
        if demo:
            from fertilitytracker.gui.theme import warning_style

            self.demo_banner.setStyleSheet(
                "#demo_banner {" + warning_style(self) + " border-radius: 0; padding: 0; }"
            )
            self.back_button.setEnabled(self.my_journal() is not None)
        self.ui_state.add_recent_journal(str(path))

    def _update_title(self) -> None:
        if self.context is None:
            self.setWindowTitle(APP_TITLE)
            return
        path = self.context.journal.path
        demo = " (demo data, not your journal)" if is_demo(path) else ""
        self.setWindowTitle(f"{APP_TITLE} — {path.name}{demo}")
        self.setWindowFilePath(str(path))

    def _update_saved(self) -> None:
        saved = self.context.last_saved if self.context is not None else None
        if saved is not None:
            self.saved_label.setText(f"Saved {saved:%H:%M}")
        elif self.context is not None:
            self.saved_label.setText(f"Journal: {self.context.journal.path}")
        else:
            self.saved_label.setText("")

    def _on_journal_changed(self, change: object) -> None:
        self._update_saved()
        summary = getattr(change, "summary", "")
        if summary:
            self.statusBar().showMessage(f"Saved: {summary}", 6000)

    def _on_journal_replaced(self) -> None:
        self._journal_opened()
        assert self.context is not None
        self.statusBar().showMessage(f"Opened {self.context.journal.path}", 6000)
        self._show_start_page()

    # --- pages ------------------------------------------------------------------------------

    def page(self, key: str) -> QWidget | None:
        """The screen of page `key` if it was created already."""
        return self._screens.get(key)

    def ensure_screen(self, key: str, **options: Any) -> QWidget:
        """The screen of page `key`, created on first use (`options` go to its constructor)."""
        if key in self._screens:
            return self._screens[key]
        assert self.context is not None
        page = next(page for page in PAGES if page.key == key)
        module_name = f"{SCREENS_PACKAGE}.{page.module}"
        # Imported on first show: pyqtgraph (Charts) must not load at start-up.
        screen_class = getattr(importlib.import_module(module_name), page.class_name)
        widget: QWidget = screen_class(self.context, self.stack, **options)
        if isinstance(widget, Navigates):
            widget.navigate_requested.connect(self.navigate)
        if isinstance(widget, OpensDraw):
            widget.draw_requested.connect(lambda day: self.show_page("labs", ShowDraw(day)))
        if hasattr(widget, "theme_changed"):  # the Settings screen
            settings = cast("SettingsScreen", widget)
            settings.theme_changed.connect(self.set_theme)
            settings.set_theme(self.ui_state.theme)
        widget.setObjectName(f"page_{key}")
        self._screens[key] = widget
        self.stack.addWidget(widget)
        return widget

    def current_page(self) -> str | None:
        """The key of the page shown, "welcome", or None while no journal is open."""
        if not self._built:
            return None
        current = self.stack.currentWidget()
        if current is self._welcome and current is not None:
            return "welcome"
        for key, widget in self._screens.items():
            if widget is current:
                return key
        return None

    def navigate(self, where: Navigation) -> QWidget | None:
        """Go where a screen asked (its `navigate_requested`)."""
        return self.show_page(where.page, where.focus)

    def show_page(self, key: str, focus: Focus | None = None) -> QWidget | None:
        """Show page `key` and open `focus` there (e.g. `NewDraw()`)."""
        if self.context is None or key not in PAGE_KEYS:
            return None
        widget = self.ensure_screen(key)
        self.stack.setCurrentWidget(widget)
        row = PAGE_KEYS.index(key)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(row)
        self.sidebar.blockSignals(False)
        self.ui_state.last_page = key
        if focus is not None:
            self._deliver(widget, focus)
        self.page_changed.emit(key)
        return widget

    @staticmethod
    def _deliver(widget: QWidget, focus: Focus) -> None:
        # Each focus belongs to one page (Navigation.page names it), so it finds its opener.
        match focus:
            case NewDraw(test="dexa"):
                cast("LabsScreen", widget).open_new_dexa()
            case NewDraw(analytes=analytes, test=test):
                cast("LabsScreen", widget).open_new_draw(list(analytes) if analytes else None, test)
            case ShowDraw(day=day):
                cast("LabsScreen", widget).show_draw(day)
            case NewAnalysis():
                cast("SemenScreen", widget).open_new_analysis()
            case StartMedication():
                cast("MedicationsScreen", widget).open_start_form()

    def _sidebar_row_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES) and self.context is not None:
            self.show_page(PAGES[row].key)

    def show_welcome(self) -> None:
        """The first-run page of an empty journal."""
        assert self.context is not None
        if self._welcome is None:
            from fertilitytracker.gui.screens.welcome import WelcomeScreen

            welcome = WelcomeScreen(self.context, self.stack)
            welcome.navigate_requested.connect(self.navigate)
            self._welcome = welcome
            self.stack.addWidget(welcome)
        self.stack.setCurrentWidget(self._welcome)
        # The current row stays on Today (an item view without one would pick the first row
        # on focus and leave the welcome page); only the highlight is removed.
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(0)
        self.sidebar.clearSelection()
        self.sidebar.blockSignals(False)
        self.page_changed.emit("welcome")

    def log_todays_doses(self) -> None:
        """Ctrl+D: Today, with the first dose button focused."""
        screen = self.show_page("today")
        focus = getattr(screen, "focus_first_dose", None)
        if focus is not None:
            focus()

    def paste_lab_results(self) -> Any:
        """Labs › Paste results…: the Labs page with the paste dialog open (returned)."""
        screen = self.show_page("labs")
        opener = getattr(screen, "open_paste_dialog", None)
        return opener() if opener is not None else None

    def new_lab_draw(self) -> None:
        """Ctrl+L: the Labs page with its draw form."""
        self.show_page("labs", NewDraw())

    # --- theme and state --------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        """Apply and remember a theme ("system", "light", "dark")."""
        from PySide6.QtWidgets import QApplication

        from fertilitytracker.gui.theme import apply_theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.ui_state.theme = theme
        # The colours of flags follow the palette: the page shown redraws now, the others when
        # they are next shown (a screen's follower marks it stale while hidden).
        for screen in self._screens.values():
            follower = getattr(screen, "follower", None)
            refresh = getattr(screen, "refresh", None)
            if follower is not None and not screen.isVisible():
                follower.mark_stale()
            elif refresh is not None:
                refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_state.geometry = self.saveGeometry()
        self.ui_state.sync()
        super().closeEvent(event)
