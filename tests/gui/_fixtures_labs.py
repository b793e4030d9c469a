"""Helpers shared by the Labs, Semen and Symptoms screen tests (fixtures are in conftest.py)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt

from fertilitytracker.gui.dialogs.edit_result import EditResultDialog
from fertilitytracker.gui.screens.labs import LabsScreen


def column_texts(model: QAbstractItemModel, column: int) -> list[str]:
    """What the user reads down one column of a (possibly sorted proxy) model."""
    return [str(model.index(row, column).data() or "") for row in range(model.rowCount())]


def header_texts(model: QAbstractItemModel) -> list[str]:
    """The horizontal header texts of a model."""
    return [
        str(model.headerData(column, Qt.Orientation.Horizontal))
        for column in range(model.columnCount())
    ]


def column_named(model: QAbstractItemModel, prefix: str) -> int:
    """The column whose header starts with `prefix` ("Total T", "T/E")."""
    for column, text in enumerate(header_texts(model)):
        if text.split("\n")[0] == prefix:
            return column
    raise AssertionError(f"no column {prefix!r} in {header_texts(model)}")


def edit_result(screen: LabsScreen, row: int) -> EditResultDialog:
    """The edit dialog of the `row`-th result of the selected draw, as its Edit button opens it."""
    screen.results_table.selectRow(row)
    dialog = screen.edit_selected_result()
    assert dialog is not None
    return dialog
