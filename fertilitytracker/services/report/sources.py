"""Ranges, references and monitoring rules the report used, with their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.attribution import (
    SPERMATOGENIC_CYCLE_DAYS,
    SPERMATOGENIC_CYCLE_SOURCE,
    T_LH_CONFOUNDED_SOURCE,
)
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    FREE_T_SOURCE,
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    T_LH_REFERENCE,
    T_LH_REFERENCE_SOURCE,
    TMSC_SOURCE,
)
from fertilitytracker.core.monitoring import (
    offsets_with,
)
from fertilitytracker.core.ranges import (
    OVER_SUPPRESSION_SOURCE,
)
from fertilitytracker.core.reading import clinician_target, range_in_force
from fertilitytracker.core.records import (
    History,
    UnitSystem,
)
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.report.cells import (
    display_bound,
)
from fertilitytracker.services.report.model import (
    RangeUsed,
    RuleUsed,
)
from fertilitytracker.services.report.text import clinician_text
from fertilitytracker.services.views import (
    DrawView,
)


def ranges_used(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[RangeUsed, ...]:
    seen: dict[str, int] = {}
    for view in views:
        if view.kind == "semen":
            continue
        for result in view.results:
            seen.setdefault(result.analyte, 0)
            if result.range_source == "lab":
                seen[result.analyte] += 1
    for key in ("total_testosterone", "free_testosterone", "estradiol", "lh", "fsh"):
        seen.setdefault(key, 0)
    rows = []
    for key in sorted(seen, key=_catalogue_position):
        analyte = get_analyte(key)
        target = range_in_force(key, history.targets)
        origin = target.origin
        unit = convert_for_display(key, 1.0, system)[1]
        low = display_bound(key, target.low, system)
        high = display_bound(key, target.high, system)
        if origin == "clinician":
            set_target = clinician_target(key, history.targets)
            set_on = set_target.set_on if set_target is not None else None
            when = f" set {set_on.isoformat()}" if set_on else ""
            origin_text = f"clinician{when}"
            source = target.source or "set by the clinician in this journal"
        else:
            origin_text = "default"
            source = target.source
        if analyte.action_high is not None and "action level" not in source:
            source += f"; action level {analyte.action_high:g} {analyte.canonical_unit}"
            source += f" ({analyte.action_source})" if analyte.action_source else ""
        rows.append(
            RangeUsed(
                key, analyte.name, low, high, unit, origin_text, clinician_text(source), seen[key]
            )
        )
    return tuple(rows)


def _catalogue_position(key: str) -> int:
    order = [analyte["key"] for analyte in load_json("analytes.json")["analytes"]]
    return order.index(key) if key in order else len(order)


def references_used(system: UnitSystem) -> tuple[tuple[str, str], ...]:
    """Each derived value and reference line, with its source in print form."""
    return tuple((what, clinician_text(source)) for what, source in _references(system))


def _references(system: UnitSystem) -> tuple[tuple[str, str], ...]:
    t_e = (
        (f"T/E ratio reference {T_E_THRESHOLD_SI:g} (nmol/L ÷ pmol/L)", T_E_THRESHOLD_SI_SOURCE)
        if system == "si"
        else (f"T/E ratio reference {T_E_THRESHOLD_US:g} (ng/dL ÷ pg/mL)", T_E_THRESHOLD_US_SOURCE)
    )
    return (
        t_e,
        (f"T/LH ratio reference {T_LH_REFERENCE:g} (ng/dL ÷ IU/L)", T_LH_REFERENCE_SOURCE),
        ("T/LH ratio left out on testosterone or hCG", T_LH_CONFOUNDED_SOURCE),
        (
            f"Semen put down to a treatment only {SPERMATOGENIC_CYCLE_DAYS} days or more after "
            "its start or change",
            SPERMATOGENIC_CYCLE_SOURCE,
        ),
        ("Free testosterone, " + FREE_T_LABEL, FREE_T_SOURCE),
        ("TMSC = volume × concentration × total motility / 100", TMSC_SOURCE),
        ("Estradiol over-suppression", OVER_SUPPRESSION_SOURCE),
    )


def _rule_text(rule_id: str, o: Mapping[str, int]) -> str:
    """The rule in a clinician's words, with the offsets in force."""
    texts = {
        "hormone_panel_after_change": (
            "Testosterone and estradiol {hormone_after_change_opens_days}–"
            "{hormone_after_change_due_days} days after any start, dose or schedule change or "
            "stop of a hormone medication; a newer change replaces a window not yet met."
        ),
        "hormone_panel_on_therapy": (
            "While a hormone medication is taken and no change is pending: testosterone and "
            "estradiol every {hormone_on_therapy_interval_days} days after the last panel "
            "(reminded {hormone_on_therapy_opens_before_due_days} days before)."
        ),
        "semen_analysis": (
            "While a fertility medication is taken: {semen_opens_days}–{semen_due_days} days "
            "after the start of the course or after the latest analysis in it."
        ),
        "lipid_panel": (
            "On an aromatase inhibitor: a baseline within {lipid_baseline_due_days} days of the "
            "start of the course when no cholesterol was measured in the "
            "{lipid_baseline_lookback_days} days before it; then every "
            "{lipid_yearly_interval_days} days (reminded {lipid_yearly_opens_before_due_days} "
            "days before)."
        ),
        "dexa": (
            "On an aromatase inhibitor: when a scan was done within {dexa_prior_scan_window_days} "
            "days before the first start, the next {dexa_repeat_opens_days}–"
            "{dexa_repeat_due_days} days after the latest; otherwise once the inhibitor has been "
            "taken on {dexa_exposure_days} days in all, due "
            "{dexa_exposure_due_after_opens_days} days later."
        ),
        "course": (
            "A course of treatment begins with a start after {course_gap_days} days or more "
            "without any medication of the group; a shorter pause continues the course."
        ),
    }
    return texts[rule_id].format(**o)


_RULE_NAMES = {
    "hormone_panel_after_change": "Hormone panel after a change",
    "hormone_panel_on_therapy": "Hormone panel on therapy",
    "semen_analysis": "Semen analysis",
    "lipid_panel": "Lipid panel",
    "dexa": "Bone density scan (DEXA)",
    "course": "Course of treatment",
}


def rules_used(overrides: Mapping[str, int]) -> tuple[RuleUsed, ...]:
    """Each monitoring rule in words, with its offsets in force (those set for this journal)."""
    offsets = offsets_with(overrides).as_dict()
    data: dict[str, Any] = load_json("monitoring_rules.json")
    used = []
    for rule_id, names in [
        *((rule["id"], list(rule["offsets"])) for rule in data["rules"]),
        ("course", list(data["course"]["offsets"])),
    ]:
        used.append(
            RuleUsed(
                rule_id=_RULE_NAMES[rule_id],
                source=_rule_text(rule_id, offsets),
                offsets=tuple((name, offsets[name], name in overrides) for name in names),
            )
        )
    return tuple(used)
