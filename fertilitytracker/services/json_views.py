"""The JSON documents of docs/cli.md (`labs`, `med list` and `doses --json`), from the views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from fertilitytracker.core.draw_context import DrawContext
from fertilitytracker.core.records import DoseEvent, History, Regimen
from fertilitytracker.services.views import DrawView, ratio_shown, round_shown

# A document repeats a few dozen ranges over thousands of results: each bound is rounded once.
_round_bound = lru_cache(maxsize=1024)(round_shown)


def draw_view_json(view: DrawView) -> dict[str, object]:
    """The `labs --json` shape of docs/cli.md for one draw."""
    document: dict[str, object] = {
        "date": view.date.isoformat(),
        "kind": view.kind,
        "results": [
            {
                "analyte": result.analyte,
                "value": round_shown(result.value),
                "unit": result.unit,
                "entered_value": result.entered_value,
                "entered_unit": result.entered_unit,
                "comparator": result.comparator,
                "flag": result.flag,
                "target_low": _round_bound(result.target_low),
                "target_high": _round_bound(result.target_high),
                "range_source": result.range_source,
                **(
                    {"over_suppression": result.estradiol_state}
                    if result.analyte == "estradiol"
                    else {}
                ),
            }
            for result in view.results
        ],
        "derived": _derived_json(view),
    }
    if view.context is not None:
        document["context"] = context_json(view.context)
    return document


def context_json(context: DrawContext) -> dict[str, object]:
    """A blood draw's `context` in `labs --json` (docs/cli.md; docs/clinical.md §8)."""
    return {
        "time": context.time.strftime("%H:%M") if context.time else None,
        "fasting": context.fasting,
        "hours_since_last_dose": {
            since.medication: None if since.hours is None else round(since.hours, 1)
            for since in context.since_doses
        },
        "notes": [
            {"note": note.key, "text": note.text, "source": note.source} for note in context.notes
        ],
    }


def _derived_json(view: DrawView) -> dict[str, float | None]:
    if view.kind == "labs":
        keys = ("t_e_ratio", "t_lh_ratio", "free_testosterone_calculated")
    elif view.kind == "semen":
        keys = ("total_sperm_count", "tmsc", "tmsc_progressive")
    else:
        return {}
    shown = {
        key: round_shown(view.derived[key].value) if key in view.derived else None for key in keys
    }
    if view.kind == "labs":
        # docs/clinical.md §3: JSON always carries the canonical (US) ratio, never rounded
        # across its threshold.
        ratio = view.t_e_canonical
        shown["t_e_ratio"] = None if ratio is None else ratio_shown(ratio)
    return shown


def regimen_json(regimen: Regimen) -> dict[str, object]:
    """The `med list --json` shape of docs/cli.md."""
    current = regimen.current
    return {
        "name": regimen.name,
        "class": regimen.med_class,
        "dose": current.dose,
        "unit": current.unit,
        "schedule": current.schedule,
        "start": regimen.start.isoformat(),
        "stop": regimen.stop.isoformat() if regimen.stop else None,
        "time": regimen.time_of_day.strftime("%H:%M") if regimen.time_of_day else None,
        "changes": [
            {
                "date": step.date.isoformat(),
                "dose": step.dose,
                "unit": step.unit,
                "schedule": step.schedule,
            }
            for step in regimen.steps[1:]
        ],
    }


def doses_json(
    history: History, today: date, start: date | None = None, end: date | None = None
) -> dict[str, object]:
    """The `doses --json` shape of docs/cli.md: adherence per regimen and the logged doses."""
    # Here, not at the top: `labs --json` imports this module and needs no adherence.
    from fertilitytracker.core.adherence import adherence_for

    names = {regimen.id: regimen.name for regimen in history.regimens}
    regimens = []
    for regimen in history.regimens:
        own = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        summary = adherence_for(regimen, own, today, start=start, end=end)
        regimens.append(
            {
                "name": regimen.name,
                "expected": summary.expected,
                "taken": summary.taken,
                "skipped": summary.skipped,
                "missed": summary.missed,
                "adherence": round_shown(summary.adherence),
            }
        )
    return {
        "regimens": regimens,
        "doses": [
            {
                "name": names.get(dose.regimen_id, "?"),
                "at": dose.at.isoformat(timespec="minutes"),
                "dose": dose.dose,
                "unit": dose.unit,
                "status": dose.status,
            }
            for dose in _within(history.doses, start, end)
        ],
    }


def _within(doses: Sequence[DoseEvent], start: date | None, end: date | None) -> list[DoseEvent]:
    def keep(at: datetime) -> bool:
        return (start is None or at.date() >= start) and (end is None or at.date() <= end)

    return [dose for dose in doses if keep(dose.at)]
