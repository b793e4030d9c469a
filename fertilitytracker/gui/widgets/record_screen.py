"""The frame of a screen of records: heading, undo bar, the form beside its tables.

`RecordPage` is the frame (Labs, with its two forms and three tables); `RecordScreen` is a
page of one kind of record entered in one form (Semen, Symptoms).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.gui.context import AppContext, ChangeFollower
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
from fertilitytracker.services.operations import Change


@dataclass(frozen=True)
class TableSection:
    """One table of a page's table side: the lines above it, its share of the height left
    once they are laid out, and its buttons (right-aligned below it)."""

    captions: tuple[QWidget, ...]
    table: QTableView
    stretch: int = 1
    buttons: tuple[QPushButton, ...] = ()


class RecordPage(QWidget):
    """A heading and an undo bar above a form side, with the tables beside it to its right.

    A subclass builds its form side and tables, then calls `lay_out_page` and `follow`; it
    implements `refresh`, and `apply_change` where it can show a change without a whole
    refresh. A replaced journal takes back the undo offer of the journal it replaced.
    """

    def __init__(self, title: str, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._context = context
        self._title = title
        self.undo_bar = UndoBar(self)

    def newest_first(
        self, accessible_name: str, model: QAbstractItemModel, *, word_wrap: bool = True
    ) -> QTableView:
        """A table of records over `model`, sortable, the latest date (column 0) on top."""
        table = record_table(accessible_name, self, word_wrap=word_wrap)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        return table

    def scrolled_form_side(self, forms: Sequence[QWidget], *, min_width: int) -> QScrollArea:
        """`forms` one under another at the top of a form side that scrolls when the window
        is too short for them."""
        holder = QWidget(self)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        for form in forms:
            holder_layout.addWidget(form)
        holder_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMinimumWidth(min_width)
        return scroll

    def lay_out_page(
        self,
        form_side: QWidget,
        sections: Sequence[TableSection],
        *,
        form_width: int | None = None,
    ) -> None:
        """The heading and the undo bar above `form_side`, with `sections` to its right, one
        under another; `form_width`, when given, is as wide as the form side starts."""
        table_side = QWidget(self)
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        for section in sections:
            for caption in section.captions:
                table_layout.addWidget(caption)
            table_layout.addWidget(section.table, section.stretch)
            if section.buttons:
                buttons = QHBoxLayout()
                buttons.addStretch(1)
                for button in section.buttons:
                    buttons.addWidget(button)
                table_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(form_side)
        splitter.addWidget(table_side)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        if form_width is not None:
            splitter.setSizes([form_width, 10 * form_width])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{self._title}</h2>", self))
        layout.addWidget(self.undo_bar)
        layout.addWidget(splitter, 1)

    def follow(self, kinds: Collection[str] | None = None) -> ChangeFollower:
        """Show each change of `kinds` (None: of any kind) through `apply_change`, and a
        replaced journal; refresh now."""
        self.follower = ChangeFollower(self, self._context, self.apply_change, kinds)
        self._context.journal_replaced.connect(self._journal_replaced)
        self.refresh()
        return self.follower

    def refresh(self, *_args: object) -> None:
        raise NotImplementedError

    def apply_change(self, change: Change) -> None:
        """Show `change`: by default, the whole page again."""
        self.refresh()

    def saved(self, change: Change) -> None:
        """A save done: every screen hears of the change, the status bar says it."""
        self._context.notify(change)
        show_status(self, change.summary)

    def delete_offering_undo(
        self, kind: services.RecordKind, target: tuple[int, str] | None
    ) -> None:
        """Delete the record of `target` (its id, and the words that say it was deleted);
        the undo bar offers it back. Nothing happens without a target."""
        if target is not None:
            record_id, message = target
            delete_with_undo(self, self._context, self.undo_bar, kind, record_id, message)

    def _journal_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.follower.mark_stale()  # the other journal: now if shown, else on the next visit


class RecordScreen(RecordPage):
    """A screen that enters records of one kind in a form and lists them in a table.

    The form has the shape every record form has: a date, the fields, a line for a refusal
    that names no field, and Save, which Enter presses while the form is valid. A subclass
    builds its fields and its table (`newest_first`), then calls `lay_out` and `follow`; it
    implements `refresh`, `save` (through `refuse` and `saved`) and `deletable`. Delete is
    enabled while a row is selected.
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
        super().__init__(title, context, parent)
        self._record_kind = record_kind
        self.date_edit = DateEdit(context.today(), date_name, self)
        self.save_button = action_button(save_text, self, self.save, accessible_name=save_name)
        self.form_error = ErrorLabel(self)
        self.delete_button = QPushButton(delete_text, self)
        self.delete_button.setAccessibleName(delete_name)

    def lay_out(self, form_side: QWidget, caption: QWidget, table: QTableView) -> None:
        """The heading and the undo bar above the form, with the table to its right."""
        self.table = table
        self.lay_out_page(form_side, [TableSection((caption,), table, 1, (self.delete_button,))])
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

    def follow(self, kinds: Collection[str] | None = None) -> ChangeFollower:
        """Refresh after each change of `kinds`, and on a replaced journal; refresh now."""
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        return super().follow(kinds)

    def selected(self) -> Any | None:
        """The record of the selected row, or None."""
        return selected_record(self.table)

    def save(self) -> None:
        raise NotImplementedError

    def refuse(self, label: ErrorLabel, reason: str) -> None:
        """A refused save: the reason beside the field it names; Save waits for a change."""
        label.show_reason(reason)
        self.save_button.setEnabled(False)

    def deletable(self) -> tuple[int, str] | None:
        """The id of the selected record and the words that say it was deleted, or None."""
        raise NotImplementedError

    def delete_selected(self) -> None:
        """Delete the selected record; the undo bar offers it back."""
        self.delete_offering_undo(self._record_kind, self.deletable())

    def _update_buttons(self, *_args: object) -> None:
        self.delete_button.setEnabled(self.selected() is not None)
