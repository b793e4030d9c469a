"""Delete with undo, and the edit of a lab result that replaces it in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal, Protocol

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import DoseEvent, LabResultId, RegimenId
from fertilitytracker.services.operations.change import Change
from fertilitytracker.services.operations.records import ResultInput, build_result
from fertilitytracker.storage.journal import Journal

RecordKind = Literal["lab_result", "semen", "dexa", "symptom", "dose", "regimen"]


@dataclass(frozen=True)
class Removed:
    """A deleted record, kept so that the deletion can be undone."""

    kind: RecordKind
    record: Any
    draw_date: date | None = None
    draw_time: time | None = None
    doses: tuple[DoseEvent, ...] = ()
    draw_fasting: bool | None = None


# The table of each kind: the name of its repository on the Journal, of its History field
# (but lab results, which live in `draws`) and the label a Change carries.
_KIND_TABLE_LABEL: dict[str, str] = {
    "lab_result": "labs",
    "semen": "semen",
    "dexa": "dexa",
    "symptom": "symptoms",
    "dose": "doses",
    "regimen": "regimens",
}


class _Repository(Protocol):
    """What remove and restore need of the repository of a kind other than lab results."""

    def add(self, record: Any) -> Any: ...

    def get(self, record_id: Any) -> Any: ...

    def delete(self, record_id: Any) -> None: ...


def _repository(journal: Journal, kind: RecordKind) -> _Repository:
    repository: _Repository = getattr(journal, _KIND_TABLE_LABEL[kind])
    return repository


def _find_removable(journal: Journal, kind: RecordKind, record_id: int) -> Removed | None:
    """The record `record_id` of `kind` as undo needs it (a regimen with its doses), or None.

    Read by id: a delete costs the same on a ten-year journal as on a new one.
    """
    if kind == "lab_result":
        found = journal.labs.find_result(LabResultId(record_id))
        if found is None:
            return None
        draw, result = found
        return Removed(kind, result, draw.date, draw.time, draw_fasting=draw.fasting)
    if kind == "regimen":
        regimen = journal.regimens.get(RegimenId(record_id))
        if regimen is None:
            return None
        return Removed(kind, regimen, doses=tuple(journal.doses.all(regimen.id)))
    record = _repository(journal, kind).get(record_id)
    return None if record is None else Removed(kind, record)


def _dates_of(removed: Removed) -> frozenset[date] | None:
    """The dates a removal or its undo touches; None (any date) for a regimen and its doses."""
    if removed.kind == "lab_result":
        return frozenset({removed.draw_date}) if removed.draw_date else None
    if removed.kind == "dose":
        return frozenset({removed.record.at.date()})
    if removed.kind == "regimen":
        return None
    return frozenset({removed.record.date})


def _kinds_of(removed: Removed) -> frozenset[str]:
    # A regimen's doses go (and come back) with it.
    extra = {"doses"} if removed.kind == "regimen" else set()
    return frozenset({_KIND_TABLE_LABEL[removed.kind], *extra})


def remove(journal: Journal, kind: RecordKind, record_id: int) -> tuple[Change, Removed]:
    """Delete one record (a regimen takes its doses with it); returns what undo needs."""
    with journal.transaction():
        removed = _find_removable(journal, kind, record_id)
        if removed is not None and kind == "lab_result":
            journal.labs.delete_result(LabResultId(record_id))
        elif removed is not None:
            _repository(journal, kind).delete(record_id)
    if removed is None:
        raise InputError(kind, f"no such record (id {record_id}); it may be deleted already")
    change = Change(
        _kinds_of(removed), f"{kind.replace('_', ' ')} deleted", dates=_dates_of(removed)
    )
    return change, removed


def restore(journal: Journal, removed: Removed) -> Change:
    """Undo `remove`: write the record back (it gets a new id)."""
    with journal.transaction():
        if removed.kind == "lab_result":
            assert removed.draw_date is not None
            draw_id = journal.labs.draw_id_for(
                removed.draw_date, removed.draw_time, removed.draw_fasting
            )
            journal.labs.add_result(draw_id, removed.record)
        else:
            new_id = _repository(journal, removed.kind).add(removed.record)
            # Only a regimen carries doses; they follow it under its new id.
            for dose in removed.doses:
                journal.doses.add(dose._replace(regimen_id=new_id, id=None))
    return Change(
        _kinds_of(removed),
        f"{removed.kind.replace('_', ' ')} restored",
        dates=_dates_of(removed),
    )


def replace_result(
    journal: Journal,
    result_id: int,
    entry: ResultInput,
    day: date | None = None,
    *,
    when: tuple[time | None, bool | None] | None = None,
) -> Change:
    """Edit one lab result: the old one is replaced by `entry`, in one transaction.

    With `day` (another date than its draw's) the result moves to the draw of that date.
    With `when` (time, fasting; None in either: not recorded) the draw the result ends in
    gets that time and fasting state (docs/clinical.md §8), for all of its results.
    """
    new_result = build_result(entry)
    with journal.transaction():
        _, removed = remove(journal, "lab_result", result_id)
        assert removed.draw_date is not None
        target = day or removed.draw_date
        moved = target != removed.draw_date
        clash = new_result.analyte != removed.record.analyte or moved
        if clash and new_result.analyte in journal.labs.existing_analytes(target):
            if moved:
                name = get_analyte(new_result.analyte).name
                raise InputError("date", f"{name} is already recorded for {target.isoformat()}")
            raise InputError(
                "analyte", "already recorded for that draw", analyte=new_result.analyte
            )
        if moved:
            draw_id = journal.labs.draw_id_for(target)
        else:
            draw_id = journal.labs.draw_id_for(
                removed.draw_date, removed.draw_time, removed.draw_fasting
            )
        journal.labs.add_result(draw_id, new_result)
        if when is not None:
            journal.labs.set_time(draw_id, when[0])
            journal.labs.set_fasting(draw_id, when[1])
    return Change(
        frozenset({"labs"}),
        f"{new_result.analyte} updated",
        dates=frozenset({removed.draw_date, target}),
    )
