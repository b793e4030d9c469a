"""A range is written in one place, in the notation of the surface that shows it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fertilitytracker.services.formatting import format_bounds, format_range

Write = Callable[[float | None, float | None], str]


def _screen(low: float | None, high: float | None) -> str:
    return format_range(low, high, "pg/mL")


def _typed(low: float | None, high: float | None) -> str:
    return format_bounds(low, high, lambda bound: f"{bound:g}", at_least=">=", at_most="<=")


@pytest.mark.parametrize(
    ("write", "low", "high", "expected"),
    [
        (_screen, 10.0, 42.0, "10–42 pg/mL"),
        (_screen, 40.0, None, "≥ 40 pg/mL"),
        (_screen, None, 200.0, "≤ 200 pg/mL"),
        (_screen, None, None, "no range"),
        (_typed, 12.5, 39.0, "12.5–39"),
        (_typed, 12.5, None, ">=12.5"),
        (_typed, None, 39.0, "<=39"),
        (_typed, None, None, ""),
    ],
)
def test_a_range_is_written_in_its_surface_notation(
    write: Write, low: float | None, high: float | None, expected: str
) -> None:
    assert write(low, high) == expected


def test_the_bounds_are_written_by_the_number_given() -> None:
    assert format_bounds(0.12345, 1.5, lambda bound: f"{bound:.2f}") == "0.12–1.50"
