"""Import planning: what a file would add, what is already recorded, what is skipped and why.

Every reader turns a file into a `ParsedImport` (items.py: validated records, each with the
line or entry it came from). `plan_import` compares them with a snapshot of the journal, without
writing, so that the desktop can show a preview; `apply_plan` (apply.py) then writes the plan in
one transaction. The items are re-exported here, where the readers have always found them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.limits import check_text
from fertilitytracker.core.plausibility import check_unit_fit
from fertilitytracker.core.records import (
    DexaScan,
    History,
    LabResult,
    Regimen,
    SemenAnalysis,
)
from fertilitytracker.services.exchange.items import (
    _WRITE_ORDER,
    AMENDING_STATUSES,
    REPLACEABLE_STATUSES,
    DexaItem,
    DoseItem,
    Item,
    LabItem,
    ParsedImport,
    RegimenItem,
    SemenItem,
    Skipped,
    SymptomItem,
    TargetItem,
    _number,
)
from fertilitytracker.services.exchange.same import (
    _may_replace,
    _overlap,
    _same_optional,
    _same_regimen,
    _same_result,
    _same_semen,
    _shown,
    same_value,
)
from fertilitytracker.storage.journal import Journal

# The readers' items (items.py) are part of this module's interface, as they always were.
__all__ = [
    "AMENDING_STATUSES",
    "REPLACEABLE_STATUSES",
    "SOURCES_SETTING",
    "Action",
    "DexaItem",
    "DoseItem",
    "ImportPlan",
    "Item",
    "JournalSnapshot",
    "LabItem",
    "ParsedImport",
    "PlanRow",
    "RegimenItem",
    "Replacement",
    "SemenItem",
    "Skipped",
    "SymptomItem",
    "TargetItem",
    "plan_import",
    "same_value",
    "unit_note",
]

# The journal setting that remembers which FHIR resource became which result, so that an
# `amended` or `corrected` Observation replaces the result its earlier version created.
SOURCES_SETTING = "exchange_fhir_sources"

Action = Literal["add", "replace", "present", "skip"]


# --- the journal as the planner sees it ------------------------------------------------------


@dataclass(frozen=True)
class JournalSnapshot:
    """Everything an import is planned against and an export is written from."""

    history: History
    settings: dict[str, Any] = field(default_factory=dict)
    schema: tuple[str, ...] = ()

    @classmethod
    def of(cls, journal: Journal) -> JournalSnapshot:
        """Read the journal once (call it in the thread that owns the connection)."""
        return cls(journal.history(), journal.settings.all(), tuple(journal.schema()))

    def sources(self) -> dict[str, dict[str, str]]:
        raw = self.settings.get(SOURCES_SETTING) or {}
        return dict(raw) if isinstance(raw, dict) else {}


# --- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replacement:
    """A recorded result replaced by an amended or corrected version of the same Observation."""

    item: LabItem
    old: LabResult


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the preview: what happens to one entry of the file, and why."""

    action: Action
    where: str
    what: str
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of an import before it is written; `apply_plan` writes it."""

    source: str
    format: str
    to_add: tuple[Item, ...] = ()
    replacing: tuple[Replacement, ...] = ()
    present: tuple[tuple[Item, str], ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notices: tuple[str, ...] = ()
    regimen_ids: tuple[tuple[str, int], ...] = ()  # file regimen ref → recorded regimen id
    settings: tuple[tuple[str, Any], ...] = ()  # settings to write
    sources: tuple[tuple[str, dict[str, str]], ...] = ()  # FHIR source map entries to write
    # A streamed import (stream.py) lists its first entries only and counts the others here;
    # such a plan is the account of a written import and is never applied.
    unlisted_new: int = 0
    unlisted_present: int = 0
    unlisted_skipped: int = 0
    # A digest of every entry's outcome (stream.py), so that an import can check that it
    # does what its preview showed.
    outcome: str = ""

    @property
    def new_count(self) -> int:
        """Records the import writes (replacements included)."""
        return len(self.to_add) + len(self.replacing) + self.unlisted_new

    @property
    def present_count(self) -> int:
        return len(self.present) + self.unlisted_present

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) + self.unlisted_skipped

    def summary(self) -> str:
        """ "N new, M already present, K skipped" (and how many replace amended results)."""
        replaced = f" ({len(self.replacing)} replacing earlier versions)" if self.replacing else ""
        return (
            f"{self.new_count} new{replaced}, {self.present_count} already present,"
            f" {self.skipped_count} skipped"
        )

    def rows(self) -> tuple[PlanRow, ...]:
        """Every entry with its action, in the order of the file where it matters."""
        rows = [
            PlanRow("add", item.where, item.describe(), _new_reason(item)) for item in self.to_add
        ]
        rows += [
            PlanRow(
                "replace",
                replacement.item.where,
                replacement.item.describe(),
                f"{replacement.item.status} version replaces the recorded "
                f"{_number(replacement.old.entered_value)} {replacement.old.entered_unit}",
            )
            for replacement in self.replacing
        ]
        rows += [PlanRow("present", item.where, item.describe(), why) for item, why in self.present]
        rows += [PlanRow("skip", entry.where, entry.what, entry.reason) for entry in self.skipped]
        return tuple(rows)

    def skipped_by_reason(self) -> list[tuple[str, list[str]]]:
        """Skipped entries grouped by reason (most frequent first): (reason, [where, ...])."""
        groups: dict[str, list[str]] = {}
        for entry in self.skipped:
            groups.setdefault(entry.reason, []).append(entry.where)
        counts = Counter({reason: len(wheres) for reason, wheres in groups.items()})
        return [(reason, groups[reason]) for reason, _ in counts.most_common()]

    def to_json(self) -> dict[str, object]:
        """The plan as one JSON document (for `import --json`)."""
        return {
            "source": self.source,
            "format": self.format,
            "new": self.new_count,
            "replaced": len(self.replacing),
            "present": self.present_count,
            "skipped": [
                {"where": entry.where, "what": entry.what, "reason": entry.reason}
                for entry in self.skipped
            ],
            "skipped_unlisted": self.unlisted_skipped,
            "notices": list(self.notices),
        }


class _Planner:
    """Compares parsed items with the journal snapshot (and with earlier items of the file)."""

    def __init__(self, snapshot: JournalSnapshot, written_after: int | None = None) -> None:
        history = snapshot.history
        self.snapshot = snapshot
        # Results with a higher id were written by earlier chunks of this same file (stream.py).
        self.written_after = written_after
        self.sources = snapshot.sources()
        self.recorded_labs: dict[tuple[date, str], LabResult] = {
            (draw.date, result.analyte): result for draw in history.draws for result in draw.results
        }
        self.planned_labs: dict[tuple[date, str], tuple[LabItem, LabResult | None]] = {}
        self.seen_semen: list[tuple[SemenAnalysis, str]] = [(a, "") for a in history.semen]
        self.seen_dexa: list[tuple[DexaScan, str]] = [(s, "") for s in history.dexa]
        self.seen_symptoms: dict[tuple[date, str, int, str | None], str] = {
            (s.date, s.name, s.severity, s.note): "" for s in history.symptoms
        }
        self.seen_targets: dict[tuple[str, float | None, float | None, str, date | None], str] = {
            (t.analyte, t.low, t.high, t.source, t.set_on): "" for t in history.targets
        }
        self.seen_regimens: list[tuple[Regimen, str, str]] = [(r, "", "") for r in history.regimens]
        # A file's regimen ref → ("id", recorded id) or ("ref", the ref of a regimen to add).
        self.regimen_refs: dict[str, tuple[str, Any]] = {}
        self.skipped_refs: set[str] = set()
        self.seen_doses: set[tuple[Any, ...]] = {
            (("id", d.regimen_id), d.at, d.status, d.dose, d.unit) for d in history.doses
        }
        self.other_added: list[Item] = []
        self.present: list[tuple[Item, str]] = []
        self.skipped: list[Skipped] = []
        self.notices: list[str] = []

    # -- helpers --
    def _present(self, item: Item, earlier_where: str) -> None:
        why = f"same as {earlier_where}" if earlier_where else "already recorded"
        self.present.append((item, why))

    def _skip(self, item: Item, reason: str) -> None:
        self.skipped.append(Skipped(item.where, item.describe(), reason))

    # -- lab results --
    def lab(self, item: LabItem) -> None:
        key = (item.day, item.result.analyte)
        planned = self.planned_labs.get(key)
        if planned is not None:
            earlier, old = planned
            if _same_result(earlier.result, item.result):
                self._present(item, earlier.where)
            elif _may_replace(item, earlier.source_id, earlier.status):
                self.planned_labs[key] = (item, old)
                self._skip(earlier, f"superseded by the {item.status} version in {item.where}")
            else:
                self._skip(item, f"conflicts with {earlier.where} ({_shown(earlier.result)})")
            return
        recorded = self.recorded_labs.get(key)
        if recorded is None:
            self.planned_labs[key] = (item, None)
            return
        written_here = self._earlier_in_file(recorded)
        if _same_result(recorded, item.result):
            self._present(item, written_here)
            return
        source = self.sources.get(item.source_id or "")
        if (
            source is not None
            and source.get("date") == item.day.isoformat()
            and source.get("analyte") == item.result.analyte
            and _may_replace(item, item.source_id, source.get("status"))
        ):
            self.planned_labs[key] = (item, recorded)
            return
        if written_here:
            self._skip(item, f"conflicts with {written_here} ({_shown(recorded)})")
        else:
            self._skip(item, f"conflicts with the recorded value {_shown(recorded)}")

    def _earlier_in_file(self, recorded: LabResult) -> str:
        """ "an earlier entry of the file" for a result an earlier chunk wrote, else ""."""
        if self.written_after is None or recorded.id is None or recorded.id <= self.written_after:
            return ""
        return "an earlier entry of the file"

    # -- other records: identical fields are already present --
    def semen(self, item: SemenItem) -> None:
        incoming = item.analysis
        for recorded, where in self.seen_semen:
            if recorded.date == incoming.date and _same_semen(incoming, recorded):
                self._present(item, where)
                return
        self.seen_semen.append((incoming, item.where))
        self.other_added.append(item)

    def dexa(self, item: DexaItem) -> None:
        incoming = item.scan
        for recorded, where in self.seen_dexa:
            if (
                recorded.date == incoming.date
                and same_value(incoming.t_score, recorded.t_score)
                and (incoming.site is None or incoming.site == recorded.site)
                and _same_optional(incoming.bmd_g_cm2, recorded.bmd_g_cm2)
            ):
                self._present(item, where)
                return
        self.seen_dexa.append((incoming, item.where))
        self.other_added.append(item)

    def _once(self, seen: dict[Any, str], key: Any, item: Item) -> None:
        """Add `item` unless an equal `key` was recorded or met earlier in the file."""
        if key in seen:
            self._present(item, seen[key])
            return
        seen[key] = item.where
        self.other_added.append(item)

    def symptom(self, item: SymptomItem) -> None:
        entry = item.entry
        self._once(self.seen_symptoms, (entry.date, entry.name, entry.severity, entry.note), item)

    def target(self, item: TargetItem) -> None:
        t = item.target
        self._once(self.seen_targets, (t.analyte, t.low, t.high, t.source, t.set_on), item)

    def regimen(self, item: RegimenItem) -> None:
        incoming = item.regimen
        for recorded, where, ref in self.seen_regimens:
            if _same_regimen(incoming, recorded):
                self._present(item, where)
                self.regimen_refs[item.ref] = ("ref", ref) if ref else ("id", recorded.id)
                return
        for recorded, where, _ in self.seen_regimens:
            if recorded.name.casefold() == incoming.name.casefold() and _overlap(
                incoming, recorded
            ):
                other = where or f"the recorded {recorded.name} regimen"
                self._skip(item, f"overlaps {other} started {recorded.start.isoformat()}")
                # Doses name a regimen by medication and start: they stay with one already
                # taken under the same name and start.
                if item.ref not in self.regimen_refs:
                    self.skipped_refs.add(item.ref)
                return
        self.seen_regimens.append((incoming, item.where, item.ref))
        self.regimen_refs[item.ref] = ("ref", item.ref)
        self.other_added.append(item)

    def dose(self, item: DoseItem) -> None:
        owner = self.regimen_refs.get(item.regimen_ref)
        if owner is None and item.regimen_ref in self.skipped_refs:
            self._skip(item, "its regimen is skipped")
            return
        if owner is None:
            raise InputError(
                item.where, f"the dose names no regimen of the file ({item.regimen_ref})"
            )
        if owner[0] == "ref":
            item = replace(item, regimen_ref=owner[1])
        event = item.event
        key = (owner, event.at, event.status, event.dose, event.unit)
        if key in self.seen_doses:
            self._present(item, "")
            return
        self.seen_doses.add(key)
        self.other_added.append(item)


def unit_note(item: LabItem) -> str | None:
    """ "14.1 ng/dL is far below … Did you mean 14.1 nmol/L?" for a result read from a file."""
    result = item.result
    # Asked of every result of a file: the number is written out only for the rare mismatch.
    mismatch = check_unit_fit(result.analyte, result.entered_value, result.entered_unit)
    if mismatch is None:
        return None
    value_text = f"{result.comparator or ''}{_number(result.entered_value)}"
    return replace(mismatch, value_text=value_text).message()


def _new_reason(item: Item) -> str:
    note = unit_note(item) if isinstance(item, LabItem) else None
    return "new" if note is None else f"new; check the unit: {note}"


def plan_import(
    parsed: ParsedImport,
    snapshot: JournalSnapshot,
    source: str,
    *,
    written_after: int | None = None,
) -> ImportPlan:
    """Compare what a file holds with the journal: nothing is written. A streamed import
    passes `written_after`, the last result id before it began."""
    planner = _Planner(snapshot, written_after)
    handlers = {
        LabItem: planner.lab,
        SemenItem: planner.semen,
        DexaItem: planner.dexa,
        SymptomItem: planner.symptom,
        TargetItem: planner.target,
        RegimenItem: planner.regimen,
        DoseItem: planner.dose,
    }
    # Regimens before doses, so that a dose finds its regimen wherever the file lists it.
    ordered = sorted(parsed.items, key=lambda item: 0 if isinstance(item, RegimenItem) else 1)
    for item in ordered:
        handlers[type(item)](item)  # type: ignore[operator]

    added_labs = [item for item, old in planner.planned_labs.values() if old is None]
    replacing = [
        Replacement(item, old) for item, old in planner.planned_labs.values() if old is not None
    ]
    to_add: list[Item] = []
    for kind in _WRITE_ORDER:
        pool = added_labs if kind is LabItem else planner.other_added
        to_add += [item for item in pool if isinstance(item, kind)]

    sources: dict[str, dict[str, str]] = {}
    lab_outcomes = [*added_labs, *(r.item for r in replacing)]
    lab_outcomes += [item for item, _ in planner.present if isinstance(item, LabItem)]
    for item in lab_outcomes:
        if item.source_id:
            sources[item.source_id] = {
                "date": item.day.isoformat(),
                "analyte": item.result.analyte,
                "status": item.status or "",
            }

    notices = list(parsed.notices)
    for item in lab_outcomes[: len(added_labs) + len(replacing)]:
        note = unit_note(item)
        if note is not None:
            notices.append(f"{item.where}: {note}")
    settings = _plan_settings(parsed.settings, snapshot.settings, notices)
    known_refs = tuple(
        (ref, owner[1]) for ref, owner in planner.regimen_refs.items() if owner[0] == "id"
    )
    return ImportPlan(
        source=source,
        format=parsed.format,
        to_add=tuple(to_add),
        replacing=tuple(replacing),
        present=tuple(planner.present),
        skipped=tuple(parsed.skipped) + tuple(planner.skipped),
        notices=tuple(notices),
        regimen_ids=known_refs,
        settings=tuple(settings.items()),
        sources=tuple(sources.items()),
    )


def _plan_settings(
    incoming: dict[str, Any], recorded: dict[str, Any], notices: list[str]
) -> dict[str, Any]:
    """Settings of a backup: taken when the journal has none, kept (with a notice) otherwise."""
    from fertilitytracker.services.settings import SETTINGS, TEXT_LIMITS

    to_write: dict[str, Any] = {}
    for key, value in incoming.items():
        if key == SOURCES_SETTING:
            continue  # merged with the source map on apply
        setting = SETTINGS.get(key)
        if setting is None:
            notices.append(f"setting '{key}' is unknown to this version and was ignored")
            continue
        if setting.choices is not None and value not in setting.choices:
            notices.append(f"setting '{key}' has an invalid value {value!r} and was ignored")
            continue
        if key in TEXT_LIMITS:
            if not isinstance(value, str):
                raise InputError(f"settings.{key}", "must be text")
            check_text(value, f"settings.{key}", TEXT_LIMITS[key])
        if key not in recorded:
            to_write[key] = value
        elif recorded[key] != value:
            notices.append(f"setting '{key}' kept as {recorded[key]!r} (the file has {value!r})")
    if isinstance(incoming.get(SOURCES_SETTING), dict):
        existing = recorded.get(SOURCES_SETTING) or {}
        merged = {**incoming[SOURCES_SETTING], **existing}
        if merged != existing:
            to_write[SOURCES_SETTING] = merged
    return to_write
