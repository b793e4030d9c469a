"""FHIR in: lab Observations (R4, and STU3 where the fields agree) read into a ParsedImport.

Import (docs/clinical.md §7): a Bundle of type collection, searchset or transaction, or a single
Observation. An Observation is matched on any LOINC coding of the analyte catalogue; the unit
comes from the UCUM code (the printed `unit` is kept as entered when it names the same unit);
the comparator is kept; statuses final, amended and corrected are imported, preliminary and
unknown are imported and marked (a later version of the same Observation replaces them),
entered-in-error, cancelled and registered are skipped. Vital signs, surveys, codes outside the
catalogue and other resource types are skipped and counted, never guessed. A 0–0 reference
range means "no range" and is ignored. Semen parameters of one date become one semen analysis;
DEXA T-scores become scans (site from the LOINC code).
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from typing import Any

from fertilitytracker.core.analytes import Analyte, Unit, analyte_for_loinc, get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.units import parse_unit, to_canonical
from fertilitytracker.core.validation import parse_date
from fertilitytracker.services.exchange.builders import dexa_item, lab_item, located, semen_item
from fertilitytracker.services.exchange.plan import ParsedImport, Skipped

LOINC_SYSTEM = "http://loinc.org"
STU3_CATEGORY_SYSTEM = "http://hl7.org/fhir/observation-category"
# The app's own code systems: analytes without a LOINC code here (a DEXA of unknown site) and
# derived values, which the app recomputes and never imports as measurements.
ANALYTE_SYSTEM = "urn:fertilitytracker:analyte"
DERIVED_SYSTEM = "urn:fertilitytracker:derived"

BUNDLE_TYPES = ("collection", "searchset", "transaction")
IMPORTED_STATUSES = ("final", "amended", "corrected", "preliminary", "unknown")
MARKED_STATUSES = ("preliminary", "unknown")
COMPARATORS = ("<", "<=", ">", ">=")
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
        # What a bundle repeats across its Observations is read once per distinct text: the
        # collection moment and the unit of each analyte (docs/design.md "one reading
        # computed once"). Only what was read without a refusal is kept.
        self.moments: dict[str, tuple[date, time | None] | None] = {}
        self.units: dict[tuple[str, str, str], tuple[Unit, str]] = {}

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
        categories: set[str] = set()
        if resource.get("category"):
            categories, stu3 = _categories(resource)
            self.stu3 = self.stu3 or stu3  # whatever becomes of the Observation
        code = resource.get("code")
        if not isinstance(code, dict):
            if "name" in resource or "appliesDateTime" in resource:
                self.skip(where, "Observation", "unsupported FHIR version (DSTU1 field names)")
                return
            raise InputError(where, "code: the Observation has no code")
        status = resource.get("status")
        if not isinstance(status, str):
            raise InputError(where, "status: the Observation has no status")
        if status not in IMPORTED_STATUSES:
            self.skip(where, _code_text(code), f"status {status}: not imported")
            return
        if "vital-signs" in categories:
            self.skip(where, _code_text(code), "vital sign (not a lab result)")
            return
        if "survey" in categories:
            self.skip(where, _code_text(code), "survey (not a lab result)")
            return
        codings = _codings(code, where)
        if DERIVED_SYSTEM in [coding.get("system") for coding in codings]:
            self.skip(
                where, _code_text(code), "a derived value (the app computes it from the results)"
            )
            return
        analyte, site = _match_analyte(codings)
        if analyte is None:
            loinc = [c for c in codings if c.get("system") == LOINC_SYSTEM]
            reason = "no LOINC code of the analyte catalogue"
            if loinc:
                display = loinc[0].get("display")
                named = f" ({display})" if isinstance(display, str) and display else ""
                reason = f"LOINC {loinc[0].get('code')}{named} is not in the analyte catalogue"
            self.skip(where, _code_text(code), reason)
            return
        if analyte.derived:
            self.skip(
                where, _code_text(code), f"{analyte.phrase} is computed by the app, not imported"
            )
            return
        quantity = resource.get("valueQuantity")
        if quantity is None:
            absent = "dataAbsentReason" in resource
            other = [key for key in resource if key.startswith("value")]
            reason = "no value (data absent)" if absent else "no numeric value"
            if other:
                reason = f"no numeric value ({other[0]})"
            self.skip(where, _code_text(code), reason)
            return
        moment = self.moment(resource, where)
        if moment is None:
            self.skip(where, _code_text(code), "no full collection date (effectiveDateTime)")
            return
        day, draw_time = moment
        value, comparator, unit, entered_unit = self.quantity(quantity, analyte, where)
        if analyte.key == "dexa_t_score":
            if comparator:
                self.skip(where, _code_text(code), "a T-score with a comparator is not imported")
                return
            self.parsed.items.append(dexa_item(where, day, value, site))
            return
        if analyte.is_semen:
            self.semen_value(where, _code_text(code), day, analyte, value, comparator, unit)
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

    def moment(self, resource: dict[str, Any], where: str) -> tuple[date, time | None] | None:
        """The collection date and time of an Observation (`_moment`), read once per text."""
        raw = _effective_raw(resource)
        if not isinstance(raw, str):
            return None if raw is None else _moment(raw, where)
        if raw in self.moments:
            return self.moments[raw]
        moment = self.moments[raw] = _moment(raw, where)
        return moment

    def quantity(
        self, quantity: Any, analyte: Analyte, where: str
    ) -> tuple[float, str | None, Unit, str]:
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
        key = (analyte.key, code, printed)
        known = self.units.get(key)
        unit, entered = known if known is not None else _unit(analyte, code, printed, where)
        if known is None:
            self.units[key] = unit, entered
        assert isinstance(value, int | float)
        return float(value), comparator, unit, entered

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
    """A JSON number that is a finite float (a thousand-digit integer is not a lab value)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


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


def _categories(resource: dict[str, Any]) -> tuple[set[str], bool]:
    """The category codes of an Observation, and whether one is coded in STU3's system (a fact
    about the bundle, read in the same pass over the categories)."""
    codes: set[str] = set()
    stu3 = False
    categories = resource.get("category") or []
    if isinstance(categories, dict):  # DSTU2 allowed a single category; STU3 did not
        categories = [categories]
    elif isinstance(categories, list):
        stu3 = any(
            isinstance(category, dict)
            and any(
                isinstance(coding, dict) and coding.get("system") == STU3_CATEGORY_SYSTEM
                for coding in category.get("coding") or []
            )
            for category in categories
        )
    for category in categories if isinstance(categories, list) else []:
        if not isinstance(category, dict):
            continue
        for coding in category.get("coding") or []:
            if isinstance(coding, dict) and isinstance(coding.get("code"), str):
                codes.add(coding["code"])
    return codes, stu3


def _match_analyte(codings: list[dict[str, Any]]) -> tuple[Analyte | None, str | None]:
    """The analyte of the first catalogue LOINC coding (and the DEXA site it implies)."""
    for coding in codings:
        code = coding.get("code")
        if coding.get("system") == LOINC_SYSTEM and isinstance(code, str):
            analyte = analyte_for_loinc(code)
            if analyte is not None and analyte.site_loinc:
                site = dict((loinc, site) for site, loinc in analyte.site_loinc).get(code.strip())
                return analyte, site
            if analyte is not None:
                return analyte, None
    for coding in codings:
        code = coding.get("code")
        if coding.get("system") == ANALYTE_SYSTEM and isinstance(code, str):
            try:
                return get_analyte(code), None
            except InputError:
                continue
    return None, None


def _effective_raw(resource: dict[str, Any]) -> Any:
    """What an Observation gives as its collection moment, None when it gives none."""
    raw = resource.get("effectiveDateTime")
    if raw is None and isinstance(resource.get("effectivePeriod"), dict):
        raw = resource["effectivePeriod"].get("start")
    if raw is None:
        raw = resource.get("effectiveInstant")
    return raw


def _moment(raw: Any, where: str) -> tuple[date, time | None] | None:
    """The collection date and wall-clock time as written (no time-zone shift), or None."""
    match = _FHIR_MOMENT.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise InputError(where, f"effectiveDateTime: '{raw}' is not a FHIR dateTime")
    year, month, day, hour, minute = match.groups()
    if day is None:
        return None  # a year or a month only cannot be placed on a draw date
    with located(where):
        # The same check as a typed date (core validation): years outside the range the
        # journal holds are refused, not stored to break reports and charts later.
        moment_day = parse_date(f"{year}-{month}-{day}", "effectiveDateTime")
        try:
            moment_time = time(int(hour), int(minute)) if hour is not None else None
        except ValueError as error:
            raise InputError("effectiveDateTime", f"'{raw}' is not a time ({error})") from None
    return moment_day, moment_time


def _unit(analyte: Analyte, code: str, printed: str, where: str) -> tuple[Unit, str]:
    """The unit a valueQuantity's stripped UCUM `code` and `printed` unit name, and the unit
    as entered: the printed text when it names the same unit."""
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
    return unit, entered or unit.text


def read_fhir(document: Any) -> ParsedImport:
    """Read a FHIR Bundle or Observation (any unreadable entry refuses the whole file)."""
    if not is_fhir(document):
        raise InputError("file", "not a FHIR resource (no resourceType)")
    reader = _Reader()
    kind = document["resourceType"]
    if kind == "Observation":
        reader.observation(document, "entry 1", None)
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
    return reader.finish()
