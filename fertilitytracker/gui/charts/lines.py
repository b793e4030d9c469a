"""One-pixel lines: cosmetic pens, and horizontal lines drawn as fills of the pixels they cover."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QLineF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform


def cosmetic_pen(colour: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A pen one device pixel wide at any scale."""
    pen = QPen(colour, 0, style)  # width 0: one device pixel at any scale
    pen.setCosmetic(True)
    return pen


def draw_horizontal_lines(painter: QPainter, pen: QPen, lines: Sequence[QLineF]) -> None:
    """Draw horizontal `lines` with a one-pixel cosmetic `pen`.

    Qt draws an aliased one-pixel line with a translucent pen by blending it pixel by pixel,
    which costs a line a plot wide a fifth of a millisecond; filling the same row of pixels
    costs a hundredth of that. (A column one pixel wide fills more slowly than its line is
    drawn: vertical lines stay lines.) The pixels of an aliased one-pixel line from (x1, y)
    to (x2, y) in device coordinates are the columns floor(x1)..floor(x2) of row floor(y):
    the same pixels, in the same colour. Other pens (and an antialiased or rotated painter)
    draw lines.
    """
    transform = painter.transform()
    if (
        not _fillable(pen)
        or painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        or transform.type().value > QTransform.TransformationType.TxScale.value
        or any(line.y1() != line.y2() for line in lines)
    ):
        painter.setPen(pen)
        painter.drawLines(lines)
        return
    brush = pen.brush()
    painter.save()
    painter.resetTransform()
    for line in lines:
        device = transform.map(line)
        left, right = sorted((math.floor(device.x1()), math.floor(device.x2())))
        painter.fillRect(QRect(left, math.floor(device.y1()), right - left + 1, 1), brush)
    painter.restore()


def _fillable(pen: QPen) -> bool:
    """Whether `pen` draws an aliased line one device pixel wide, solid, to its end pixel."""
    return (
        pen.isCosmetic()
        and pen.widthF() <= 1
        and pen.style() == Qt.PenStyle.SolidLine
        and pen.brush().style() == Qt.BrushStyle.SolidPattern
        and pen.capStyle() != Qt.PenCapStyle.FlatCap
    )
