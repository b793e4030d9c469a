"""A titled section of a screen whose rows are rebuilt from the journal (Today, Reminders)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLayout, QWidget

from fertilitytracker.gui.theme import colour_text, muted_color


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of `layout`.

    A removed widget is hidden and unparented at once, so that it is neither painted nor found
    among the section's children before Qt deletes it.
    """
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


def muted_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A secondary line in the muted colour, shown as plain text (it may carry typed names)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    colour_text(label, muted_color)
    return label


class GridSection(QGroupBox):
    """A group box of rows in a grid, emptied and refilled on each refresh."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.grid = QGridLayout(self)

    def clear(self) -> None:
        clear_layout(self.grid)

    def show_empty(self, text: str) -> None:
        """Say in one muted line that there is nothing to show."""
        self.grid.addWidget(muted_label(text, self), 0, 0)

    def add_row(self, row: int, *widgets: QWidget) -> None:
        """Put `widgets` in the columns of `row`, left to right."""
        for column, widget in enumerate(widgets):
            self.grid.addWidget(widget, row, column)
