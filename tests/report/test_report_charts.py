"""The vector charts: axes ticks, and the markers a black-and-white print relies on."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.shapes import _MOVETO, Circle, Group, Path, Polygon, Rect, String
from reportlab.lib import colors

from fertilitytracker.services.report.charts import (
    BAND_FILL,
    date_ticks,
    legend,
    medication_timeline,
    small_multiple,
    value_ticks,
)
from fertilitytracker.services.report.data import ChartPoint, ChartSeries, MedicationSpan, Period
from fertilitytracker.services.report.fonts import register_fonts

PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))


def _shapes(node: object) -> list[object]:
    found: list[object] = []
    for child in getattr(node, "contents", []):
        found.append(child)
        if isinstance(child, Group):
            found += _shapes(child)
    return found


def _triangles(shapes: list[object]) -> list[str]:
    """The filled triangles drawn, in order, as "▼" (tip down) or "▲" (tip up).

    A triangle is a Polygon of its own, or one closed subpath of a filled Path (a run of
    markers); a Path only stroked holds straight strokes (notches, medication edges).
    """
    corners: list[list[float]] = []
    for shape in shapes:
        if isinstance(shape, Polygon):
            corners.append(list(shape.points))
        elif isinstance(shape, Path) and shape.fillColor is not None:
            for index, operator in enumerate(shape.operators):
                if operator == _MOVETO:
                    corners.append(list(shape.points[2 * index : 2 * index + 6]))
    found = []
    for points in corners:
        assert len(points) == 6
        base, tip = points[1], points[5]
        assert points[3] == base
        found.append("▼" if tip < base else "▲")
    return found


def _series(points: tuple[ChartPoint, ...]) -> ChartSeries:
    return ChartSeries("estradiol", "Estradiol", "pg/mL", points, 10.0, 42.0)


def test_points_band_and_censored_marker() -> None:
    register_fonts()
    points = (
        ChartPoint(date(2025, 1, 6), 30.0, False, "in_range"),
        ChartPoint(date(2025, 2, 10), 5.0, True, "low", annotation="on anastrozole"),
        ChartPoint(date(2025, 3, 20), 8.0, False, "low"),
        ChartPoint(date(2025, 4, 20), 50.0, False, "high"),
    )
    spans = (
        MedicationSpan("anastrozole", date(2025, 1, 10), None, ((date(2025, 1, 10), "1 mg"),)),
    )
    shapes = _shapes(small_multiple(_series(points), spans, PERIOD, 250, 170))
    open_circles = [s for s in shapes if isinstance(s, Circle) and s.fillColor == colors.white]
    filled_circles = [s for s in shapes if isinstance(s, Circle) and s.fillColor == colors.black]
    assert len(open_circles) == 1  # below detection: open, at its limit
    assert len(filled_circles) == 1  # the one in range
    assert _triangles(shapes) == ["▼", "▲"]  # low and high, readable without colour
    assert any(isinstance(s, Rect) and s.fillColor == BAND_FILL for s in shapes)
    texts = [s.text for s in shapes if isinstance(s, String)]
    assert "Estradiol" in texts and "anastrozole" in texts
    assert any("below target range on anastrozole" in text for text in texts)


def test_no_points_says_so() -> None:
    register_fonts()
    shapes = _shapes(small_multiple(_series(()), (), PERIOD, 250, 170))
    assert "no results in this period" in [s.text for s in shapes if isinstance(s, String)]


def test_timeline_labels_each_dose() -> None:
    register_fonts()
    span = MedicationSpan(
        "anastrozole",
        date(2025, 1, 10),
        None,
        ((date(2025, 1, 10), "1 mg every other day"), (date(2025, 3, 1), "0.5 mg every other day")),
    )
    texts = [
        s.text for s in _shapes(medication_timeline((span,), PERIOD, 500)) if isinstance(s, String)
    ]
    assert "anastrozole" in texts
    assert "1 mg every other day" in texts and "0.5 mg every other day" in texts


def test_legend_fits_its_width() -> None:
    register_fonts()
    drawing = legend(300)
    assert drawing.width == 300
    strings = [s for s in _shapes(drawing) if isinstance(s, String)]
    assert all(s.x < 300 for s in strings)
    assert drawing.height > 14  # wrapped onto more than one line


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    st.integers(min_value=1, max_value=4000),
)
def test_date_ticks_are_ordered_inside_and_few(first: date, days: int) -> None:
    last = date.fromordinal(first.toordinal() + days)
    ticks = date_ticks(first, last, max_ticks=6)
    days_only = [tick for tick, _label in ticks]
    assert days_only == sorted(days_only)
    assert all(first <= tick <= last for tick in days_only)
    assert len(ticks) <= 8


@given(
    st.floats(min_value=0, max_value=1e4, allow_nan=False),
    st.floats(min_value=0.001, max_value=1e4, allow_nan=False),
)
def test_value_ticks_cover_the_range(low: float, span: float) -> None:
    ticks = value_ticks(low, low + span)
    assert ticks == sorted(ticks)
    assert 2 <= len(ticks) <= 12


def test_month_ticks_carry_the_full_year() -> None:
    labels = [label for _day, label in date_ticks(date(2026, 5, 10), date(2026, 10, 20))]
    assert labels == ["Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026"]
    decade = [label for _day, label in date_ticks(date(2016, 6, 1), date(2026, 6, 1))]
    assert decade == ["2018", "2020", "2022", "2024", "2026"]
