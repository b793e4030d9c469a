"""The result view: what the core read, and numbers never rounded across what they are judged by."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.core.records import History, LabDraw, LabResult
from fertilitytracker.services.formatting import format_beside, format_between
from fertilitytracker.services.result_words import value_text
from fertilitytracker.services.views import lab_draw_view, ratio_shown

DAY = date(2026, 1, 5)


def _draw(*results: tuple[str, float]) -> LabDraw:
    return LabDraw(DAY, tuple(LabResult(key, value, value, "") for key, value in results))


@pytest.mark.parametrize(
    ("value", "low", "high", "shown"),
    [
        (299.91, 300, 1080, "299.9"),  # low: never "300", which is in range
        (1080.4, 300, 1080, "1080.4"),  # high: never "1080"
        (650.0, 300, 1080, "650"),
        (300.0, 300, 1080, "300"),  # at the bound is in range, and shows so
        (9.996, 10, 42, "9.996"),
    ],
)
def test_a_value_is_never_rounded_onto_or_across_its_bound(
    value: float, low: float, high: float, shown: str
) -> None:
    assert format_between(value, low, high) == shown


def test_the_t_e_ratio_is_never_rounded_across_ten() -> None:
    assert format_beside(9.997, 10.0) == "9.997"
    assert format_beside(15.04, 10.0) == "15"
    view = lab_draw_view(
        _draw(("total_testosterone", 299.91), ("estradiol", 30.0)), History(), "us"
    )
    ratio = view.derived["t_e_ratio"]
    assert ratio.below_reference is True
    assert ratio_shown(ratio) == pytest.approx(9.997)


def test_the_si_ratio_carries_the_flag_of_the_canonical_ratio() -> None:
    draw = _draw(("total_testosterone", 299.91), ("estradiol", 30.0))
    si = lab_draw_view(draw, History(), "si")
    assert si.derived["t_e_ratio"].below_reference is True
    assert si.derived["t_e_ratio"].value == pytest.approx(299.91 / 28.842 / (30 * 3.67134), 1e-3)
    assert si.t_e_canonical is not None and si.t_e_canonical.value == pytest.approx(9.997)


def test_the_view_shows_a_low_value_below_its_bound() -> None:
    view = lab_draw_view(_draw(("total_testosterone", 299.91)), History(), "us")
    (result,) = view.results
    assert result.flag == "low"
    assert value_text(result) == "299.9"
