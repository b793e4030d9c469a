"""Reminders for one journal: the tests its history makes due, and the dose times of each regimen.

Test reminders come from `core.monitoring` with the user's rule offsets (setting
"rule_offsets"). Dose reminders are local wall-clock times: a regimen's time of day on each day
its schedule asks for a dose. Every date-time here is naive local time, so a reminder set for
08:00 rings at 08:00 on the wall clock before and after a DST switch or a time-zone change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fertilitytracker.core.adherence import doses_due_today
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import DueTest, RuleOffsets, due_tests
from fertilitytracker.core.records import History, Regimen
from fertilitytracker.core.resources import load_json
from fertilitytracker.services.settings import rule_offsets_setting
from fertilitytracker.storage.journal import Journal

# When a schedule asks for several doses a day but the regimen has one time of day, the later
# doses are spread evenly over this span after the first (08:00 x2 → 08:00 and 20:00). It is a
# reminder convenience, not a clinical rule: a dose still belongs to its calendar day.
SEVERAL_DOSES_SPAN = timedelta(hours=12)
LAST_MINUTE_OF_DAY = time(23, 59)
# At start-up, doses older than this are not brought up again: the Today screen lists the
# missed doses of the last 7 days.
MAX_CATCH_UP_DAYS = 7
# How far ahead `next_dose_slot` looks (covers any weekday schedule).
LOOKAHEAD_DAYS = 8

TEST_NAMES: dict[str, str] = {
    "hormone_panel": "Hormone panel",
    "semen_analysis": "Semen analysis",
    "lipid_panel": "Lipid panel",
    "dexa": "DEXA scan",
}
"""The words shown for each test kind."""

STATUS_WORDS: dict[str, str] = {"upcoming": "upcoming", "open": "open", "overdue": "overdue"}
"""The words shown for each window status (colour is never the only cue)."""

TEST_FORMS: dict[str, str] = {
    "hormone_panel": "labs",
    "lipid_panel": "labs",
    "dexa": "labs",
    "semen_analysis": "semen",
}
"""The page whose form records the result that satisfies each test."""

TEST_ANALYTES: dict[str, tuple[str, ...]] = {
    "hormone_panel": ("total_testosterone", "estradiol"),
    "lipid_panel": ("total_cholesterol", "hdl", "ldl", "triglycerides"),
    "dexa": ("dexa_t_score",),
    "semen_analysis": (),
}
"""What to pre-fill in the form: docs/clinical.md §6 rules 1–2 are satisfied by total testosterone
and estradiol, rule 4 by total cholesterol (the rest of the usual lipid panel alongside)."""


# ---------------------------------------------------------------------------
# Test reminders
# ---------------------------------------------------------------------------


def rule_offsets(journal: Journal) -> RuleOffsets:
    """The rule offsets in force: defaults with the overrides of setting "rule_offsets";
    refused (InputError naming the offset) when the stored ones are not valid."""
    setting = rule_offsets_setting(journal)
    if setting.refused is not None:
        raise setting.refused
    return setting.in_force


def offsets_overridden(journal: Journal) -> bool:
    """Whether the journal holds the user's own rule offsets (else the defaults apply)."""
    return rule_offsets_setting(journal).overridden


def rule_source(rule: str) -> str:
    """The docs/clinical.md wording of a reminder's rule ("lipid_panel_yearly": rule 4)."""
    for entry in load_json("monitoring_rules.json")["rules"]:
        if rule == entry["id"] or rule in entry.get("reminder_rules", ()):
            return str(entry["source"])
    return ""


def due_tests_for(journal: Journal, today: date, history: History | None = None) -> list[DueTest]:
    """The tests due on `today` for this journal (pass `history` when already read)."""
    records = journal.history() if history is None else history
    return due_tests(records, today, rule_offsets(journal))


def due_tests_in_force(journal: Journal, today: date, history: History) -> list[DueTest]:
    """The tests due on `today` with the journal's rule offsets, or the defaults when the stored
    ones are refused: a bad stored override must not hide every reminder (Today, the tray)."""
    return due_tests(history, today, rule_offsets_setting(journal).in_force)


def reminder_json(test: DueTest) -> dict[str, str]:
    """One reminder in the `reminders --json` shape of docs/cli.md."""
    return {
        "test": test.test,
        "opens": test.opens.isoformat(),
        "due": test.due.isoformat(),
        "status": test.status,
        "reason": test.reason,
    }


def reminders_json(tests: Sequence[DueTest]) -> list[dict[str, str]]:
    """The `reminders --json` document."""
    return [reminder_json(test) for test in tests]


def describe_test(test: DueTest) -> str:
    """One line for people: "Hormone panel — due now (2026-01-19 to 2026-02-02): reason"."""
    name = TEST_NAMES.get(test.test, test.test)
    status = STATUS_WORDS.get(test.status, test.status)
    return f"{name} — {status} ({test.opens} to {test.due}): {test.reason}"


# ---------------------------------------------------------------------------
# Dose reminders
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseSlot:
    """One scheduled dose of a regimen at a local wall-clock time; `index` counts from 0 per day."""

    regimen_id: int | None
    name: str
    dose: float
    unit: str
    at: datetime
    index: int = 0

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def key(self) -> tuple[int | None, str, str, int]:
        """Identifies the slot across checks (regimen, day, time, dose of the day)."""
        return (self.regimen_id, self.name, self.at.isoformat(timespec="minutes"), self.index)

    def describe(self) -> str:
        """ "anastrozole 0.5 mg at 08:00"."""
        return f"{self.name} {self.dose:g} {self.unit} at {self.at:%H:%M}"


def dose_times(first: time, times_per_day: int) -> list[time]:
    """The wall-clock times of `times_per_day` doses starting at `first`, all on the same day.

    One dose: `first`. Several: spread evenly over the 12 hours after `first`, never past
    23:59 (08:00 x2 → 08:00, 20:00; 08:00 x3 → 08:00, 14:00, 20:00).
    """
    if times_per_day < 1:
        raise InputError("schedule", "doses per day must be at least 1")
    start = datetime.combine(date(2000, 1, 1), first.replace(second=0, microsecond=0))
    if times_per_day == 1:
        return [start.time()]
    last_possible = datetime.combine(start.date(), LAST_MINUTE_OF_DAY)
    span = min(SEVERAL_DOSES_SPAN, last_possible - start)
    step_minutes = int(span.total_seconds() // 60) // (times_per_day - 1)
    return [(start + timedelta(minutes=step_minutes * i)).time() for i in range(times_per_day)]


def regimen_slots_on(regimen: Regimen, day: date) -> list[DoseSlot]:
    """The dose reminders of `regimen` on `day` (none without a time of day or on "as needed")."""
    if regimen.time_of_day is None:
        return []
    step = regimen.step_on(day)
    if step is None:
        return []
    scheduled, _ = doses_due_today(regimen, (), day)
    if scheduled == 0:
        return []
    return [
        DoseSlot(regimen.id, regimen.name, step.dose, step.unit, datetime.combine(day, at), index)
        for index, at in enumerate(dose_times(regimen.time_of_day, scheduled))
    ]


def dose_slots_on(history: History, day: date) -> list[DoseSlot]:
    """Every dose reminder on `day`, in time order."""
    slots = [slot for regimen in history.regimens for slot in regimen_slots_on(regimen, day)]
    return sorted(slots, key=lambda slot: (slot.at, slot.name, slot.index))


def _logged_on(history: History, regimen_id: int | None, day: date) -> int:
    return sum(
        1 for dose in history.doses if dose.regimen_id == regimen_id and dose.at.date() == day
    )


def is_logged(history: History, slot: DoseSlot) -> bool:
    """Whether the slot's dose was logged (taken or skipped) on its day.

    The n-th reminder of a day counts as logged once n doses of that day are logged, whatever
    their times: people log late or early.
    """
    return _logged_on(history, slot.regimen_id, slot.day) > slot.index


def unlogged_slots(history: History, since: datetime | None, until: datetime) -> list[DoseSlot]:
    """Dose reminders that fell due after `since` and up to `until` and are not logged yet.

    `since` None means the start of `until`'s day. At most `MAX_CATCH_UP_DAYS` days are looked
    back. Use it at start-up with the last time the app ran (what became due while it was
    closed or the laptop slept) and on each timer tick. A `since` after `until` (the clock was
    set back) finds nothing.
    """
    earliest = datetime.combine(until.date() - timedelta(days=MAX_CATCH_UP_DAYS), time(0, 0))
    start = datetime.combine(until.date(), time(0, 0)) - timedelta(microseconds=1)
    if since is not None:
        start = max(since, earliest - timedelta(microseconds=1))
    if start >= until:
        return []
    found: list[DoseSlot] = []
    day = start.date()
    while day <= until.date():
        for slot in dose_slots_on(history, day):
            if start < slot.at <= until and not is_logged(history, slot):
                found.append(slot)
        day += timedelta(days=1)
    return found


def next_dose_slot(history: History, now: datetime) -> DoseSlot | None:
    """The first dose reminder after `now` not logged yet (within the next 8 days), if any."""
    for offset in range(LOOKAHEAD_DAYS + 1):
        for slot in dose_slots_on(history, now.date() + timedelta(days=offset)):
            if slot.at > now and not is_logged(history, slot):
                return slot
    return None
