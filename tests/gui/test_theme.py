"""Readable in light and dark: every text colour the app uses against its background."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from fertilitytracker.gui.theme import (
    apply_theme,
    colour_text,
    contrast_ratio,
    is_dark,
    muted_color,
    text_colour_pairs,
)
from fertilitytracker.gui.widgets.flag_badge import FlagBadge

pytestmark = pytest.mark.gui

WCAG_AA_TEXT = 4.5


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    apply_theme(qapp, "system")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_and_flag_colour_has_a_contrast_of_at_least_4_5(
    app: QApplication, theme: str
) -> None:
    apply_theme(app, theme)
    palette = app.palette()
    assert is_dark(palette) == (theme == "dark")
    pairs = text_colour_pairs(palette)
    assert {"flag low in a table", "hint (muted)", "placeholder", "warning banner"} <= {
        name for name, _text, _background in pairs
    }
    too_faint = [
        f"{name}: {text.name()} on {background.name()} is {contrast_ratio(text, background):.2f}:1"
        for name, text, background in pairs
        if contrast_ratio(text, background) < WCAG_AA_TEXT
    ]
    assert too_faint == []


def test_contrast_ratio_matches_the_wcag_examples() -> None:
    from PySide6.QtGui import QColor

    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


def test_in_range_and_hints_follow_a_switch_to_dark(qtbot, app: QApplication) -> None:
    apply_theme(app, "light")
    holder = QWidget()
    qtbot.addWidget(holder)
    badge = FlagBadge("in_range", holder)
    hint = QLabel("No missed doses.", holder)
    colour_text(hint, muted_color)
    holder.show()
    text_role = QPalette.ColorRole.WindowText
    assert badge.palette().color(text_role).lightness() < 60  # dark text on light

    apply_theme(app, "dark")
    qtbot.waitUntil(lambda: holder.palette().color(QPalette.ColorRole.Window).lightness() < 128)
    qtbot.waitUntil(lambda: badge.palette().color(text_role).lightness() > 180)
    dark = app.palette()
    window = dark.color(QPalette.ColorRole.Window)
    assert contrast_ratio(badge.palette().color(text_role), window) >= WCAG_AA_TEXT
    assert hint.palette().color(text_role) == muted_color(dark)
    assert contrast_ratio(hint.palette().color(text_role), window) >= WCAG_AA_TEXT
