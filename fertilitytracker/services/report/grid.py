"""A long table of one-line text cells (the lab grid, the semen table), laid out by arithmetic.

reportlab's Table measures and draws every cell on its own (a text object, font and colour per
cell); a decade of draws is ten thousand cells, and that was most of the report's time. Every
body row here is one line of plain text, so a row's height is known without measuring a cell
and each page's rows are written as one text object. The header rows stay a reportlab Table
(they hold wrapping paragraphs) and repeat at the top of every page the grid runs onto.
"""

# No `from __future__ import annotations`: typing.NamedTuple compiles each string annotation
# into a ForwardRef when it creates the class; evaluated ones it only checks (docs/design.md).
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple
from weakref import WeakKeyDictionary

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Table
from reportlab.platypus.flowables import Flowable

Align = Literal["LEFT", "CENTER", "RIGHT"]


class GridStyle(NamedTuple):
    """How the body rows look: one font size, paddings, and a rule below each row."""

    font: str
    bold_font: str
    size: float
    leading: float
    top_padding: float
    bottom_padding: float
    side_padding: float
    rule_width: float
    rule_colour: colors.Color

    @property
    def row_height(self) -> float:
        """A one-line row, as reportlab's Table sizes it: the leading and both paddings."""
        return self.leading + self.top_padding + self.bottom_padding


class GridRow(NamedTuple):
    """One body row: its cell texts and which columns are set bold (a flagged value)."""

    cells: tuple[str, ...]
    bold: frozenset[int] = frozenset()


class TextGrid(Flowable):  # type: ignore[misc]  # reportlab ships no types
    """`header` (a Table of the same column widths) over `rows`, split by rows across pages."""

    def __init__(
        self,
        header: Table,
        rows: Sequence[GridRow],
        widths: Sequence[float],
        aligns: Sequence[Align],
        style: GridStyle,
    ) -> None:
        super().__init__()
        self.header = header
        self.rows = tuple(rows)
        self.widths = tuple(widths)
        self.aligns = tuple(aligns)
        self.style = style
        self._header_height: float | None = None

    def _header_size(self, available_width: float) -> float:
        if self._header_height is None:
            _width, self._header_height = self.header.wrap(available_width, 1e9)
        return self._header_height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        header = self._header_size(available_width)
        self.height = header + len(self.rows) * self.style.row_height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        # As reportlab's Table splits: the rows whose running height still fits, and never
        # the header alone.
        used = self._header_size(available_width)
        fitting = 0
        for _row in self.rows:
            if used + self.style.row_height > available_height:
                break
            used += self.style.row_height
            fitting += 1
        if fitting == 0:
            return []
        if fitting == len(self.rows):
            return [self]
        return [self._with(self.rows[:fitting]), self._with(self.rows[fitting:])]

    def _with(self, rows: Sequence[GridRow]) -> "TextGrid":
        part = TextGrid(self.header, rows, self.widths, self.aligns, self.style)
        part._header_height = self._header_height
        return part

    def draw(self) -> None:
        canvas = self.canv
        style = self.style
        header = self._header_size(self.width)
        self.header.drawOn(canvas, 0, self.height - header)
        lefts = [sum(self.widths[:index]) for index in range(len(self.widths))]
        # A decade of values repeats many: each text is measured once per font.
        measured: dict[tuple[str, str], float] = {}
        canvas.saveState()
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        write = _TextWriter(canvas, text, style)
        top = self.height - header
        for row in self.rows:
            baseline = top - style.top_padding - style.size
            for column, cell in enumerate(row.cells):
                if not cell:
                    continue
                font = style.bold_font if column in row.bold else style.font
                text.setTextOrigin(self._x(cell, font, column, lefts, measured), baseline)
                write(cell, font)
            top -= style.row_height
        canvas.drawText(text)
        # The rules last, over the text, as a Table draws its lines after its cells.
        canvas.setStrokeColor(style.rule_colour)
        canvas.setLineWidth(style.rule_width)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        bottom = self.height - header
        lines = []
        for _row in self.rows:
            bottom -= style.row_height
            lines.append((0, bottom, self.width, bottom))
        if lines:
            canvas.lines(lines)
        canvas.restoreState()

    def _x(
        self,
        cell: str,
        font: str,
        column: int,
        lefts: Sequence[float],
        measured: dict[tuple[str, str], float],
    ) -> float:
        """Where the cell's text starts, for its column's alignment (as a Table places it)."""
        left, width, padding = lefts[column], self.widths[column], self.style.side_padding
        align = self.aligns[column]
        if align == "LEFT":
            return left + padding
        text_width = measured.get((cell, font))
        if text_width is None:
            text_width = measured[cell, font] = float(stringWidth(cell, font, self.style.size))
        if align == "RIGHT":
            return left + width - padding - text_width
        return left + width / 2 - text_width / 2


# Per document, each distinct (font, text)'s PDF string operators by font subset. reportlab
# encodes a TrueType string character by character into the document's font subsets on every
# call; a character keeps its subset and code for the whole document once assigned, so a text's
# encoding, once made, holds for the rest of that document (keyed by it, as reportlab keeps
# its subset state).
_ENCODED: "WeakKeyDictionary[Any, dict[tuple[str, str], tuple[tuple[int, str], ...]]]" = (
    WeakKeyDictionary()
)


class _TextWriter:
    """Writes cell texts into one text object as its `textOut` would, encoding each text once.

    The operators written are the ones reportlab's text object writes for a TrueType font
    (a subset's font selection when the subset changes, then the string); a font that is not
    TrueType goes through `textOut` itself.
    """

    def __init__(self, canvas: Any, text: Any, style: GridStyle) -> None:
        self._canvas = canvas
        self._doc = canvas._doc
        self._text = text
        self._code = text._code
        self._size = style.size
        self._leading = style.leading
        self._size_operators = f"{fp_str(style.size)} Tf {fp_str(style.leading)} TL"
        self._encoded = _ENCODED.setdefault(self._doc, {})
        self._font = ""

    def __call__(self, cell: str, font_name: str) -> None:
        text = self._text
        if font_name != self._font:
            text.setFont(font_name, self._size, self._leading)
            self._font = font_name
        runs = self._encoded.get((font_name, cell))
        if runs is None:
            font = getFont(font_name)
            if not font._dynamicFont:
                text.textOut(cell)
                return
            escape = self._canvas._escape
            runs = self._encoded[font_name, cell] = tuple(
                (subset, f"({escape(chunk)}) Tj")
                for subset, chunk in font.splitString(cell, self._doc)
            )
        parts = []
        for subset, operator in runs:
            if subset != text._curSubset:
                internal = getFont(font_name).getSubsetInternalName(subset, self._doc)
                parts.append(f"{internal} {self._size_operators}")
                text._curSubset = subset
            parts.append(operator)
        self._code.append(" ".join(parts))
