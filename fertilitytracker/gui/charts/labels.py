"""The texts on a plot: dose changes at their dates, reference lines and zones at the left edge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.items import PaintOnlyItem

DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
LABEL_FONT_PT = 8


@dataclass(frozen=True)
class PlotLabel:
    """A text on a plot: at x (None: the left edge of the view), hanging below or above y."""

    x: float | None
    y: float
    text: str
    colour: QColor
    below: bool = True


class _Labels(PaintOnlyItem):
    """Labels on boxes of one fill colour, each box measured once."""

    def __init__(self, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.labels: list[PlotLabel] = []
        self._sizes: list[QRectF] = []
        self._font = QFont()
        self._font.setPointSizeF(LABEL_FONT_PT)
        self._fill = QColor("white")
        self.setCacheMode(DEVICE_CACHE)

    @property
    def texts(self) -> list[str]:
        """The label texts, in drawing order (for tests and accessibility)."""
        return [label.text for label in self.labels]

    def _set(self, labels: Sequence[PlotLabel], fill: QColor) -> None:
        self.labels = list(labels)
        metrics = QFontMetricsF(self._font)
        self._sizes = [
            metrics.boundingRect(label.text).adjusted(-3, -1, 3, 1) for label in self.labels
        ]
        self._fill = QColor(fill)
        self.setVisible(bool(self.labels))

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None  # never part of an auto-range

    def _draw(self, painter: QPainter, anchors: Sequence[QPointF], within: QRectF | None) -> None:
        """Each label's box at its anchor (device pixels), those meeting `within` (or all)."""
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        for label, size, anchor in zip(self.labels, self._sizes, anchors, strict=True):
            box = _box_at(label, size, anchor)
            if within is not None and not box.intersects(within):
                continue
            painter.fillRect(box, self._fill)
            painter.setPen(label.colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label.text)
        painter.restore()


class PlotLabels(_Labels):
    """Dated labels (dose changes) as one item, moving rigidly with the dates: drawn into the
    device cache over the plot's whole extent (a TextItem per label re-places itself on every
    pan step)."""

    def __init__(self) -> None:
        super().__init__()
        self._extent = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def set_labels(self, labels: Sequence[PlotLabel], fill: QColor, extent: QRectF) -> None:
        """Show `labels` on boxes of `fill`; `extent` bounds the plot (the cache's extent)."""
        self.prepareGeometryChange()
        self._set(labels, fill)
        self._extent = QRectF(extent)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._extent) if self.labels else QRectF()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.labels:
            return
        transform = painter.transform()
        anchors = [
            transform.map(QPointF(0.0 if label.x is None else label.x, label.y))
            for label in self.labels
        ]
        # Only the strip being painted into the cache (the whole plot on a full repaint).
        self._draw(painter, anchors, transform.mapRect(option.exposedRect))


class EdgeLabels(_Labels):
    """Labels at the view's left edge (reference lines, zones), which a pan never moves.

    A child of the view box itself, not of the group a pan moves: drawn once into the device
    cache and copied from it on each pan step, placed again when the view is resized or its
    y-range changes. (In the panned group it was painted anew on every step.)
    """

    def __init__(self, view: pg.ViewBox) -> None:
        super().__init__(view)
        self._view = view
        self._bounds = QRectF()
        view.sigResized.connect(self._place)
        view.sigYRangeChanged.connect(self._place)

    def set_labels(self, labels: Sequence[PlotLabel], fill: QColor) -> None:
        """Show `labels` (their x is the view's left edge) on boxes of `fill`."""
        self._set(labels, fill)
        self._place()

    def _anchors(self) -> list[QPointF]:
        """Where each label hangs, in the view box's pixels: its y mapped by the y-range."""
        low, high = self._view.viewRange()[1]
        rect = self._view.rect()
        per_unit = rect.height() / (high - low) if high != low else 0.0
        return [
            QPointF(rect.left(), rect.top() + (high - label.y) * per_unit) for label in self.labels
        ]

    def _place(self, *_args: object) -> None:
        self.prepareGeometryChange()
        bounds = QRectF()
        for label, size, anchor in zip(self.labels, self._sizes, self._anchors(), strict=True):
            bounds = bounds.united(_box_at(label, size, anchor))
        self._bounds = bounds
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.labels:
            transform = painter.transform()
            self._draw(painter, [transform.map(anchor) for anchor in self._anchors()], None)


def _box_at(label: PlotLabel, size: QRectF, anchor: QPointF) -> QRectF:
    """The label's box of `size` hanging below (or standing above) `anchor`, a little right."""
    box = QRectF(size)
    if label.below:
        box.moveTopLeft(anchor + QPointF(3, 1))
    else:
        box.moveBottomLeft(anchor + QPointF(3, -1))
    return box
