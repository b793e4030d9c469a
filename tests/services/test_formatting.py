"""A range is written in one place, in the notation of the surface that shows it."""

from __future__ import annotations

import pytest

from fertilitytracker.services.formatting import format_bounds, format_range


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (10.0, 42.0, "10–42 pg/mL"),
        (40.0, None, "≥ 40 pg/mL"),
        (None, 200.0, "≤ 200 pg/mL"),
        (None, None, "no range"),
    ],
)
def test_a_screen_range_names_its_unit_and_its_open_end(
    low: float | None, high: float | None, expected: str
) -> None:
    assert format_range(low, high, "pg/mL") == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (12.5, 39.0, "12.5–39"),
        (12.5, None, ">=12.5"),
        (None, 39.0, "<=39"),
        (None, None, ""),
    ],
)
def test_a_typed_notation_writes_what_can_be_typed_back(
    low: float | None, high: float | None, expected: str
) -> None:
    written = format_bounds(low, high, lambda bound: f"{bound:g}", at_least=">=", at_most="<=")
    assert written == expected


def test_the_bounds_are_written_by_the_number_given() -> None:
    assert format_bounds(0.12345, 1.5, lambda bound: f"{bound:.2f}") == "0.12–1.50"
