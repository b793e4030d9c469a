"""The frame of a screen of one kind of record: heading, undo bar, a form beside its table."""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
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
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import ErrorLabel, action_button, submit_on_enter
from fertilitytracker.gui.widgets.record_table import (
    delete_with_undo,
    record_table,
    selected_record,
)
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services


class RecordScreen(QWidget):
    """A screen that enters records of one kind in a form and lists them in a table.

    The form has the shape every record form has: a date, the fields, a line for a refusal
    that names no field, and Save, which Enter presses while the form is valid. A subclass
    builds its fields and its table (`newest_first`), then calls `lay_out` and `follow`; it
    implements `refresh`, `save` (through `refuse` and `saved`) and `deletable`. Delete is
    enabled while a row is selected; a replaced journal takes back the undo offer of the
    journal it replaced.
    """

    def __init__(
        self,
        title: str,
        context: AppContext,
        parent: QWidget | None,
        *,
        record_kind: services.RecordKind,
        date_name: str,
        save_text: str,
        save_name: str,
        delete_text: str,
        delete_name: str,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._title = title
        self._record_kind = record_kind
        self.undo_bar = UndoBar(self)
        self.date_edit = DateEdit(context.today(), date_name, self)
        self.save_button = action_button(save_text, self, self.save, accessible_name=save_name)
        self.form_error = ErrorLabel(self)
        self.delete_button = QPushButton(delete_text, self)
        self.delete_button.setAccessibleName(delete_name)

    def newest_first(self, accessible_name: str, model: QAbstractItemModel) -> QTableView:
        """The table of the records, sortable, the latest date (column 0) on top."""
        table = record_table(accessible_name, self)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        return table

    def lay_out(self, form_side: QWidget, caption: QWidget, table: QTableView) -> None:
        """The heading and the undo bar above the form, with the table to its right."""
        self.table = table
        delete_button = self.delete_button
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
        submit_on_enter(self, self.save_button)
        self._order_tabs(form_side)

    def _order_tabs(self, form_side: QWidget) -> None:
        """Tab goes through the form's fields, then Save, the table and Delete: the order they
        are read in, whatever order they were made in."""
        fields: list[QWidget] = []
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:  # the chain is a ring
            focusable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            inside = widget is not form_side and form_side.isAncestorOf(widget)
            if focusable and inside and widget is not self.save_button:
                fields.append(widget)
            widget = widget.nextInFocusChain()
        order = [*fields, self.save_button, self.table, self.delete_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

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

    def save(self) -> None:
        raise NotImplementedError

    def refuse(self, label: ErrorLabel, reason: str) -> None:
        """A refused save: the reason beside the field it names; Save waits for a change."""
        label.show_reason(reason)
        self.save_button.setEnabled(False)

    def saved(self, change: services.Change) -> None:
        """A save done: every screen hears of the change, the status bar says it."""
        self._context.notify(change)
        show_status(self, change.summary)

    def deletable(self) -> tuple[int, str] | None:
        """The id of the selected record and the words that say it was deleted, or None."""
        raise NotImplementedError

    def delete_selected(self) -> None:
        """Delete the selected record; the undo bar offers it back."""
        target = self.deletable()
        if target is not None:
            record_id, message = target
            delete_with_undo(
                self, self._context, self.undo_bar, self._record_kind, record_id, message
            )

    def _update_buttons(self, *_args: object) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def _journal_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.refresh()
