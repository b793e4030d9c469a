"""`labs --json` writes its document as text without building it result by result: the text
must be, byte for byte, what `json` writes for the documented dicts (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fertilitytracker.core.draw_context import ContextNote, DrawContext, SinceDose
from fertilitytracker.services.json_views import draw_view_json, labs_json_text
from fertilitytracker.services.views import DrawView, ResultView

numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
words = st.text(max_size=12)  # quotes, backslashes, %, "results", controls: any text
results = st.builds(
    ResultView,
    analyte=st.sampled_from(["estradiol", "lh", "hematocrit", "semen_volume"]),
    name=words,
    value=numbers | st.integers(min_value=-5, max_value=5),
    unit=st.sampled_from(["pg/mL", "%", "IU/L", '"odd" %s unit']),
    entered_value=numbers,
    entered_unit=words,
    comparator=st.sampled_from([None, "<", ">="]),
    flag=st.sampled_from(["low", "in_range", "high", "indeterminate"]),
    target_low=st.none() | numbers | st.sampled_from([0, 0.0, -0.0, 1, 1.0]),
    target_high=st.none() | numbers | st.sampled_from([0, 0.0, -0.0, 1, 1.0]),
    range_source=st.sampled_from(["default", "lab", "clinician", "WHO 2021"]),
    estradiol_state=st.sampled_from([None, "below_floor", "cannot_tell"]),
)
contexts = st.none() | st.builds(
    DrawContext,
    time=st.none() | st.just(time(7, 45)),
    fasting=st.sampled_from([None, True, False]),
    since_doses=st.lists(
        st.builds(
            SinceDose,
            medication=st.sampled_from(["results", "hcg", 'a "b"']),
            hours=st.none() | numbers,
        ),
        max_size=2,
    ).map(tuple),
    notes=st.lists(st.builds(ContextNote, key=words, text=words, source=words), max_size=2).map(
        tuple
    ),
)
draws = st.builds(
    DrawView,
    date=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    kind=st.sampled_from(["labs", "semen", "dexa"]),
    results=st.lists(results, max_size=4).map(tuple),
    context=contexts,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(draws, max_size=5))
def test_the_text_is_what_json_writes_for_the_documented_dicts(views: list[DrawView]) -> None:
    expected = json.dumps(
        [draw_view_json(view) for view in views], ensure_ascii=False, allow_nan=False
    )
    assert labs_json_text(views) == expected


def test_a_value_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    result = ResultView(
        "lh", "LH", float("inf"), "IU/L", 4.0, "IU/L", None, "high", 1.7, 8.6, "default"
    )
    view = DrawView(date(2026, 1, 5), "labs", (result,))
    with pytest.raises(ValueError):
        json.dumps([draw_view_json(view)], allow_nan=False)
    with pytest.raises(ValueError):
        labs_json_text([view])


@pytest.mark.parametrize(("first", "second"), [(0.0, -0.0), (1.0, 1), (0, 0.0)])
def test_bounds_equal_as_numbers_are_still_written_as_json_writes_each(
    first: float, second: float
) -> None:
    def view(low: float) -> DrawView:
        result = ResultView("lh", "LH", 4.0, "IU/L", 4.0, "IU/L", None, "high", low, 8.6, "lab")
        return DrawView(date(2026, 1, 5), "labs", (result,))

    views = [view(first), view(second)]
    expected = json.dumps([draw_view_json(v) for v in views], ensure_ascii=False)
    assert labs_json_text(views) == expected
    assert json.dumps(first) in expected and json.dumps(second) in expected
