"""What Today reads of the journal: only the latest records it shows or its rules look at.

Today shows the latest value of a few hormones, the latest T/E ratio and the tests due; the
monitoring rules read only the latest draw holding each of their sets of results and the latest
semen analysis and DEXA scan (core.monitoring.RULE_ANALYTES, docs/clinical.md §6). Those are
found through the draws' date index and read alone, so Today costs the same on a ten-year
journal as on a new one (docs/design.md: reads indexed and bounded to what is shown), and what
it shows is what the whole history would give.
"""

from __future__ import annotations

from datetime import date, timedelta

from fertilitytracker.core.monitoring import RULE_ANALYTES
from fertilitytracker.core.records import History, LabDraw
from fertilitytracker.storage.journal import Journal
from fertilitytracker.storage.labs import LabRepository

# The hormones whose latest value Today shows, in its order.
KEY_HORMONES: tuple[str, ...] = (
    "total_testosterone",
    "free_testosterone",
    "estradiol",
    "lh",
    "fsh",
)
_T_E = ("total_testosterone", "estradiol")


def latest_records(journal: Journal, today: date) -> History:
    """The draws, semen analyses and DEXA scans Today reads on `today` (the other kinds left
    empty), none dated after it: for each key hormone the latest draw holding it, the latest
    draw with a T/E ratio, the latest draw each monitoring rule reads, and the latest analysis
    and scan."""
    labs = journal.labs
    days: set[date] = set()
    for analytes in (*((key,) for key in KEY_HORMONES), *RULE_ANALYTES):
        days.update(labs.latest_dates(analytes, today))
    draws = {draw.date: draw for draw in labs.on_dates(days)}
    _add_t_e_draws(labs, today, draws)
    return History(
        draws=tuple(draws[day] for day in sorted(draws)),
        semen=tuple(journal.semen.latest_until(today)),
        dexa=tuple(journal.dexa.latest_until(today)),
    )


def _add_t_e_draws(labs: LabRepository, today: date, read: dict[date, LabDraw]) -> None:
    """Add to `read` the draws with total testosterone and estradiol from the latest back to the
    latest whose T/E ratio can be computed (a censored estradiol gives none, docs/clinical.md
    §3), read a few at a time, twice as many each time. The SI ratio can be computed exactly
    when the canonical one can: the same results, converted."""
    until, count = today, 1
    while True:
        days = labs.latest_dates(_T_E, until, count)
        if not days:
            return
        # Loaded only once there is a ratio to compute: a new journal's start does without it.
        from fertilitytracker.core.derived import t_e_ratio

        read.update((draw.date, draw) for draw in labs.on_dates(set(days) - read.keys()))
        if len(days) < count or any(t_e_ratio(read[day]).value is not None for day in days):
            return
        until, count = days[-1] - timedelta(days=1), count * 2
