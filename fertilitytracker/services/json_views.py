"""The JSON documents of docs/cli.md (`labs`, `med list` and `doses --json`), from the views."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from fertilitytracker.core.draw_context import DrawContext
from fertilitytracker.core.records import DoseEvent, History, Regimen
from fertilitytracker.services.views import DrawView, ResultView, ratio_shown, round_shown

# A document repeats a few dozen ranges over thousands of results: each bound is rounded once
# (typed: 1 and 1.0 are written apart; a zero, either sign, is its own rounding).
_round_nonzero_bound = lru_cache(maxsize=1024, typed=True)(round_shown)


def _round_bound(bound: float | None) -> float | None:
    return _round_nonzero_bound(bound) if bound else bound


def draw_view_json(view: DrawView) -> dict[str, object]:
    """The `labs --json` shape of docs/cli.md for one draw."""
    results = [
        _result_json(result, round_shown(result.value), result.entered_value)
        for result in view.results
    ]
    return _draw_json(view, results)


def _draw_json(view: DrawView, results: object) -> dict[str, object]:
    document: dict[str, object] = {
        "date": view.date.isoformat(),
        "kind": view.kind,
        "results": results,
        "derived": _derived_json(view),
    }
    if view.context is not None:
        document["context"] = context_json(view.context)
    return document


def _result_json(result: ResultView, value: object, entered_value: object) -> dict[str, object]:
    """A result in `labs --json`, with its two numbers of its own given (see labs_json_text)."""
    document: dict[str, object] = {
        "analyte": result.analyte,
        "value": value,
        "unit": result.unit,
        "entered_value": entered_value,
        "entered_unit": result.entered_unit,
        "comparator": result.comparator,
        "flag": result.flag,
        "target_low": _round_bound(result.target_low),
        "target_high": _round_bound(result.target_high),
        "range_source": result.range_source,
    }
    if result.analyte == "estradiol":
        document["over_suppression"] = result.estradiol_state
    return document


# What stands for a result's value and entered value in the text of its shape, and for a
# draw's results in the text around them: found by key and mark, whatever the fields hold.
_MARK = "\x00slot"
_INFINITY = math.inf
_VALUE_SLOT, _ENTERED_SLOT, _RESULTS_SLOT = (
    f"{json.dumps(key)}: {json.dumps(_MARK)}" for key in ("value", "entered_value", "results")
)


def labs_json_text(views: Sequence[DrawView]) -> str:
    """The text of `json.dumps([draw_view_json(view) for view in views], ensure_ascii=False,
    allow_nan=False)`, byte for byte, written faster for years of draws.

    Thousands of results share a few dozen shapes (analyte, units, flag, range, comparator):
    each shape is written once by `json` itself, with slots for the value and the entered
    value, the only numbers of a result's own; the draws around them are written by `json`
    in one call.
    """
    shapes: dict[tuple[object, ...], str] = {}
    draws: list[dict[str, object]] = []
    results: list[str] = []
    for view in views:
        texts = []
        for result in view.results:
            low, high = result.target_low, result.target_high
            shape: tuple[object, ...] = (
                result.analyte,
                result.unit,
                result.entered_unit,
                result.comparator,
                result.flag,
                low,
                high,
                type(low),  # 1 and 1.0 are one key but two texts
                type(high),
                result.range_source,
                result.estradiol_state,
            )
            if low == 0 or high == 0:
                shape += (repr(low), repr(high))  # and so are 0.0 and -0.0
            text = shapes.get(shape)
            if text is None:
                text = shapes[shape] = _result_shape(result)
            value = round_shown(result.value)
            entered = result.entered_value
            # As json refuses them (allow_nan=False): NaN compares false, infinities fail.
            if not (-_INFINITY < value < _INFINITY and -_INFINITY < entered < _INFINITY):
                raise ValueError("Out of range float values are not JSON compliant")
            texts.append(text % (repr(value), repr(entered)))
        results.append("[" + ", ".join(texts) + "]")
        draws.append(_draw_json(view, _MARK))
    parts = json.dumps(draws, ensure_ascii=False, allow_nan=False).split(_RESULTS_SLOT)
    written = [parts[0]]
    for text, rest in zip(results, parts[1:], strict=True):
        written += ['"results": ', text, rest]
    return "".join(written)


def _result_shape(result: ResultView) -> str:
    text = json.dumps(_result_json(result, _MARK, _MARK), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("%", "%%")
        .replace(_VALUE_SLOT, '"value": %s', 1)
        .replace(_ENTERED_SLOT, '"entered_value": %s', 1)
    )


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
