"""The table of records on a screen: a read-only sortable view, its selection, delete with undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QSortFilterProxyModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.base import SORT_ROLE
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services

# Column widths fitted to content measure this many rows (a screenful) around the ones in
# sight, not every row: a ten-year table is shown as fast as a new one. A saved row widens
# its columns when it needs to (theme.widen_columns).
FIT_ROWS = 24


def record_table(accessible_name: str, parent: QWidget, *, word_wrap: bool = True) -> QTableView:
    """A read-only table that selects one whole row at a time, without row numbers."""
    table = QTableView(parent)
    table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(word_wrap)
    return table


def sorted_proxy(model: QAbstractItemModel, parent: QWidget) -> QSortFilterProxyModel:
    """A proxy that sorts `model` on its SORT_ROLE (numbers as numbers, missing values first)."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy


def selected_record(table: QTableView) -> Any | None:
    """The record of the selected row (through any sorting proxy), or None."""
    selection = table.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    if not rows:
        return None
    index, model = rows[0], table.model()
    while isinstance(model, QAbstractProxyModel):
        index, model = model.mapToSource(index), model.sourceModel()
    return model.row_at(index.row())  # type: ignore[attr-defined]


def delete_with_undo(
    screen: QWidget,
    context: AppContext,
    undo_bar: UndoBar,
    kind: services.RecordKind,
    record_id: int,
    message: str | Callable[[services.Removed], str],
    *,
    error_prefix: str = "",
    restored_status: str | None = None,
) -> bool:
    """Delete one record and offer it back on the undo bar; False (and a status) if refused.

    `message` says what was deleted (a callable reads the removed record and its dependants);
    `restored_status`, when given, is shown in the status bar once the record is back.
    """
    journal = context.journal
    try:
        change, removed = services.remove(journal, kind, record_id)
    except InputError as error:
        show_status(screen, f"{error_prefix}{error.reason}")
        return False

    def undo() -> None:
        # The journal may have been replaced since; only restore into the same one.
        if context.journal is journal:
            context.notify(services.restore(journal, removed))
            if restored_status is not None:
                show_status(screen, restored_status)

    undo_bar.offer(message(removed) if callable(message) else message, undo)
    context.notify(change)
    return True
