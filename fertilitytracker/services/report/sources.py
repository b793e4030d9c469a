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
    rule_sources,
)
from fertilitytracker.core.ranges import (
    OVER_SUPPRESSION_SOURCE,
    range_in_force,
)
from fertilitytracker.core.records import (
    History,
    LabResult,
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
        pseudo = LabResult(key, 0.0, 0.0, analyte.canonical_unit)
        target, origin = range_in_force(pseudo, history.targets)
        unit = convert_for_display(key, 1.0, system)[1]
        low = display_bound(key, target.low, system)
        high = display_bound(key, target.high, system)
        if origin == "clinician":
            when = f" set {target.set_on.isoformat()}" if target.set_on else ""
            origin_text = f"clinician{when}"
            source = target.source or "set by the clinician in this journal"
        else:
            origin_text = "default"
            source = target.source
        if analyte.action_high is not None and "action level" not in source:
            source += f"; action level {analyte.action_high:g} {analyte.canonical_unit}"
            source += f" ({analyte.action_source})" if analyte.action_source else ""
        rows.append(RangeUsed(key, analyte.name, low, high, unit, origin_text, source, seen[key]))
    return tuple(rows)


def _catalogue_position(key: str) -> int:
    order = [analyte["key"] for analyte in load_json("analytes.json")["analytes"]]
    return order.index(key) if key in order else len(order)


def references_used(system: UnitSystem) -> tuple[tuple[str, str], ...]:
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


def rules_used(overrides: Mapping[str, int]) -> tuple[RuleUsed, ...]:
    offsets = offsets_with(overrides).as_dict()
    sources = rule_sources()
    data: dict[str, Any] = load_json("monitoring_rules.json")
    used = []
    for rule in data["rules"]:
        names = list(rule["offsets"])
        used.append(
            RuleUsed(
                rule_id=rule["id"],
                source=sources[rule["id"]],
                offsets=tuple((name, offsets[name], name in overrides) for name in names),
            )
        )
    course_names = list(data["course"]["offsets"])
    used.append(
        RuleUsed(
            rule_id="course",
            source=sources["course"],
            offsets=tuple((name, offsets[name], name in overrides) for name in course_names),
        )
    )
    return tuple(used)
