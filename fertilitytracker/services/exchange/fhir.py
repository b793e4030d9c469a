"""FHIR: lab Observations in (R4, and STU3 where the fields agree); the journal out as an R4 Bundle.

Import (docs/clinical.md §7): a Bundle of type collection, searchset or transaction, or a single
Observation. An Observation is matched on any LOINC coding of the analyte catalogue; the unit
comes from the UCUM code (the printed `unit` is kept as entered when it names the same unit);
the comparator is kept; statuses final, amended and corrected are imported, preliminary and
unknown are imported and marked (a later version of the same Observation replaces them),
entered-in-error, cancelled and registered are skipped. Vital signs, surveys, codes outside the
catalogue and other resource types are skipped and counted, never guessed. A 0–0 reference
range means "no range" and is ignored. Semen parameters of one date become one semen analysis;
DEXA T-scores become scans (site from the LOINC code).

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

from fertilitytracker.core.analytes import Analyte, Unit, analyte_for_loinc, get_analyte
from fertilitytracker.core.derived import derive_draw, semen_derived
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import DoseEvent, LabDraw, LabResult, Regimen, SemenAnalysis
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import parse_unit, to_canonical
from fertilitytracker.services.exchange.builders import dexa_item, lab_item, located, semen_item
from fertilitytracker.services.exchange.files import private_output
from fertilitytracker.services.exchange.plan import JournalSnapshot, ParsedImport, Skipped
from fertilitytracker.services.views import SEMEN_FIELDS, result_view

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
STU3_CATEGORY_SYSTEM = "http://hl7.org/fhir/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
# The app's own code systems: analytes without a LOINC code here (a DEXA of unknown site) and
# derived values, which the app recomputes and never imports as measurements.
ANALYTE_SYSTEM = "urn:fertilitytracker:analyte"
DERIVED_SYSTEM = "urn:fertilitytracker:derived"
_ID_NAMESPACE = uuid.UUID("5b0c7d2e-2f53-4c5e-9a57-7c1a3f1f7e11")

BUNDLE_TYPES = ("collection", "searchset", "transaction")
IMPORTED_STATUSES = ("final", "amended", "corrected", "preliminary", "unknown")
MARKED_STATUSES = ("preliminary", "unknown")
COMPARATORS = ("<", "<=", ">", ">=")
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
_FHIR_MOMENT = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


# --- import ----------------------------------------------------------------------------------


def is_fhir(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("resourceType"), str)


class _Reader:
    """Turns the entries of one FHIR document into items and skipped entries."""

    def __init__(self) -> None:
        self.parsed = ParsedImport("fhir")
        self.semen: dict[date, dict[str, tuple[str, float]]] = {}
        self.marked: dict[str, int] = {}
        self.empty_ranges = 0
        self.stu3 = False

    def skip(self, where: str, what: str, reason: str) -> None:
        self.parsed.skipped.append(Skipped(where, what, reason))

    def entry(self, resource: Any, where: str, full_url: str | None) -> None:
        if not isinstance(resource, dict):
            raise InputError(where, "the resource is not a JSON object")
        kind = resource.get("resourceType")
        if kind != "Observation":
            self.skip(where, str(kind), f"{kind} is not a lab result (only Observations are read)")
            return
        self.observation(resource, where, full_url)

    def observation(self, resource: dict[str, Any], where: str, full_url: str | None) -> None:
        code = resource.get("code")
        if not isinstance(code, dict):
            if "name" in resource or "appliesDateTime" in resource:
                self.skip(where, "Observation", "unsupported FHIR version (DSTU1 field names)")
                return
            raise InputError(where, "code: the Observation has no code")
        text = _code_text(code)
        status = resource.get("status")
        if not isinstance(status, str):
            raise InputError(where, "status: the Observation has no status")
        if status not in IMPORTED_STATUSES:
            self.skip(where, text, f"status {status}: not imported")
            return
        categories = _category_codes(resource)
        if "vital-signs" in categories:
            self.skip(where, text, "vital sign (not a lab result)")
            return
        if "survey" in categories:
            self.skip(where, text, "survey (not a lab result)")
            return
        codings = _codings(code, where)
        if any(coding.get("system") == DERIVED_SYSTEM for coding in codings):
            self.skip(where, text, "a derived value (the app computes it from the results)")
            return
        analyte, site = _match_analyte(codings)
        if analyte is None:
            loinc = [c for c in codings if c.get("system") == LOINC_SYSTEM]
            reason = "no LOINC code of the analyte catalogue"
            if loinc:
                display = loinc[0].get("display")
                named = f" ({display})" if isinstance(display, str) and display else ""
                reason = f"LOINC {loinc[0].get('code')}{named} is not in the analyte catalogue"
            self.skip(where, text, reason)
            return
        if analyte.derived:
            self.skip(where, text, f"{analyte.phrase} is computed by the app, not imported")
            return
        quantity = resource.get("valueQuantity")
        if quantity is None:
            absent = "dataAbsentReason" in resource
            other = [key for key in resource if key.startswith("value")]
            reason = "no value (data absent)" if absent else "no numeric value"
            if other:
                reason = f"no numeric value ({other[0]})"
            self.skip(where, text, reason)
            return
        moment = _effective(resource, where)
        if moment is None:
            self.skip(where, text, "no full collection date (effectiveDateTime)")
            return
        day, draw_time = moment
        value, comparator, unit, entered_unit = _quantity(quantity, analyte, where)
        if analyte.key == "dexa_t_score":
            if comparator:
                self.skip(where, text, "a T-score with a comparator is not imported")
                return
            self.parsed.items.append(dexa_item(where, day, value, site))
            return
        if analyte.is_semen:
            self.semen_value(where, text, day, analyte, value, comparator, unit)
            return
        low, high = self.reference_range(resource, analyte, unit, where)
        method = resource.get("method")
        method_text = _code_text(method) if isinstance(method, dict) else None
        resource_id = resource.get("id")
        source_id = f"Observation/{resource_id}" if isinstance(resource_id, str) else full_url
        if status in MARKED_STATUSES:
            self.marked[status] = self.marked.get(status, 0) + 1
        self.parsed.items.append(
            lab_item(
                where,
                day,
                analyte.key,
                value,
                entered_unit,
                comparator=comparator,
                lab_low=low,
                lab_high=high,
                method=method_text,
                draw_time=draw_time,
                source_id=source_id,
                status=status,
            )
        )

    def semen_value(
        self,
        where: str,
        text: str,
        day: date,
        analyte: Analyte,
        value: float,
        comparator: str | None,
        unit: Unit,
    ) -> None:
        if comparator:
            self.skip(where, text, f"{analyte.phrase} with a comparator is not imported")
            return
        with located(where):
            canonical = to_canonical(analyte.key, value, unit.text)
        group = self.semen.setdefault(day, {})
        if analyte.key in group:
            earlier, earlier_value = group[analyte.key]
            reason = (
                f"same as {earlier}" if earlier_value == canonical else f"conflicts with {earlier}"
            )
            self.skip(where, text, reason)
            return
        group[analyte.key] = (where, canonical)

    def reference_range(
        self, resource: dict[str, Any], analyte: Analyte, unit: Unit, where: str
    ) -> tuple[float | None, float | None]:
        """The lab's range in the canonical unit; a 0–0 range is ignored."""
        ranges = resource.get("referenceRange")
        if not isinstance(ranges, list) or not ranges or not isinstance(ranges[0], dict):
            return None, None
        bounds: list[float | None] = []
        for side in ("low", "high"):
            quantity = ranges[0].get(side)
            if not isinstance(quantity, dict) or not _is_number(quantity.get("value")):
                bounds.append(None)
                continue
            bound_unit = unit
            code = quantity.get("code") or quantity.get("unit")
            if isinstance(code, str) and code.strip():
                try:
                    bound_unit = parse_unit(analyte.key, code)
                except InputError:
                    self.parsed.notices.append(
                        f"{where}: reference range in '{code}' ignored (not a unit of "
                        f"{analyte.phrase})"
                    )
                    return None, None
            bounds.append(to_canonical(analyte.key, float(quantity["value"]), bound_unit.text))
        low, high = bounds
        if low == 0 and high == 0:
            self.empty_ranges += 1
            return None, None
        if low is not None and high is not None and low > high:
            self.parsed.notices.append(f"{where}: reference range with low above high ignored")
            return None, None
        return low, high

    def finish(self) -> ParsedImport:
        for day, group in sorted(self.semen.items()):
            wheres = [where for where, _ in group.values()]
            where = (
                wheres[0]
                if len(wheres) == 1
                else "entries " + ", ".join(w.removeprefix("entry ") for w in wheres)
            )
            values = {key: value for key, (_, value) in group.items()}
            if "semen_volume" not in values or "sperm_concentration" not in values:
                self.skip(where, f"{day} semen analysis", "needs both volume and concentration")
                continue
            self.parsed.items.append(
                semen_item(
                    where,
                    day,
                    values["semen_volume"],
                    values["sperm_concentration"],
                    values.get("total_motility"),
                    values.get("progressive_motility"),
                    values.get("normal_morphology"),
                )
            )
        for status, count in sorted(self.marked.items()):
            self.parsed.notices.append(
                f"{count} result(s) with status '{status}' imported and marked as such; a later"
                " version of the same Observation replaces them"
            )
        if self.empty_ranges:
            self.parsed.notices.append(
                f"{self.empty_ranges} meaningless 0–0 reference range(s) ignored"
            )
        if self.stu3:
            self.parsed.notices.append("read as FHIR STU3 where its fields agree with R4")
        return self.parsed


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _code_text(concept: dict[str, Any]) -> str:
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict):
            shown = coding.get("display") or coding.get("code")
            if isinstance(shown, str):
                return shown
    return "Observation"


def _codings(code: dict[str, Any], where: str) -> list[dict[str, Any]]:
    codings = code.get("coding") or []
    if not isinstance(codings, list) or not all(isinstance(c, dict) for c in codings):
        raise InputError(where, "code.coding must be a list of codings")
    return codings


def _category_codes(resource: dict[str, Any]) -> set[str]:
    codes: set[str] = set()
    categories = resource.get("category") or []
    if isinstance(categories, dict):  # DSTU2 allowed a single category
        categories = [categories]
    for category in categories if isinstance(categories, list) else []:
        if not isinstance(category, dict):
            continue
        for coding in category.get("coding") or []:
            if isinstance(coding, dict) and isinstance(coding.get("code"), str):
                codes.add(coding["code"])
    return codes


def _match_analyte(codings: list[dict[str, Any]]) -> tuple[Analyte | None, str | None]:
    """The analyte of the first catalogue LOINC coding (and the DEXA site it implies)."""
    for coding in codings:
        code = coding.get("code")
        if coding.get("system") == LOINC_SYSTEM and isinstance(code, str):
            analyte = analyte_for_loinc(code)
            if analyte is not None:
                site = dict((loinc, site) for site, loinc in analyte.site_loinc).get(code.strip())
                return analyte, site
    for coding in codings:
        code = coding.get("code")
        if coding.get("system") == ANALYTE_SYSTEM and isinstance(code, str):
            try:
                return get_analyte(code), None
            except InputError:
                continue
    return None, None


def _effective(resource: dict[str, Any], where: str) -> tuple[date, time | None] | None:
    """The collection date and wall-clock time as written (no time-zone shift), or None."""
    raw = resource.get("effectiveDateTime")
    if raw is None and isinstance(resource.get("effectivePeriod"), dict):
        raw = resource["effectivePeriod"].get("start")
    if raw is None:
        raw = resource.get("effectiveInstant")
    if raw is None:
        return None
    match = _FHIR_MOMENT.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise InputError(where, f"effectiveDateTime: '{raw}' is not a FHIR dateTime")
    year, month, day, hour, minute = match.groups()
    if day is None:
        return None  # a year or a month only cannot be placed on a draw date
    with located(where):
        try:
            moment_day = date(int(year), int(month), int(day))
            moment_time = time(int(hour), int(minute)) if hour is not None else None
        except ValueError as error:
            raise InputError("effectiveDateTime", f"'{raw}' is not a date ({error})") from None
    return moment_day, moment_time


def _quantity(quantity: Any, analyte: Analyte, where: str) -> tuple[float, str | None, Unit, str]:
    """(value, comparator, unit, unit as printed) of a valueQuantity."""
    if not isinstance(quantity, dict):
        raise InputError(where, "valueQuantity must be an object")
    value = quantity.get("value")
    if not _is_number(value):
        raise InputError(where, f"valueQuantity.value: {value!r} is not a number")
    comparator = quantity.get("comparator")
    if comparator is not None and comparator not in COMPARATORS:
        raise InputError(where, f"valueQuantity.comparator: '{comparator}' is not supported")
    code, printed = quantity.get("code"), quantity.get("unit")
    code = code.strip() if isinstance(code, str) else ""
    printed = printed.strip() if isinstance(printed, str) else ""
    with located(where):
        # The UCUM code names the unit; the printed text is what a person reads.
        try:
            unit = parse_unit(analyte.key, code or printed)
        except InputError:
            if not (code and printed):
                raise
            unit = parse_unit(analyte.key, printed)
    entered = printed
    if printed:
        try:
            same = parse_unit(analyte.key, printed).text == unit.text
        except InputError:
            same = False
        entered = printed if same else unit.text
    assert isinstance(value, int | float)
    return float(value), comparator, unit, entered or unit.text


def read_fhir(document: Any) -> ParsedImport:
    """Read a FHIR Bundle or Observation (any unreadable entry refuses the whole file)."""
    if not is_fhir(document):
        raise InputError("file", "not a FHIR resource (no resourceType)")
    reader = _Reader()
    kind = document["resourceType"]
    if kind == "Observation":
        reader.observation(document, "entry 1", None)
        reader.stu3 = _looks_stu3(document)
        return reader.finish()
    if kind != "Bundle":
        raise InputError(
            "file", f"a FHIR {kind} holds no lab results; give a Bundle or an Observation"
        )
    bundle_type = document.get("type")
    if bundle_type not in BUNDLE_TYPES:
        raise InputError(
            "file",
            f"a FHIR Bundle of type '{bundle_type}' is not read (collection, searchset or"
            " transaction)",
        )
    entries = document.get("entry")
    entries = [] if entries is None else entries
    if not isinstance(entries, list):
        raise InputError("file", "Bundle.entry must be a list")
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            raise InputError(where, "the entry is not a JSON object")
        resource = entry.get("resource")
        if resource is None:
            if "content" in entry:
                raise InputError(
                    "file", "unsupported FHIR version (a DSTU1 feed); R4 and STU3 are read"
                )
            reader.skip(where, "entry", "no resource in the entry")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        reader.entry(resource, where, full_url)
        reader.stu3 = reader.stu3 or _looks_stu3(resource)
    return reader.finish()


def _looks_stu3(resource: Any) -> bool:
    if not isinstance(resource, dict) or resource.get("resourceType") != "Observation":
        return False
    categories = resource.get("category") or []
    return any(
        isinstance(c, dict)
        and any(
            isinstance(coding, dict) and coding.get("system") == STU3_CATEGORY_SYSTEM
            for coding in c.get("coding") or []
        )
        for c in (categories if isinstance(categories, list) else [])
    )


# --- export ----------------------------------------------------------------------------------


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
            code = {
                "coding": [{"system": DERIVED_SYSTEM, "code": key, "display": derived.label}],
                "text": derived.label,
            }
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
        coding = [{"system": LOINC_SYSTEM, "code": loinc, "display": analyte.name}]
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
            {"coding": coding, "text": analyte.name},
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
                {
                    "coding": [
                        {
                            "system": LOINC_SYSTEM,
                            "code": analyte.preferred_loinc,
                            "display": analyte.name,
                        }
                    ],
                    "text": analyte.name,
                },
                _quantity_json(value, analyte.canonical_unit, analyte.canonical_ucum),
            )
        self.derived(
            f"semen-{index}", analysis.date, None, semen_derived(analysis).as_dict(), inputs
        )

    def dexa(self, index: int, day: date, t_score: float, site: str | None) -> None:
        analyte = get_analyte("dexa_t_score")
        site_codes = dict(analyte.site_loinc)
        if site in site_codes:
            coding = [{"system": LOINC_SYSTEM, "code": site_codes[site], "display": analyte.name}]
        else:
            coding = [{"system": ANALYTE_SYSTEM, "code": analyte.key, "display": analyte.name}]
        self.observation(
            f"dexa-{index}",
            day,
            None,
            {"coding": coding, "text": analyte.name},
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
