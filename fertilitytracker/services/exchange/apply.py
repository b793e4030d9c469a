"""Writing an import plan into the journal: one transaction, everything or nothing."""

from __future__ import annotations

import sqlite3

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import (
    RegimenId,
)
from fertilitytracker.services.exchange.items import (
    _KIND_LABEL,
    DexaItem,
    DoseItem,
    LabItem,
    RegimenItem,
    SemenItem,
    SymptomItem,
    TargetItem,
)
from fertilitytracker.services.exchange.plan import SOURCES_SETTING, ImportPlan
from fertilitytracker.services.operations import Change
from fertilitytracker.storage.journal import Journal


def apply_plan(journal: Journal, plan: ImportPlan) -> Change:
    """Write a plan in ONE transaction: everything is written, or nothing is."""
    if plan.unlisted_new or plan.unlisted_present or plan.unlisted_skipped:
        raise ValueError("a streamed import's account lists only part of it; plan the file again")
    regimen_ids: dict[str, RegimenId] = {ref: RegimenId(i) for ref, i in plan.regimen_ids}
    kinds: set[str] = set()
    try:
        with journal.transaction():
            for replacement in plan.replacing:
                assert replacement.old.id is not None
                journal.labs.delete_result(replacement.old.id)
            labs = [r.item for r in plan.replacing]
            for item in plan.to_add:
                kinds.add(_KIND_LABEL[type(item)])
                if isinstance(item, TargetItem):
                    journal.settings.add_target(item.target)
                elif isinstance(item, RegimenItem):
                    regimen_ids[item.ref] = journal.regimens.add(item.regimen)
                elif isinstance(item, DoseItem):
                    event = item.event._replace(regimen_id=regimen_ids[item.regimen_ref])
                    journal.doses.add(event)
                elif isinstance(item, LabItem):
                    labs.append(item)
                elif isinstance(item, SemenItem):
                    journal.semen.add(item.analysis)
                elif isinstance(item, DexaItem):
                    journal.dexa.add(item.scan)
                elif isinstance(item, SymptomItem):
                    journal.symptoms.add(item.entry)
            if labs:
                kinds.add("labs")
                # The draws of every day at once, then one executemany for every result (no
                # SQL per row or per draw).
                draw_ids = journal.labs.draw_ids_for(
                    (lab.day, lab.time, lab.fasting) for lab in labs
                )
                journal.labs.add_results((draw_ids[lab.day], lab.result) for lab in labs)
            for key, value in plan.settings:
                journal.settings.set(key, value)
            if plan.sources:
                recorded = journal.settings.get(SOURCES_SETTING) or {}
                journal.settings.set(SOURCES_SETTING, {**recorded, **dict(plan.sources)})
    except sqlite3.IntegrityError:
        raise InputError(
            "journal", "the journal changed since the import was previewed; import again"
        ) from None
    if plan.settings:
        kinds.add("settings")
    return Change(frozenset(kinds), f"imported {plan.source}: {plan.summary()}")
