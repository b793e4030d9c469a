"""Response to treatment: the key markers under each combination of medication in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fertilitytracker.core.monitoring import (
    HORMONE_CLASSES,
)
from fertilitytracker.core.records import (
    History,
    Regimen,
    UnitSystem,
)
from fertilitytracker.services.report.cells import (
    change_between,
    latest_on_or_before,
    latest_within,
    marker_cells,
    marker_label,
    med_class_label,
    overlaps,
    step_text,
)
from fertilitytracker.services.report.model import (
    Period,
    ResponseRow,
    ResponseTable,
    ValueCell,
)
from fertilitytracker.services.views import (
    DrawView,
)

RESPONSE_MARKERS: tuple[str, ...] = ("total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh")


def response_tables(
    history: History,
    all_views: Sequence[DrawView],
    period: Period,
    system: UnitSystem,
) -> tuple[ResponseTable, ...]:
    cells_by_key = {
        key: marker_cells(key, all_views, history, system) for key in (*RESPONSE_MARKERS, "tmsc")
    }
    tables = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not overlaps(regimen, period):
            continue
        steps = [s for s in regimen.steps if regimen.stop is None or s.date < regimen.stop]
        # Of two steps on one day the later wins (as Regimen.step_on).
        by_day = {step.date: step for step in steps}
        steps = [by_day[day] for day in sorted(by_day)]
        treated_until = period.end
        if regimen.stop is not None:
            treated_until = min(treated_until, regimen.stop - timedelta(days=1))
        rows = []
        for key in (*RESPONSE_MARKERS, "tmsc"):
            cells = cells_by_key[key]
            baseline = latest_on_or_before(cells, regimen.start)
            per_step: list[ValueCell | None] = []
            for index, step in enumerate(steps):
                # A value on the step's own day is taken as before it (drawn before the dose).
                first = step.date + timedelta(days=1)
                last = treated_until
                if index + 1 < len(steps):
                    last = min(last, steps[index + 1].date)
                per_step.append(latest_within(cells, first, last))
            on_treatment = latest_within(cells, regimen.start + timedelta(days=1), treated_until)
            rows.append(
                ResponseRow(
                    key=key,
                    label=marker_label(key),
                    baseline=baseline,
                    per_step=tuple(per_step),
                    change=change_between(baseline, on_treatment),
                )
            )
        concurrent = sorted(
            {
                other.name
                for other in history.regimens
                if other is not regimen
                and other.med_class in HORMONE_CLASSES
                and other.steps
                and _ranges_overlap(regimen, other)
            }
        )
        tables.append(
            ResponseTable(
                regimen=regimen.name,
                class_label=med_class_label(regimen.med_class),
                start=regimen.start,
                stop=regimen.stop,
                step_labels=tuple(
                    (step.date, step_text(step.dose, step.unit, step.schedule)) for step in steps
                ),
                rows=tuple(rows),
                concurrent=tuple(concurrent),
            )
        )
    return tuple(tables)


def _ranges_overlap(first: Regimen, second: Regimen) -> bool:
    first_end = first.stop or date.max
    second_end = second.stop or date.max
    return first.start < second_end and second.start < first_end
