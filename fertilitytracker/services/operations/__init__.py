"""Recording operations: validate in the core, write in one transaction, say what changed."""

from __future__ import annotations

# Every operation takes what a person typed and either writes everything or raises InputError
# naming the field, with nothing written; it returns a Change (docs/design.md, "A write says
# what it changed"). Callers import everything from here, whichever module holds it.
from fertilitytracker.core.limits import NOTE_MAX, SYMPTOM_NAME_MAX
from fertilitytracker.core.validation import (
    ABSTINENCE_MAX_DAYS,
    BMD_MAX_G_CM2,
    DEXA_SITES,
    DEXA_T_SCORE_BOUND,
    SEMEN_VOLUME_MAX_ML,
    build_semen,
)
from fertilitytracker.services.operations.change import EVERYTHING, RECORD_KINDS, Change
from fertilitytracker.services.operations.medications import (
    BACKFILL_DEFAULT_TIME,
    BACKFILL_MAX_DAYS,
    MISSED_CONFIRMED_SETTING,
    backfill_doses,
    change_regimen,
    confirm_missed,
    confirmed_missed,
    correct_dose,
    log_dose,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.services.operations.records import (
    ResultInput,
    build_result,
    record_dexa,
    record_draw,
    record_semen,
    record_symptom,
    reset_target,
    set_target,
)
from fertilitytracker.services.operations.undo import (
    RecordKind,
    Removed,
    remove,
    replace_result,
    restore,
)

__all__ = [
    "ABSTINENCE_MAX_DAYS",
    "BACKFILL_DEFAULT_TIME",
    "BACKFILL_MAX_DAYS",
    "BMD_MAX_G_CM2",
    "DEXA_SITES",
    "DEXA_T_SCORE_BOUND",
    "EVERYTHING",
    "MISSED_CONFIRMED_SETTING",
    "NOTE_MAX",
    "RECORD_KINDS",
    "SEMEN_VOLUME_MAX_ML",
    "SYMPTOM_NAME_MAX",
    "Change",
    "RecordKind",
    "Removed",
    "ResultInput",
    "backfill_doses",
    "build_result",
    "build_semen",
    "change_regimen",
    "confirm_missed",
    "confirmed_missed",
    "correct_dose",
    "log_dose",
    "record_dexa",
    "record_draw",
    "record_semen",
    "record_symptom",
    "remove",
    "replace_result",
    "reset_target",
    "restore",
    "set_target",
    "start_regimen",
    "stop_regimen",
]
