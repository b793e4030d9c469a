"""The one read-only table model over immutable rows, its columns declared as data."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from fertilitytracker.gui.theme import flag_color

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

# The role a QSortFilterProxyModel (and the model's own sort) sorts on: numbers as numbers.
SORT_ROLE = Qt.ItemDataRole.UserRole
# Missing values sort before every number.
MISSING_SORT_KEY = -math.inf
# The only roles a cell answers: a view asks some ten roles per painted cell, the rest are
# turned away before any Python work is done.
ANSWERED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SORT_ROLE,
    )
)


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its title, and either the text of a cell or a `key` the model's `cell` reads.

    `tooltip`, `colour` and `sort_key` are per cell; `header_tooltip` is the header's.
    """

    title: str
    text: Callable[[Row], str] | None = None
    sort_key: Callable[[Row], Any] | None = None
    tooltip: Callable[[Row], str] | None = None
    colour: Callable[[Row], QColor | None] | None = None
    align_right: bool = False
    key: str = ""
    header_tooltip: str = ""

    @classmethod
    def keyed(cls, key: str, title: str, header_tooltip: str = "") -> Column[Any]:
        """A column whose cells the model's `cell` override answers by `key`."""
        return cls(title, key=key, header_tooltip=header_tooltip)


def _sortable(value: Any) -> tuple[int, Any]:
    # None sorts first and never meets a number in a comparison.
    return (0, 0) if value is None else (1, value)


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are replaced as a whole with `set_rows`; the model never reads the journal.

    A column with `text` is answered from its callables; a model whose cells need more (flags,
    derived values) declares columns by `key` and overrides `cell`.
    """

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        parent: QObject | None = None,
        rows: Sequence[Row] = (),
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Row] = list(rows)
        # (row, column, role) -> (the row record, its answer): painting, fitting and sorting
        # ask the same cells again and again; a replaced or moved record is simply missed.
        self._answers: dict[tuple[int, int, int], tuple[Row, Any]] = {}
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None  # kept across set_rows

    @property
    def columns(self) -> tuple[Column[Row], ...]:
        return self._columns

    def column_of(self, key: str) -> int:
        """The position of the column with `key`."""
        for position, column in enumerate(self._columns):
            if column.key == key:
                return position
        raise KeyError(key)

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show other rows (after the journal changed)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._answers.clear()
        if self._sorted_by is not None:
            self._sort_rows(*self._sorted_by)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        """The immutable record shown in `row`."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES:
            return None
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        if not 0 <= column < len(self._columns):
            return None
        record = self._rows[row]
        key = (row, column, int(role))
        known = self._answers.get(key)
        if known is not None and known[0] is record:
            return known[1]
        answer = self.cell(record, self._columns[column], role)
        self._answers[key] = (record, answer)
        return answer

    def forget_answers(self) -> None:
        """Drop the answers kept for painting (the records changed in place or the theme did)."""
        self._answers.clear()

    def cell(self, row: Row, column: Column[Row], role: int) -> Any:
        """The data of one cell for `role`; None when the role does not apply."""
        if column.text is None:
            raise NotImplementedError(f"column {column.key!r} has no text: override cell()")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            return column.colour(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return (column.sort_key or column.text)(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return column.header_tooltip or None
            return None
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by the `SORT_ROLE` value of `column` (a table without a proxy)."""
        if not 0 <= column < len(self._columns):
            return
        # One key per row, sorted in Python: a proxy would ask data() twice per comparison.
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        spec = self._columns[column]
        self._rows.sort(
            key=lambda row: _sortable(self.cell(row, spec, SORT_ROLE)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )


# --- cells that carry a flag (the Labs, Semen and Symptoms models) ----------------------------


def flag_colour(flag: str, palette: QPalette | None = None) -> QColor | None:
    """The text colour of a flag, readable in the application's light or dark palette."""
    return flag_color(palette or QGuiApplication.palette(), flag)


@dataclass(frozen=True)
class CellText:
    """What one cell shows: text, tooltip, flag (for colour) and the number it sorts by."""

    text: str
    tooltip: str | None = None
    flag: str | None = None
    sort_key: Any = None
    accessible: str | None = None


def cell_role(cell: CellText, role: int) -> Any:
    """The answer of a `CellText` for one item role."""
    if role == Qt.ItemDataRole.DisplayRole:
        return cell.text
    if role == Qt.ItemDataRole.ToolTipRole:
        return cell.tooltip
    if role == Qt.ItemDataRole.ForegroundRole:
        return flag_colour(cell.flag) if cell.flag else None
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return cell.accessible or cell.text
    if role == SORT_ROLE:
        return cell.sort_key if cell.sort_key is not None else cell.text
    if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(cell.sort_key, float):
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None
