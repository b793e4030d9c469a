"""What the report's charts draw at each result: its marker, and the line joining the results.

A decade of draws is hundreds of points a chart. Each marker or segment as a shape of its own
cost more to draw than the rest of the page, so a run of results is one path: the joining line
one polyline per stretch of exact values, and consecutive triangles of one kind one path. So are
the straight strokes of one look drawn together (`strokes`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from reportlab.graphics.shapes import FILL_NON_ZERO, Circle, Group, Line, Path, Polygon, PolyLine
from reportlab.lib import colors

LINE = colors.Color(0.35, 0.35, 0.35)
POINT_RADIUS = 2.3
_TRIANGLE = {"fillColor": colors.black, "strokeColor": colors.black, "strokeWidth": 0.3}


def _triangle(px: float, py: float, radius: float, flag: str) -> list[float] | None:
    """▼ for a low value (or below a ratio's reference), ▲ for a high one, else None."""
    if flag in ("low", "below_reference"):
        return [
            px - radius * 1.2,
            py + radius,
            px + radius * 1.2,
            py + radius,
            px,
            py - radius * 1.3,
        ]
    if flag == "high":
        return [
            px - radius * 1.2,
            py - radius,
            px + radius * 1.2,
            py - radius,
            px,
            py + radius * 1.3,
        ]
    return None


def _circle(group: Group, px: float, py: float, censored: bool, radius: float) -> None:
    if censored:
        # Below detection: an open circle at the limit (the true value is at or below it).
        group.add(
            Circle(
                px, py, radius, fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.9
            )
        )
    else:
        group.add(Circle(px, py, radius * 0.9, fillColor=colors.black, strokeColor=None))


def marker(
    group: Group, px: float, py: float, censored: bool, flag: str, radius: float = POINT_RADIUS
) -> None:
    """One result's marker: ▼ low, ▲ high, an open circle when censored, else a dot."""
    triangle = None if censored else _triangle(px, py, radius, flag)
    if triangle is None:
        _circle(group, px, py, censored, radius)
    else:
        group.add(Polygon(triangle, **_TRIANGLE))


class Markers:
    """The markers of one chart, added in order; a run of same-kind triangles is one path.

    Runs keep the drawing order, so an open circle overlapping a triangle looks as it did
    drawn one by one. Within a run the triangles wind one way and fill non-zero: their union.
    """

    def __init__(self, group: Group, radius: float) -> None:
        self.group = group
        self.radius = radius
        self._kind = ""
        self._path: Path | None = None

    def add(self, px: float, py: float, censored: bool, flag: str) -> None:
        triangle = None if censored else _triangle(px, py, self.radius, flag)
        if triangle is None:
            self.flush()
            _circle(self.group, px, py, censored, self.radius)
            return
        kind = "high" if flag == "high" else "low"
        if self._path is None or kind != self._kind:
            self.flush()
            self._path = Path(fillMode=FILL_NON_ZERO, **_TRIANGLE)
            self._kind = kind
        self._path.moveTo(triangle[0], triangle[1])
        self._path.lineTo(triangle[2], triangle[3])
        self._path.lineTo(triangle[4], triangle[5])
        self._path.closePath()

    def flush(self) -> None:
        """Add the pending run to the group (before anything that must be drawn over it)."""
        if self._path is not None:
            self.group.add(self._path)
            self._path = None


def strokes(
    group: Group, segments: Sequence[tuple[float, float, float, float]], **style: object
) -> None:
    """Straight segments (x0, y0, x1, y1) of one look as one path: a lane's dose-change notches,
    a chart's medication edges. Drawn one shape each, they were most of a chart's shapes."""
    if not segments:
        return
    path = Path(fillColor=None, **style)
    for x0, y0, x1, y1 in segments:
        path.moveTo(x0, y0)
        path.lineTo(x1, y1)
    group.add(path)


def trend_line(group: Group, points: Sequence[tuple[float, float, bool]]) -> None:
    """Join (x, y, censored) points: solid between exact values, dotted to a censored one."""
    run: list[float] = []
    for (x0, y0, censored0), (x1, y1, censored1) in itertools.pairwise(points):
        if censored0 or censored1:
            _solid(group, run)
            run = []
            group.add(
                Line(x0, y0, x1, y1, strokeColor=LINE, strokeWidth=0.7, strokeDashArray=[1, 1.5])
            )
            continue
        if not run:
            run = [x0, y0]
        run += [x1, y1]
    _solid(group, run)


def _solid(group: Group, run: list[float]) -> None:
    if run:
        # Round joins: a sharp turn between two draws never grows a mitred spike.
        group.add(PolyLine(run, strokeColor=LINE, strokeWidth=0.7, strokeLineJoin=1))
