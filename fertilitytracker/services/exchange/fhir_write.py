"""FHIR out: the journal as an R4 Bundle (docs/clinical.md §7).

Export: a Bundle of type collection with a Patient (no identifying data), one Observation per
result (LOINC, value as entered with its UCUM code, the lab's range in the canonical unit,
interpretation H/L/N against the range in force), derived values as Observations with
`derivedFrom` (coded in the app's own system, so they are never re-imported as measurements),
a MedicationStatement per regimen (one dosage per step) and a MedicationAdministration per
logged dose (`completed`, or `not-done` when skipped). Semen abstinence days, DEXA BMD,
symptoms and targets have no code in docs/clinical.md: they travel in the CSV and JSON formats only.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import derive_draw, semen_derived
from fertilitytracker.core.records import DoseEvent, LabDraw, LabResult, Regimen, SemenAnalysis
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import parse_unit
from fertilitytracker.services.exchange.fhir import ANALYTE_SYSTEM, DERIVED_SYSTEM, LOINC_SYSTEM
from fertilitytracker.services.exchange.files import private_output
from fertilitytracker.services.exchange.plan import JournalSnapshot
from fertilitytracker.services.views import SEMEN_FIELDS, result_view

UCUM_SYSTEM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_ID_NAMESPACE = uuid.UUID("5b0c7d2e-2f53-4c5e-9a57-7c1a3f1f7e11")
# Dose units of core.medications in UCUM (docs/clinical.md §7: mg, [IU], ug).
DOSE_UCUM = {"mg": "mg", "IU": "[IU]", "mcg": "ug", "mL": "mL"}
# Which results each derived value is computed from (docs/clinical.md §3).
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "t_e_ratio": ("total_testosterone", "estradiol"),
    "t_lh_ratio": ("total_testosterone", "lh"),
    "free_testosterone_calculated": ("total_testosterone", "shbg", "albumin"),
    "total_sperm_count": ("semen_volume", "sperm_concentration"),
    "tmsc": ("semen_volume", "sperm_concentration", "total_motility"),
    "tmsc_progressive": ("semen_volume", "sperm_concentration", "progressive_motility"),
}
_DERIVED_UCUM = {"pg/mL": "pg/mL", "10^6": "10*6"}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _full_url(resource_type: str, resource_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{resource_type}/{resource_id}')}"


def _fhir_id(text: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) made from readable parts."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", text)[:64]


def _moment(day: date, at: time | None) -> str:
    """A FHIR dateTime: the date alone, or the local wall-clock time with its UTC offset."""
    if at is None:
        return day.isoformat()
    return datetime.combine(day, at).astimezone().isoformat(timespec="seconds")


def _quantity_json(value: float, unit_text: str, ucum: str | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value, "unit": unit_text}
    if ucum:
        quantity.update(system=UCUM_SYSTEM, code=ucum)
    return quantity


def _concept(system: str, code: str | None, display: str) -> dict[str, Any]:
    """A CodeableConcept of one coding, its text the coding's display."""
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _laboratory() -> list[dict[str, Any]]:
    return [
        {"coding": [{"system": CATEGORY_SYSTEM, "code": "laboratory", "display": "Laboratory"}]}
    ]


class _BundleBuilder:
    """Collects the entries of the export Bundle."""

    def __init__(self, snapshot: JournalSnapshot) -> None:
        self.snapshot = snapshot
        self.entries: list[dict[str, Any]] = []
        self.patient_url = self.add({"resourceType": "Patient", "id": "self"})

    def add(self, resource: dict[str, Any]) -> str:
        url = _full_url(resource["resourceType"], resource["id"])
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    def observation(
        self,
        resource_id: str,
        day: date,
        at: time | None,
        code: dict[str, Any],
        quantity: dict[str, Any],
        **extra: Any,
    ) -> str:
        resource = {
            "resourceType": "Observation",
            "id": _fhir_id(resource_id),
            "status": "final",
            "category": _laboratory(),
            "code": code,
            "subject": {"reference": self.patient_url},
            "effectiveDateTime": _moment(day, at),
            "valueQuantity": quantity,
            **extra,
        }
        return self.add(resource)

    def derived(
        self,
        base_id: str,
        day: date,
        at: time | None,
        values: dict[str, Any],
        inputs: dict[str, str],
    ) -> None:
        for key, derived in values.items():
            if derived.value is None or key not in DERIVED_INPUTS:
                continue
            sources = [inputs[name] for name in DERIVED_INPUTS[key] if name in inputs]
            code = _concept(DERIVED_SYSTEM, key, derived.label)
            extra: dict[str, Any] = {"derivedFrom": [{"reference": url} for url in sources]}
            notes = [text for text in (derived.note, derived.source) if text]
            if notes:
                extra["note"] = [{"text": text} for text in notes]
            quantity = _quantity_json(derived.value, derived.unit, _DERIVED_UCUM.get(derived.unit))
            self.observation(f"{base_id}-{key}", day, at, code, quantity, **extra)

    def draw(self, draw: LabDraw) -> None:
        inputs: dict[str, str] = {}
        for result in draw.results:
            inputs[result.analyte] = self.result(draw, result)
        self.derived(
            f"lab-{draw.date.isoformat()}", draw.date, draw.time, derive_draw(draw), inputs
        )

    def result(self, draw: LabDraw, result: LabResult) -> str:
        analyte = get_analyte(result.analyte)
        unit = parse_unit(analyte.key, result.entered_unit)
        loinc = analyte.preferred_loinc
        if "mol" in unit.text and analyte.loinc_si:
            loinc = analyte.loinc_si  # the molar LOINC code for a value reported in SI
        quantity = _quantity_json(result.entered_value, result.entered_unit, unit.ucum)
        if result.comparator:
            quantity["comparator"] = result.comparator
        extra: dict[str, Any] = {}
        if result.lab_low is not None or result.lab_high is not None:
            reference: dict[str, Any] = {}
            for side, bound in (("low", result.lab_low), ("high", result.lab_high)):
                if bound is not None:
                    reference[side] = _quantity_json(
                        bound, analyte.canonical_unit, analyte.canonical_ucum
                    )
            extra["referenceRange"] = [reference]
        flag = result_view(result, draw.date, self.snapshot.history, "us").flag
        interpretation = {
            "low": ("L", "Low"),
            "high": ("H", "High"),
            "indeterminate": ("IND", "Indeterminate"),
        }.get(flag, ("N", "Normal"))
        extra["interpretation"] = [
            {
                "coding": [
                    {
                        "system": INTERPRETATION_SYSTEM,
                        "code": interpretation[0],
                        "display": interpretation[1],
                    }
                ]
            }
        ]
        if result.method:
            extra["method"] = {"text": result.method}
        return self.observation(
            f"lab-{draw.date.isoformat()}-{analyte.key}",
            draw.date,
            draw.time,
            _concept(LOINC_SYSTEM, loinc, analyte.name),
            quantity,
            **extra,
        )

    def semen(self, index: int, analysis: SemenAnalysis) -> None:
        inputs: dict[str, str] = {}
        for key, attribute in SEMEN_FIELDS:
            value = getattr(analysis, attribute)
            if value is None:
                continue
            analyte = get_analyte(key)
            inputs[key] = self.observation(
                f"semen-{index}-{key}",
                analysis.date,
                None,
                _concept(LOINC_SYSTEM, analyte.preferred_loinc, analyte.name),
                _quantity_json(value, analyte.canonical_unit, analyte.canonical_ucum),
            )
        self.derived(
            f"semen-{index}", analysis.date, None, semen_derived(analysis).as_dict(), inputs
        )

    def dexa(self, index: int, day: date, t_score: float, site: str | None) -> None:
        analyte = get_analyte("dexa_t_score")
        site_codes = dict(analyte.site_loinc)
        if site in site_codes:
            code = _concept(LOINC_SYSTEM, site_codes[site], analyte.name)
        else:
            code = _concept(ANALYTE_SYSTEM, analyte.key, analyte.name)
        self.observation(
            f"dexa-{index}",
            day,
            None,
            code,
            _quantity_json(t_score, analyte.canonical_unit, analyte.canonical_ucum),
        )

    def regimen(self, index: int, regimen: Regimen) -> str:
        dosages = []
        for number, step in enumerate(regimen.steps, start=1):
            following = regimen.steps[number] if number < len(regimen.steps) else None
            end = following.date - timedelta(days=1) if following else _last_day(regimen)
            dosage: dict[str, Any] = {
                "sequence": number,
                "text": f"{step.dose:g} {step.unit} {step.schedule} from {step.date.isoformat()}",
                "doseAndRate": [
                    {"doseQuantity": _quantity_json(step.dose, step.unit, DOSE_UCUM.get(step.unit))}
                ],
            }
            timing = _timing(step.schedule, regimen.time_of_day)
            bounds = {"start": step.date.isoformat()}
            if end is not None:
                bounds["end"] = max(end, step.date).isoformat()
            if timing is None:
                dosage["asNeededBoolean"] = True
                dosage["timing"] = {"repeat": {"boundsPeriod": bounds}}
            else:
                timing["boundsPeriod"] = bounds
                dosage["timing"] = {"repeat": timing}
            dosages.append(dosage)
        period = {"start": regimen.start.isoformat()}
        last = _last_day(regimen)
        if last is not None:
            period["end"] = max(last, regimen.start).isoformat()
        return self.add(
            {
                "resourceType": "MedicationStatement",
                "id": f"regimen-{index}",
                "status": "active" if regimen.stop is None else "completed",
                "medicationCodeableConcept": {"text": regimen.name},
                "subject": {"reference": self.patient_url},
                "effectivePeriod": period,
                "dosage": dosages,
            }
        )

    def dose(self, index: int, dose: DoseEvent, name: str, statement_url: str) -> None:
        resource: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "id": f"dose-{index}",
            "status": "completed" if dose.status == "taken" else "not-done",
            "medicationCodeableConcept": {"text": name},
            "subject": {"reference": self.patient_url},
            "effectiveDateTime": _moment(dose.at.date(), dose.at.time()),
            "supportingInformation": [{"reference": statement_url}],
        }
        if dose.status == "skipped":
            resource["statusReason"] = [{"text": "skipped"}]
        if dose.dose is not None and dose.unit is not None:
            resource["dosage"] = {
                "dose": _quantity_json(dose.dose, dose.unit, DOSE_UCUM.get(dose.unit))
            }
        self.add(resource)


def _last_day(regimen: Regimen) -> date | None:
    """The last day a regimen was taken (its stop date is the first day it no longer was)."""
    return None if regimen.stop is None else regimen.stop - timedelta(days=1)


def _timing(schedule_text: str, time_of_day: time | None) -> dict[str, Any] | None:
    """Timing.repeat of a schedule; None for "as needed"."""
    schedule = parse_schedule(schedule_text)
    if schedule.kind == "as_needed":
        return None
    repeat: dict[str, Any] = {
        "frequency": schedule.times_per_day,
        "period": schedule.every_days if schedule.kind == "every_n_days" else 1,
        "periodUnit": "d",
    }
    if schedule.kind == "weekdays":
        repeat["dayOfWeek"] = [_WEEKDAYS[day] for day in sorted(schedule.weekdays)]
    if time_of_day is not None and schedule.times_per_day == 1:
        repeat["timeOfDay"] = [time_of_day.strftime("%H:%M:%S")]
    return repeat


def build_bundle(snapshot: JournalSnapshot) -> dict[str, Any]:
    """The journal as an R4 Bundle of type collection."""
    history = snapshot.history
    builder = _BundleBuilder(snapshot)
    for draw in history.draws:
        builder.draw(draw)
    for index, analysis in enumerate(history.semen, start=1):
        builder.semen(index, analysis)
    for index, scan in enumerate(history.dexa, start=1):
        builder.dexa(index, scan.date, scan.t_score, scan.site)
    statements: dict[Any, tuple[str, str]] = {}
    for index, regimen in enumerate(history.regimens, start=1):
        statements[regimen.id] = (builder.regimen(index, regimen), regimen.name)
    for index, dose in enumerate(history.doses, start=1):
        url, name = statements[dose.regimen_id]
        builder.dose(index, dose, name, url)
    return {"resourceType": "Bundle", "type": "collection", "entry": builder.entries}


def write_fhir(snapshot: JournalSnapshot, target: Path) -> int:
    """Write the R4 Bundle to `target` (created 0600); returns the number of resources."""
    bundle = build_bundle(snapshot)
    with private_output(target) as handle:
        json.dump(bundle, handle, ensure_ascii=False, indent=1, allow_nan=False)
        handle.write("\n")
    return len(bundle["entry"])
