"""Chart colours taken from the widget palette (light or dark) and the Okabe-Ito set."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from fertilitytracker.gui.theme import FLAG_DARK, FLAG_LIGHT

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Vermillion is kept for warnings only, so that a warning never looks like a series.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Symbols paired with the series colours, so that series differ in shape as well as colour.
SERIES_SYMBOLS: tuple[str, ...] = ("o", "s", "d", "p", "h", "star", "x", "+")
REGIMEN_ALPHA = 34
# The target band is the text colour, faint: a light tint behind the points (which are drawn
# over it), with its limits as solid lines. Medication periods are lanes under the plots, so
# nothing else tints the plot and the band never mixes into another colour.
BAND_ALPHA_LIGHT = 22
BAND_ALPHA_DARK = 30
BAND_EDGE_ALPHA = 170  # the band's limits as solid lines: the exact bounds read at a glance
ZONE_ALPHA = 40


@dataclass(frozen=True)
class ChartTheme:
    """The colours of every chart element for one palette."""

    dark: bool
    background: QColor
    foreground: QColor
    muted: QColor
    warning: QColor
    series: tuple[QColor, ...]
    regimens: tuple[QColor, ...]
    band: QColor
    label_fill: QColor
    osteopenia: QColor
    osteoporosis: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartTheme:
        """The theme matching `palette`: dark when the window colour is dark."""
        background = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        muted = QColor(foreground)
        muted.setAlpha(150)
        # Blue is too dark to read on a dark background; sky blue leads there instead.
        if dark:
            order = ("sky_blue", "orange", "bluish_green", "reddish_purple", "yellow", "blue")
        else:
            order = ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "yellow")
        series = tuple(QColor(OKABE_ITO[name]) for name in order)
        regimen_order = ("orange", "sky_blue", "reddish_purple", "bluish_green", "yellow", "blue")
        regimens = tuple(QColor(OKABE_ITO[name]) for name in regimen_order)
        # The target band is neutral (the text colour, faint) so that it never mixes with a
        # regimen's colour into something that looks like another regimen.
        band = QColor(foreground)
        band.setAlpha(BAND_ALPHA_DARK if dark else BAND_ALPHA_LIGHT)
        label_fill = QColor(background)
        label_fill.setAlpha(210)
        osteopenia = QColor(OKABE_ITO["orange"])
        osteopenia.setAlpha(ZONE_ALPHA)
        osteoporosis = QColor(OKABE_ITO["vermillion"])
        osteoporosis.setAlpha(ZONE_ALPHA)
        return cls(
            dark=dark,
            background=background,
            foreground=foreground,
            muted=muted,
            # Out-of-range markers and warnings in the very colour the tables flag them in.
            warning=QColor(FLAG_DARK if dark else FLAG_LIGHT),
            series=series,
            regimens=regimens,
            band=band,
            label_fill=label_fill,
            osteopenia=osteopenia,
            osteoporosis=osteoporosis,
        )

    def series_colour(self, index: int) -> QColor:
        return QColor(self.series[index % len(self.series)])

    def medication_colour(self, name: str, alpha: int = 255) -> QColor:
        """The colour of a medication by its Okabe-Ito colour name (the same in every journal)."""
        colour = QColor(OKABE_ITO.get(name, OKABE_ITO["orange"]))
        colour.setAlpha(alpha)
        return colour

    def regimen_colour(self, index: int, alpha: int = 255) -> QColor:
        colour = QColor(self.regimens[index % len(self.regimens)])
        colour.setAlpha(alpha)
        return colour
