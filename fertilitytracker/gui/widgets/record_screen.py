"""The frame of a screen of one kind of record: heading, undo bar, a form beside its table."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.gui.context import AppContext, ChangeFollower, refresh_on
from fertilitytracker.gui.widgets.record_table import selected_record
from fertilitytracker.gui.widgets.undo_bar import UndoBar


class RecordScreen(QWidget):
    """A screen that enters records of one kind in a form and lists them in a table.

    A subclass builds its form and table, then calls `lay_out` and `follow`; it implements
    `refresh`. Delete is enabled while a row is selected; a replaced journal takes back the
    undo offer of the journal it replaced.
    """

    def __init__(self, title: str, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._title = title
        self.undo_bar = UndoBar(self)

    def lay_out(
        self,
        form_side: QWidget,
        caption: QWidget,
        table: QTableView,
        delete_button: QPushButton,
    ) -> None:
        """The heading and the undo bar above the form, with the table to its right."""
        self.table = table
        self.delete_button = delete_button
        table_side = QWidget(self)
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(caption)
        table_layout.addWidget(table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(delete_button)
        table_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(form_side)
        splitter.addWidget(table_side)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{self._title}</h2>", self))
        layout.addWidget(self.undo_bar)
        layout.addWidget(splitter, 1)

    def follow(self, kinds: Collection[str]) -> ChangeFollower:
        """Refresh after each change of `kinds`, and on a replaced journal; refresh now."""
        delete = self.delete_button
        delete.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        follower = refresh_on(self, self._context, self.refresh, kinds)
        self._context.journal_replaced.connect(self._journal_replaced)
        self.refresh()
        return follower

    def selected(self) -> Any | None:
        """The record of the selected row, or None."""
        return selected_record(self.table)

    def refresh(self, *_args: object) -> None:
        raise NotImplementedError

    def delete_selected(self) -> None:
        raise NotImplementedError

    def _update_buttons(self, *_args: object) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def _journal_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.refresh()
