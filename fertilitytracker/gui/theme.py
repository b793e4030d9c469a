"""Light, dark and system themes, the colours screens derive from the palette, table fitting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QTableView,
    QWidget,
)

ThemeName = Literal["system", "light", "dark"]
THEMES: tuple[tuple[ThemeName, str], ...] = (
    ("system", "System"),
    ("light", "Light"),
    ("dark", "Dark"),
)

# What the application looked like before any theme was applied ("system" returns to it).
_ORIGINAL_STYLE_PROPERTY = "_fertilitytracker_original_style"
_original_palette: QPalette | None = None


def _dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    disabled_text = QColor(130, 130, 130)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(38, 38, 41))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64))
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, QColor(55, 55, 59))
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.BrightText, QColor(255, 90, 90))
    palette.setColor(QPalette.ColorRole.Link, QColor(110, 170, 255))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(52, 120, 200))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    palette.setColor(QPalette.ColorRole.Mid, QColor(70, 70, 74))
    palette.setColor(QPalette.ColorRole.Dark, QColor(25, 25, 27))
    palette.setColor(QPalette.ColorRole.Light, QColor(80, 80, 85))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled_text)
    return palette


def _light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    palette = style.standardPalette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(110, 110, 110))
    # Fusion's selection blue gives white text 3.7:1; this one 5.7:1 (WCAG AA).
    palette.setColor(QPalette.ColorRole.Highlight, QColor(32, 100, 170))
    return palette


class _ReadableFusion(QProxyStyle):
    """Fusion, with unticked check boxes and radio buttons outlined so they show on dark.

    Fusion outlines an indicator with the window colour darkened, which all but disappears
    on a dark window: a patient could not see that a box was there to tick.
    """

    _OUTLINED = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
    )

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def name(self) -> str:
        """The base style's name ("fusion"): this is Fusion with clearer indicators."""
        return self.baseStyle().name()

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in self._OUTLINED or not is_dark(option.palette):
            return
        focused = bool(
            option.state & QStyle.StateFlag.State_HasFocus
            and option.state & QStyle.StateFlag.State_KeyboardFocusChange
        )
        colour = (
            option.palette.color(QPalette.ColorRole.Highlight).lighter(130)
            if focused
            else muted_color(option.palette)
        )
        if not option.state & QStyle.StateFlag.State_Enabled:
            colour = option.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(QColor(0, 0, 0, 0))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -1.0, -1.0)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            radius = min(rect.width(), rect.height()) / 2.0
            painter.drawEllipse(QPointF(rect.center()), radius, radius)
        else:
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.restore()


def apply_theme(app: QApplication, theme: str) -> ThemeName:
    """Apply `theme` ("system", "light" or "dark"; anything else means system) to `app`."""
    global _original_palette
    if app.property(_ORIGINAL_STYLE_PROPERTY) is None:
        app.setProperty(_ORIGINAL_STYLE_PROPERTY, app.style().name())
        _original_palette = QPalette(app.palette())
    chosen: ThemeName = theme if theme in ("light", "dark") else "system"  # type: ignore[assignment]
    if chosen == "system":
        app.setStyle(str(app.property(_ORIGINAL_STYLE_PROPERTY)))
        app.setPalette(_original_palette if _original_palette is not None else QPalette())
    else:
        app.setStyle(_ReadableFusion())
        app.setPalette(_dark_palette() if chosen == "dark" else _light_palette())
    return chosen


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


# The one colour of an out-of-range flag, in tables and on charts alike: Okabe & Ito's
# vermillion, darkened on light and lightened on dark so that text in it keeps a contrast of at
# least 4.5:1 (WCAG AA) on the window and on table rows. ▼ and ▲ tell below from above.
FLAG_LIGHT = QColor(168, 60, 0)
FLAG_DARK = QColor(255, 140, 80)


def flag_color(palette: QPalette, flag: str) -> QColor | None:
    """The colour of a flag ("low", "high"; None for in range), readable on `palette`."""
    if flag in ("low", "high"):
        return QColor(FLAG_DARK if is_dark(palette) else FLAG_LIGHT)
    return None


def error_color(palette: QPalette) -> QColor:
    """The colour of a validation message beside a field."""
    return QColor(255, 120, 110) if is_dark(palette) else QColor(170, 20, 20)


def ok_color(palette: QPalette) -> QColor:
    """The colour of a confirmation ("✓ taken")."""
    return QColor(120, 210, 130) if is_dark(palette) else QColor(20, 120, 40)


def open_color(palette: QPalette) -> QColor:
    """The colour of an open (due now, not overdue) reminder."""
    return QColor(255, 190, 90) if is_dark(palette) else QColor(150, 80, 0)


WARNING_BANNER_DARK = ("#4a2a10", "#e08a2c", "#ffe2c0")  # background, border, text
WARNING_BANNER_LIGHT = ("#fff1dc", "#c25e00", "#4a2300")


def warning_style(widget: QWidget) -> str:
    """A style sheet for a prominent warning banner, readable in light and dark palettes."""
    dark = is_dark(widget.palette())
    background, border, text = WARNING_BANNER_DARK if dark else WARNING_BANNER_LIGHT
    return (
        f"background-color: {background}; color: {text}; border: 2px solid {border};"
        " border-radius: 6px; padding: 10px;"
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21; 4.5 is the minimum for text)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_pairs(palette: QPalette) -> list[tuple[str, QColor, QColor]]:
    """Every (what, text colour, background) the app draws text in, for `palette`.

    Screens take their text colours from here (or from the palette itself), so checking these
    pairs checks what a person reads.
    """
    role = QPalette.ColorRole
    window, base = palette.color(role.Window), palette.color(role.Base)
    alternate = palette.color(role.AlternateBase)
    pairs = [
        ("window text", palette.color(role.WindowText), window),
        ("field text", palette.color(role.Text), base),
        ("table text on alternate rows", palette.color(role.Text), alternate),
        ("button text", palette.color(role.ButtonText), palette.color(role.Button)),
        ("placeholder", palette.color(role.PlaceholderText), base),
        ("tooltip", palette.color(role.ToolTipText), palette.color(role.ToolTipBase)),
        ("selected text", palette.color(role.HighlightedText), palette.color(role.Highlight)),
        ("link", palette.color(role.Link), window),
        ("hint (muted)", muted_color(palette), window),
        ("error message", error_color(palette), window),
        ("confirmation", ok_color(palette), window),
        ("open reminder", open_color(palette), window),
    ]
    for flag in ("low", "high"):
        colour = flag_color(palette, flag)
        assert colour is not None
        pairs += [
            (f"flag {flag} on Today", colour, window),
            (f"flag {flag} in a table", colour, base),
            (f"flag {flag} on an alternate row", colour, alternate),
        ]
    background, _border, text = WARNING_BANNER_DARK if is_dark(palette) else WARNING_BANNER_LIGHT
    pairs.append(("warning banner", QColor(text), QColor(background)))
    return pairs


class _FollowPalette(QObject):
    """Re-colours a widget's text when the theme changes (its palette would keep the old one)."""

    def __init__(self, widget: QWidget, colour_of: Callable[[QPalette], QColor | None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self.colour_of = colour_of
        self._busy = False
        widget.installEventFilter(self)
        self.apply()

    def apply(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            parent = self._widget.parentWidget()
            source = parent.palette() if parent is not None else QApplication.palette()
            palette = self._widget.palette()
            colour = self.colour_of(source) or source.color(QPalette.ColorRole.WindowText)
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            palette.setColor(QPalette.ColorRole.Text, colour)
            self._widget.setPalette(palette)
        finally:
            self._busy = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ParentChange):
            self.apply()
        return False


def colour_text(widget: QWidget, colour_of: Callable[[QPalette], QColor | None]) -> None:
    """Colour `widget`'s text with `colour_of(palette)` now and after every theme change
    (None: the palette's own text colour)."""
    follower = widget.findChild(_FollowPalette)
    if follower is None:
        _FollowPalette(widget, colour_of)
    else:
        follower.colour_of = colour_of
        follower.apply()


def muted_color(palette: QPalette) -> QColor:
    """A secondary text colour (dates, sources) that still reads on the window."""
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    return QColor(
        (text.red() * 2 + window.red()) // 3,
        (text.green() * 2 + window.green()) // 3,
        (text.blue() * 2 + window.blue()) // 3,
    )


# Room beside a header's text, and beside the sort arrow of the sorted column.
HEADER_PADDING_PX = 10
SORT_ARROW_GAP_PX = 6


def fit_columns(table: QTableView) -> None:
    """Size each visible column to its widest cell or header line, and no wider.

    Qt's ResizeToContents keeps room for a sort arrow in every header, as wide as the header is
    tall: with two-line headers ("E2" over "pg/mL") that is some 35 px per column, which pushed
    common columns of the Labs and Semen tables out of sight. Only the sorted column gets it.
    """
    header = table.horizontalHeader()
    model = table.model()
    if model is None:
        return
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    metrics = header.fontMetrics()
    sorted_column = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
    arrow_px = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        title_px = max((metrics.horizontalAdvance(line) for line in title.split("\n")), default=0)
        if column == sorted_column:
            title_px += arrow_px + SORT_ARROW_GAP_PX
        header.resizeSection(
            column, max(table.sizeHintForColumn(column), title_px + HEADER_PADDING_PX)
        )


def widen_columns(table: QTableView, rows: Iterable[int]) -> None:
    """Widen the visible columns that `rows` (of the table's model) need more room in.

    After a few rows changed, only they are measured: fit_columns measures every row.
    """
    model = table.model()
    header = table.horizontalHeader()
    rows = list(rows)
    if model is None or not rows:
        return
    grid_px = 1 if table.showGrid() else 0  # as QTableView.sizeHintForColumn counts it
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        # An empty cell never needs more room than the column has: most cells of a new draw
        # are empty (it holds a few of the table's analytes), and measuring is not cheap.
        cells = [model.index(row, column) for row in rows]
        needed = max(
            (table.sizeHintForIndex(cell).width() + grid_px for cell in cells if cell.data()),
            default=0,
        )
        if needed > header.sectionSize(column):
            header.resizeSection(column, needed)


def keep_columns_fitted(table: QTableView) -> None:
    """Fit the columns now and whenever the sorted column changes (its arrow needs room)."""
    fit_columns(table)
    table.horizontalHeader().sortIndicatorChanged.connect(lambda *_args: fit_columns(table))
