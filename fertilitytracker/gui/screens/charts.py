"""The Charts screen: hormone, semen, lipid, bone and symptom trends with the treatment behind.

The numbers come from `services.chart_data`; `gui.charts` draws them. The main window
imports this module lazily (it loads pyqtgraph) and routes `draw_requested` to the Labs screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.charts.prepare import ChartModelAhead
from fertilitytracker.gui.charts.stack import ChartStack
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import Navigation, NewDraw
from fertilitytracker.gui.ui_state import CHARTS_RANGE_KEY, CHARTS_VISIBLE_KEY, app_settings
from fertilitytracker.services.chart_data import (
    PLOT_KEYS,
    PLOTS,
    RANGE_PRESETS,
    ChartData,
    ChartPoint,
    chart_data,
    range_start,
)
from fertilitytracker.services.operations import Change
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.files import refuse_journal_target

VISIBLE_KEY = CHARTS_VISIBLE_KEY
RANGE_KEY = CHARTS_RANGE_KEY
DEFAULT_RANGE = "all"
RANGE_LABELS: dict[str, str] = {"3m": "3 months", "6m": "6 months", "1y": "1 year", "all": "All"}
UNIT_LABELS: dict[str, str] = {"us": "US units (ng/dL)", "si": "SI units (nmol/L)"}
EMPTY_TEXT = "No results yet — add a lab result"
READOUT_HINT = (
    "Point at a marker to read it; click it to open its draw. Drag to pan; Ctrl+wheel or a"
    " pinch zooms the dates."
)
RANGE_END_MARGIN_DAYS = 7
PAGE_MARGIN_PX = 6


class ChartsScreen(QWidget):
    """Trends of every result against its target range, on one date axis with the treatment."""

    draw_requested = Signal(object)  # the date of the draw whose point was clicked
    navigate_requested = Signal(object)  # Navigation("labs", NewDraw()): empty state

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        data: ChartData | None = None,
    ) -> None:
        """With `data` (the chart model of the journal as it is now, computed ahead: see
        gui/charts/prepare.py) the screen shows it instead of computing it."""
        super().__init__(parent)
        self.setObjectName("charts_screen")
        self._context = context
        self._settings = settings if settings is not None else app_settings()
        self._data: ChartData | None = None
        self._stale = False
        # Off screen, a write's new model is computed in a worker, drawn when shown.
        self._ahead = ChartModelAhead(context, self)
        self._ahead.ready.connect(self._computed_ahead)
        self._ahead_data: ChartData | None = None
        self._chosen = self._load_visible()
        self._range = self._load_range()

        self._plots_button = QToolButton(self)
        self._plots_button.setText("Plots")
        self._plots_button.setAccessibleName("Choose plots")
        self._plots_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._plots_menu = QMenu(self._plots_button)
        self._plot_actions: dict[str, QAction] = {}
        for spec in PLOTS:
            action = QAction(spec.title, self._plots_menu)
            action.setCheckable(True)
            action.setChecked(spec.key in self._chosen)
            action.setData(spec.key)
            action.toggled.connect(lambda on, key=spec.key: self.set_plot_visible(key, on))
            self._plots_menu.addAction(action)
            self._plot_actions[spec.key] = action
        self._plots_button.setMenu(self._plots_menu)

        self._range_buttons: dict[str, QPushButton] = {}
        for preset, label in RANGE_LABELS.items():
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setAccessibleName(f"Show {label.lower()}")
            button.setChecked(preset == self._range)
            button.clicked.connect(lambda _checked=False, preset=preset: self.set_range(preset))
            self._range_buttons[preset] = button

        self._units = QComboBox(self)
        self._units.setAccessibleName("Unit system")
        for system, label in UNIT_LABELS.items():
            self._units.addItem(label, system)
        self._units.currentIndexChanged.connect(self._unit_chosen)

        self._export_button = QPushButton("Export PNG…", self)
        self._export_button.setAccessibleName("Export the visible charts as PNG")
        self._export_button.clicked.connect(self._export_clicked)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self._plots_button)
        toolbar.addSpacing(12)
        toolbar.addWidget(QLabel("Range:", self))
        for button in self._range_buttons.values():
            toolbar.addWidget(button)
        toolbar.addSpacing(12)
        toolbar.addWidget(self._units)
        toolbar.addStretch(1)
        toolbar.addWidget(self._export_button)

        self._readout = QLabel(READOUT_HINT, self)
        self._readout.setObjectName("chart_readout")
        self._readout.setAccessibleName("Point read-out")
        self._readout.setWordWrap(True)
        self._readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # The exported page: the treatment legend, a note on hidden plots, and the stack.
        self._page = QWidget()
        self._page.setObjectName("charts_page")
        self._page.setAutoFillBackground(True)
        self._legend = QLabel(self._page)
        self._legend.setObjectName("chart_legend")
        self._legend.setAccessibleName("Chart legend")
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._no_data = QLabel(self._page)
        self._no_data.setObjectName("chart_no_data")
        self._no_data.setWordWrap(True)
        self.stack = ChartStack(self._page)
        page_layout = QVBoxLayout(self._page)
        page_layout.setContentsMargins(PAGE_MARGIN_PX, 4, PAGE_MARGIN_PX, 4)
        page_layout.addWidget(self._legend)
        page_layout.addWidget(self.stack)
        page_layout.addWidget(self._no_data)
        page_layout.addStretch(1)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Always on, so that the plots keep one width and line up with the date axis below.
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._scroll.setWidget(self._page)
        charts = QWidget(self)
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.setSpacing(0)
        charts_layout.addWidget(self._scroll, 1)
        axis_row = QHBoxLayout()
        scrollbar = self._scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        axis_row.setContentsMargins(PAGE_MARGIN_PX, 0, PAGE_MARGIN_PX + scrollbar, 0)
        axis_row.addWidget(self.stack.axis_widget)
        charts_layout.addLayout(axis_row)

        empty = QWidget(self)
        self._empty_label = QLabel(EMPTY_TEXT, empty)
        self._empty_label.setObjectName("charts_empty")
        self._empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self._empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self._empty_label.setFont(font)
        self._add_result = QPushButton("Add a lab result", empty)
        self._add_result.setAccessibleName("Add a lab result")
        self._add_result.clicked.connect(
            lambda: self.navigate_requested.emit(Navigation("labs", NewDraw()))
        )
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self._empty_label)
        empty_layout.addWidget(self._add_result, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        self._pages = QStackedWidget(self)
        self._pages.addWidget(empty)
        self._pages.addWidget(charts)
        self._pages.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self._readout)
        layout.addWidget(self._pages, 1)

        self.setTabOrder(self._plots_button, self._range_buttons["3m"])
        previous: QWidget = self._range_buttons["3m"]
        for button in list(self._range_buttons.values())[1:]:
            self.setTabOrder(previous, button)
            previous = button
        self.setTabOrder(previous, self._units)
        self.setTabOrder(self._units, self._export_button)

        self.stack.point_hovered.connect(self._show_readout)
        self.stack.point_clicked.connect(self._point_clicked)
        context.journal_changed.connect(self._journal_changed)
        context.journal_replaced.connect(self._journal_changed)
        if data is None:
            self.refresh()
        else:
            self._show(data)

    # --- state --------------------------------------------------------------------------------

    @property
    def data(self) -> ChartData | None:
        """The chart data on screen (None before the first refresh)."""
        return self._data

    def chosen_plots(self) -> tuple[str, ...]:
        """The plots the user chose to see, in stack order (shown when they have data)."""
        return tuple(key for key in PLOT_KEYS if key in self._chosen)

    def shown_plots(self) -> tuple[str, ...]:
        """The plots on screen: chosen and with at least one point."""
        return self.stack.shown_keys

    def is_empty_state(self) -> bool:
        return self._pages.currentIndex() == 0

    def empty_text(self) -> str:
        return self._empty_label.text()

    def readout_text(self) -> str:
        return self._readout.text()

    def legend_text(self) -> str:
        return self._legend.text()

    def no_data_text(self) -> str:
        return self._no_data.text()

    def plot_action(self, key: str) -> QAction:
        """The menu entry that shows or hides plot `key`."""
        return self._plot_actions[key]

    def scroll_to_plot(self, key: str) -> None:
        """Scroll the stack so that plot `key` is in sight (it catches up with the range)."""
        plot = self.stack.plot(key)
        if plot is None or key not in self.shown_plots():
            raise InputError("plot", f"plot '{key}' is not shown")
        self._scroll.ensureWidgetVisible(plot.widget)

    def range_button(self, preset: str) -> QPushButton:
        return self._range_buttons[preset]

    def unit_box(self) -> QComboBox:
        return self._units

    # --- refresh ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the chart data from the journal and redraw every shown plot."""
        self._ahead.cancel()
        context = self._context
        self._show(
            chart_data(
                context.history(), context.unit_system(), context.who_edition(), context.today()
            )
        )

    def _show(self, data: ChartData) -> None:
        """Show `data`, the chart model of the journal as it is now."""
        self._stale = False
        self._ahead_data = None
        self._data = data
        self._units.blockSignals(True)
        self._units.setCurrentIndex(self._units.findData(data.unit_system))
        self._units.blockSignals(False)
        for key, action in self._plot_actions.items():
            title = next(spec.title for spec in PLOTS if spec.key == key)
            has_points = data.plot(key).has_points
            action.setText(title if has_points else f"{title} (no data yet)")
        if data.is_empty:
            self._pages.setCurrentIndex(0)
            self._readout.setText("")
            return
        self._pages.setCurrentIndex(1)
        self._draw()

    def _draw(self) -> None:
        data = self._data
        if data is None or data.is_empty:
            return
        shown = [key for key in self.chosen_plots() if data.plot(key).has_points]
        self.stack.set_data(data, shown)
        self._legend.setText(self._legend_html(data))
        empty = [
            spec.title
            for spec in PLOTS
            if spec.key in self._chosen and not data.plot(spec.key).has_points
        ]
        self._no_data.setText("No data yet for: " + ", ".join(empty) if empty else "")
        self._no_data.setVisible(bool(empty))
        if not shown:
            self._no_data.setText("No plot chosen: pick plots from the Plots menu.")
            self._no_data.setVisible(True)
        self._apply_range()

    def _legend_html(self, data: ChartData) -> str:
        theme = self.stack.theme
        parts: list[str] = []
        medications: dict[str, tuple[str, str]] = {}
        for span in data.spans:
            medications.setdefault(span.name.casefold(), (span.name, span.colour))
        for name, colour_name in medications.values():
            colour = theme.medication_colour(colour_name).name()
            parts.append(f"<span style='color:{colour}'>▬</span> {_html(name)}")
        # The symbols as they are drawn: series colour for a value in range, the flag colour
        # for one out of range, open for a detection limit.
        parts.append("│ dose change")
        parts.append(f"<span style='color:{theme.series_colour(0).name()}'>●</span> in range")
        warning = theme.warning.name()
        parts.append(f"<span style='color:{warning}'>▼</span> below")
        parts.append(f"<span style='color:{warning}'>▲</span> above target range")
        # A limit and a calculated value are shapes any series can take: drawn in the text
        # colour here, so that the legend explains the shape and names no series.
        neutral = theme.foreground.name()
        parts.append(f"<span style='color:{neutral}'>○</span> below detection (drawn at the limit)")
        parts.append(f"<span style='color:{neutral}'>◆</span> calculated")
        # An entry wraps as a whole: a symbol never ends a line with its words on the next.
        entries = (f"<span style='white-space:nowrap'>{part}</span>" for part in parts)
        return "&nbsp;&nbsp;&nbsp; ".join(entries)

    def _journal_changed(self, _change: object = None) -> None:
        if self.isVisible():
            self.refresh()
            return
        # Off screen the model is computed in a worker thread; it is drawn when shown.
        self._stale = True
        self._ahead_data = None
        self._ahead.start()

    def _computed_ahead(self, data: ChartData) -> None:
        if self._stale:
            self._ahead_data = data

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            ahead = self._ahead_data
            if ahead is not None and ahead.today == self._context.today():
                self._show(ahead)
            else:
                self.refresh()  # shown before the worker was done
        super().showEvent(event)

    # --- plot choice --------------------------------------------------------------------------

    def set_plot_visible(self, key: str, visible: bool) -> None:
        """Show or hide plot `key`; the choice is remembered under `charts/visible`."""
        if key not in PLOT_KEYS:
            raise InputError("plot", f"unknown plot '{key}'")
        chosen = set(self._chosen)
        if visible:
            chosen.add(key)
        else:
            chosen.discard(key)
        if chosen == set(self._chosen):
            return
        self._chosen = chosen
        action = self._plot_actions[key]
        if action.isChecked() != visible:
            action.blockSignals(True)
            action.setChecked(visible)
            action.blockSignals(False)
        self._settings.setValue(VISIBLE_KEY, ",".join(self.chosen_plots()))
        self._draw()

    def _load_visible(self) -> set[str]:
        stored = self._settings.value(VISIBLE_KEY)
        if stored is None:
            return set(PLOT_KEYS)
        keys = stored if isinstance(stored, list) else str(stored).split(",")
        return {key for key in _strip(keys) if key in PLOT_KEYS}

    # --- range --------------------------------------------------------------------------------

    def set_range(self, preset: str) -> None:
        """Show the last 3 months, 6 months, 1 year, or all; remembered under `charts/range`."""
        if preset not in RANGE_PRESETS:
            raise InputError("range", f"unknown range '{preset}' (use 3m, 6m, 1y or all)")
        self._range = preset
        self._range_buttons[preset].setChecked(True)
        self._settings.setValue(RANGE_KEY, preset)
        self._apply_range()

    def _load_range(self) -> str:
        stored = str(self._settings.value(RANGE_KEY, DEFAULT_RANGE))
        return stored if stored in RANGE_PRESETS else DEFAULT_RANGE

    def _apply_range(self) -> None:
        data = self._data
        if data is None or data.is_empty:
            return
        start = range_start(self._range, data.today, data.first_day)
        self.stack.set_x_range(start, data.today + timedelta(days=RANGE_END_MARGIN_DAYS))

    # --- units --------------------------------------------------------------------------------

    def _unit_chosen(self, index: int) -> None:
        system = self._units.itemData(index)
        if self._data is not None and system == self._data.unit_system:
            return
        # The unit system is a clinical setting kept in the journal: every screen follows it.
        set_setting(self._context.journal, "unit_system", system)
        self._context.notify(Change(frozenset({"settings"}), f"units set to {UNIT_LABELS[system]}"))

    # --- hover, click, export -----------------------------------------------------------------

    def _show_readout(self, text: str) -> None:
        self._readout.setText(text or READOUT_HINT)

    def _point_clicked(self, point: ChartPoint) -> None:
        if point.opens_draw:
            self.draw_requested.emit(point.day)

    def export_png(self, path: Path | str) -> Path:
        """Write the visible charts (with their legend) into one PNG at `path`."""
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_suffix(".png")
        # The image holds every shown plot, also those nobody scrolled to yet.
        self.stack.build_all()
        page = self._page.grab()
        axis = self.stack.axis_widget.grab()
        # The page (legend and plots) with the shared date axis beneath it, in one image.
        image = QPixmap(page.width(), page.height() + axis.height())
        image.fill(self.stack.theme.background)
        painter = QPainter(image)
        painter.drawPixmap(0, 0, page)
        painter.drawPixmap(PAGE_MARGIN_PX, page.height(), axis)
        painter.end()
        if not image.save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        return target

    def _export_clicked(self) -> None:
        name = f"charts-{self._context.today().isoformat()}.png"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export charts as PNG", name, "PNG image (*.png)"
        )
        if not chosen:
            return
        try:
            refuse_journal_target(Path(chosen), self._context.journal.path, "file")
        except InputError as error:
            self._readout.setText(f"Not exported: {error.reason}")
            return
        try:
            written = self.export_png(chosen)
        except OSError as error:
            self._readout.setText(f"Export failed: {error}")
            return
        self._readout.setText(f"Charts saved to {written}")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The legend's colours follow the theme, as the plots do.
        if event.type() != QEvent.Type.PaletteChange:
            return
        if self._data is not None and not self._data.is_empty:
            self._legend.setText(self._legend_html(self._data))


def _strip(keys: Iterable[object]) -> list[str]:
    return [str(key).strip() for key in keys if str(key).strip()]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
