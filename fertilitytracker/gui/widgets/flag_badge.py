"""A flag shown with a word and a symbol, coloured from the palette (never by colour alone)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from fertilitytracker.gui.theme import colour_text, flag_color

FLAG_TEXT = {
    "low": "▼ low",
    "high": "▲ high",
    "in_range": "in range",
    "indeterminate": "◆ cannot tell",
}


def flag_text(flag: str | None) -> str:
    """The words shown for a flag: "▼ low", "▲ high", "in range" ("" when there is none)."""
    return FLAG_TEXT.get(flag or "", "")


class FlagBadge(QLabel):
    """A label showing a result's flag."""

    def __init__(self, flag: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._flag: str | None = None
        self.set_flag(flag)

    def set_flag(self, flag: str | None) -> None:
        self._flag = flag
        self.setText(flag_text(flag))
        self.setAccessibleName(f"flag: {flag_text(flag) or 'none'}")
        # From the palette in force, now and after a theme change ("in range" in the text
        # colour: a copy of the old palette's black stayed black on dark).
        colour_text(self, lambda palette: flag_color(palette, flag or ""))
        font = self.font()
        font.setBold(flag in ("low", "high", "indeterminate"))
        self.setFont(font)

    def flag(self) -> str | None:
        return self._flag
