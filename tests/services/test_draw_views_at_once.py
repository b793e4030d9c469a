"""Viewing every draw at once shows each result as viewing it alone does.

`lab_draw_views` (Labs, `labs --json`, the report) reads years of results through one
`HistoryReader` and converts each distinct reading once; `result_view` (a chart point, an
export) reads one result. Whatever is shared, the two must show the same flag, range, floor
and value (docs/design.md "One reading, computed once").
"""

from __future__ import annotations

from datetime import date, time

import pytest

from fertilitytracker.core.records import UnitSystem
from fertilitytracker.services import operations
from fertilitytracker.services.operations import ResultInput
from fertilitytracker.services.views import lab_draw_views, result_view
from fertilitytracker.storage.journal import Journal


@pytest.mark.parametrize("system", ["us", "si"])
def test_every_result_shows_as_it_does_alone(demo_journal: Journal, system: UnitSystem) -> None:
    # The demo course, and what it lacks: a clinician's target, a lab's range, censored values.
    operations.set_target(demo_journal, "estradiol", "20", "40", "pg/mL", date(2026, 1, 10))
    operations.record_draw(
        demo_journal,
        date(2026, 3, 3),
        [
            ResultInput("estradiol", "<15", "pg/mL"),
            ResultInput("lh", "4", "IU/L", lab_low="1.5", lab_high="9.3"),
            ResultInput("fsh", ">20", "IU/L"),
            ResultInput("shbg", "31", "nmol/L", lab_high="50"),
        ],
        time(7, 45),
        None,
    )
    history = demo_journal.history()

    views = lab_draw_views(history, system)

    alone = [
        tuple(result_view(result, draw.date, history, system) for result in draw.results)
        for draw in history.draws
    ]
    assert [view.results for view in views] == alone
    flags = {result.flag for view in views for result in view.results}
    assert {"low", "in_range", "high"} <= flags  # the cases above are all there
    assert any(result.over_suppressed for view in views for result in view.results)
