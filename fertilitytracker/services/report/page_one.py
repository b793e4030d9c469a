"""Page 1 of the report: who and when, the warnings, key markers, medication and tests due."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker.core.adherence import Adherence
from fertilitytracker.services.report.data import (
    RegimenSummary,
)
from fertilitytracker.services.report.fonts import BOLD, REGULAR
from fertilitytracker.services.report.layout import (
    DISCLAIMER,
    EMPTY_DISCLAIMER,
    MAX_EPISODES_LISTED,
    MAX_STEPS_LISTED,
    NO_NAME,
    RULE_GREY,
    STATUS_WORDS,
    TEST_NAMES,
    TITLE,
    ReportLayout,
    change_text,
    value_text,
)
from fertilitytracker.services.report.sparkline import sparkline
from fertilitytracker.services.report.text import (
    FLAG_SENTENCES,
    FLAG_WORDS,
    day,
    markup,
    number,
)


class PageOne(ReportLayout):
    """The one-minute summary a clinician reads first."""

    # -- page 1 ----------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        data = self.data
        period = data.period
        days = (period.end - period.start).days + 1
        days_text = "1 day" if days == 1 else f"{days} days"
        as_of = ""
        if data.as_of is not None and data.as_of < data.generated_on:
            as_of = f"; as of {day(data.as_of)}"
        birth = data.patient_birth_date or "not recorded"
        if data.age is not None:
            birth += f" (age {data.age})"
        story: list[Flowable] = [
            self.para(TITLE, "title"),
            self.para(
                "Summary for the clinician · patient-recorded data, not a lab report", "subtitle"
            ),
            Spacer(1, 4),
        ]
        name = data.patient_name or NO_NAME
        info = [
            ["Patient", self.plain(name, "cell_bold")],
            ["Date of birth", birth],
            [
                "Period",
                f"{day(period.start)} to {day(period.end)} ({days_text}{as_of}); generated "
                f"{day(data.generated_on)}",
            ],
            [
                "Units",
                f"{self.units_text}; semen: WHO {data.who_edition} lower reference limits",
            ],
        ]
        story.append(
            self.table(
                info,
                [70, 430],
                extra=[
                    ("FONTNAME", (0, 0), (0, -1), BOLD),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
                    ("FONTNAME", (1, 0), (1, 0), BOLD),
                ],
                header_rows=1,
            )
        )
        if data.is_empty:
            story.append(
                self.para(
                    "<b>No data yet.</b> The journal holds no medications, lab results, semen "
                    "analyses, bone scans or symptoms. Record some in Fertility Tracker and "
                    "export the report again.",
                    "empty",
                )
            )
            story.append(Spacer(1, 8))
            story.append(self.para(EMPTY_DISCLAIMER, "small"))
            return story
        story += self._over_suppression()
        story.append(self.para("Key markers: latest value in the period", "h2"))
        story.append(self._markers_table())
        if data.flagged_lipids:
            listed = "; ".join(
                f"{markup(name)} {markup(value_text(cell))} {FLAG_WORDS[cell.flag]} "
                f"({day(cell.day)})"
                for name, cell in data.flagged_lipids
            )
            story.append(self.para(f"<b>Lipids flagged in the period:</b> {listed}", "base"))
        story.append(self.para(data.baseline_rule, "note"))
        story.append(self.para("Medication and adherence in the period", "h2"))
        story.append(self._regimens_table())
        story.append(self.para("Tests due (monitoring rules)", "h2"))
        story.append(self._due_table())
        story.append(Spacer(1, 6))
        story.append(self.para(DISCLAIMER, "small"))
        return story

    def _over_suppression(self) -> list[Flowable]:
        episodes = self.data.over_suppression
        if not episodes:
            return []
        story: list[Flowable] = []
        latest = [e for e in episodes if e.is_latest]
        if latest:
            episode = latest[0]
            inhibitors = " and ".join(episode.inhibitors)
            if episode.state == "cannot_tell":
                # docs/clinical.md §4 "cannot tell": a caution of its own, never "in range".
                title = (
                    f"◆ Estradiol: over-suppression cannot be ruled out while on "
                    f"{markup(inhibitors)}"
                )
            else:
                title = f"▼ Estradiol below the floor while on {markup(inhibitors)}"
            floor_from = (
                "the low bound of the clinician's estradiol target"
                if episode.floor_origin == "clinician"
                else "the default floor; a lab's printed range never sets it"
            )
            box = Table(
                [
                    [self.para(title, "warning")],
                    [
                        self.para(
                            f"Latest estradiol {markup(value_text(episode.value))} on "
                            f"{day(episode.day)}: {markup(episode.caution)}. The floor is "
                            f"{number(episode.floor)} {markup(episode.unit)} ({floor_from}). "
                            "Over-suppressed estradiol is reported as harmful to bone, "
                            "libido and erectile function, mood and lipids (sources on the last "
                            "pages)."
                        )
                    ],
                ],
                colWidths=[self.width],
            )
            box.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                        ("BOX", (0, 0), (-1, -1), 1.6, colors.black),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.93, 0.93, 0.93)),
                        ("LEFTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            story += [Spacer(1, 6), box]
        earlier = [e for e in episodes if not e.is_latest]
        if earlier:
            # Page 1 must stay a one-minute read: the most recent few, and a count.
            shown = earlier[-MAX_EPISODES_LISTED:]
            listed = "; ".join(
                f"{day(e.day)}: {markup(value_text(e.value))}"
                f"{' (cannot tell)' if e.state == 'cannot_tell' else ''}, "
                f"on {markup(' and '.join(e.inhibitors))}"
                for e in shown
            )
            if len(earlier) > len(shown):
                listed = f"{len(earlier)} draws; the latest {len(shown)}: {listed}"
            tail = " The latest value is not below the floor." if not latest else ""
            lead = "Earlier in the period too" if latest else "Earlier in the period"
            # Say what was found: below the floor, a limit that cannot tell, or both.
            states = {e.state for e in earlier}
            if states == {"cannot_tell"}:
                found = "over-suppression could not be ruled out"
            elif "cannot_tell" in states:
                found = "estradiol was below the floor, or over-suppression could not be ruled out"
            else:
                found = "estradiol was below the floor"
            story.append(Spacer(1, 5))
            story.append(
                self.para(
                    f"<b>▼ {lead}, {found} while an aromatase inhibitor was active</b> "
                    f"({listed}).{tail}",
                    "base",
                )
            )
        return story

    def _markers_table(self) -> Table:
        rows: list[list[Any]] = [
            ["Marker", "Latest", "Date", "Flag", "Baseline", "Change", "Trend"]
        ]
        extra: list[tuple[Any, ...]] = []
        relative = [78, 90, 48, 96, 100, 60, 40]
        widths = self.widths(relative)
        for index, marker in enumerate(self.data.markers, start=1):
            latest = marker.latest
            latest_cell: Any = value_text(latest)
            if latest is not None and latest.note:
                latest_cell = self.para(
                    f"{markup(value_text(latest))}<br/>"
                    f"<font size=7><i>{markup(latest.note)}</i></font>",
                    "cell",
                )
            if latest is None:
                latest_cell = self.para("<i>no result in period</i>", "cell")
            flag = FLAG_SENTENCES[latest.flag] if latest is not None else ""
            if marker.key == "t_e_ratio" and latest is not None and latest.value is not None:
                flag = (
                    f"▼ below {self.t_e_threshold} (ref.)"
                    if latest.flag == "below_reference"
                    else f"≥ {self.t_e_threshold} (ref.)"
                )
            elif marker.key == "tmsc" and latest is not None:
                flag = "no reference limit"
            if marker.flag_text:
                flag = marker.flag_text
            flagged = latest is not None and latest.flag in ("low", "high", "below_reference")
            if flagged:
                extra.append(("FONTNAME", (3, index), (3, index), BOLD))
            baseline = marker.baseline
            baseline_text: Any = "—"
            if baseline is not None:
                baseline_text = self.para(
                    f"{markup(value_text(baseline))} <font size=7>{day(baseline.day)}</font>",
                    "cell",
                )
            rows.append(
                [
                    self.fit(marker.label, widths[0]),
                    latest_cell,
                    day(latest.day) if latest is not None else "—",
                    self.fit(flag, widths[3], "cell_bold" if flagged else "cell"),
                    baseline_text,
                    change_text(marker.change),
                    sparkline(self.data.sparklines.get(marker.key, ()), widths[6] - 6, 9),
                ]
            )
        extra.append(("ALIGN", (5, 1), (5, -1), "RIGHT"))
        return self.table(rows, relative, extra)

    def _step_lines(self, regimen: RegimenSummary) -> list[str]:
        """The latest dose steps of a regimen taken at the end; a count for the others."""
        changes = len(regimen.steps) - 1
        noun = "dose change" if changes == 1 else "dose changes"
        if not regimen.active_at_end:
            return [f"{changes} {noun}"]
        shown = regimen.steps[-MAX_STEPS_LISTED:]
        if len(regimen.steps) - len(shown) <= 1:
            shown = regimen.steps[-(MAX_STEPS_LISTED + 1) :]
        lines = [f"{day(d)}: {markup(text)}" for d, text in shown]
        # The hidden steps hold the start: every other one is a dose change.
        hidden = len(regimen.steps) - len(shown) - 1
        if hidden > 0:
            noun = "dose change" if hidden == 1 else "dose changes"
            lines.insert(0, f"{hidden} earlier {noun}, then from")
        return lines

    def _regimens_table(self) -> Flowable:
        if not self.data.regimens:
            return self.para("No medication recorded in this period.")
        rows: list[list[Any]] = [
            ["Medication", "Dose and schedule", "Started", "Status", "Adherence in period"]
        ]
        for regimen in self.data.regimens:
            status = "taking" if regimen.active_at_end else f"stopped {day(regimen.stop)}"
            if regimen.stop is not None and regimen.active_at_end:
                status = f"taking; stops {day(regimen.stop)}"
            changes = ""
            if len(regimen.steps) > 1:
                changes = "<br/>" + "<br/>".join(
                    f"<font size=7>{line}</font>" for line in self._step_lines(regimen)
                )
            adherence_text = _adherence_text(regimen)
            rows.append(
                [
                    self.para(
                        f"<b>{markup(regimen.name)}</b><br/>"
                        f"<font size=7>{markup(regimen.class_label)}</font>",
                        "cell",
                    ),
                    self.para(
                        f"{markup(regimen.dose_text)} {markup(regimen.schedule_text)}{changes}",
                        "cell",
                    ),
                    day(regimen.start),
                    self.para(status, "cell"),
                    self.para(adherence_text, "cell"),
                ]
            )
        return self.table(rows, [80, 132, 50, 83, 160])

    def _due_table(self) -> Flowable:
        if not self.data.due:
            return self.para("No test is due by the monitoring rules.")
        rows: list[list[Any]] = [["Test", "Status", "Opens", "Due", "Why"]]
        extra: list[tuple[Any, ...]] = []
        for index, test in enumerate(self.data.due, start=1):
            rows.append(
                [
                    self.plain(TEST_NAMES.get(test.test, test.test)),
                    STATUS_WORDS.get(test.status, test.status),
                    day(test.opens),
                    day(test.due),
                    self.plain(test.reason),
                ]
            )
            if test.status == "overdue":
                extra.append(("FONTNAME", (1, index), (1, index), BOLD))
        return self.table(rows, [120, 55, 55, 55, 215], extra)


def _share(adherence: Adherence | None) -> str:
    """ "97% (87 of 90)", or why there is no figure."""
    if adherence is None or adherence.expected == 0:
        return "no doses expected"
    if adherence.taken + adherence.skipped == 0:
        return "doses not logged"
    assert adherence.adherence is not None
    return f"{adherence.adherence * 100:.0f}% ({adherence.taken} of {adherence.expected})"


def _adherence_text(regimen: RegimenSummary) -> str:
    """Adherence in the period, the last 30 and 90 days, and the last dose logged.

    With no dose logged in a window the patient did not log, which is not 0 % taken.
    """
    period = regimen.adherence
    if period.expected == 0:
        return "no doses expected"
    if period.taken + period.skipped == 0:
        text = "<b>doses not logged</b> in the period"
    elif not regimen.active_at_end:
        text = f"{_share(period)}; {period.skipped} skipped, {period.missed} missed"
    else:
        text = (
            f"{_share(period)} taken in the period; {period.skipped} skipped, "
            f"{period.missed} missed (not logged)"
        )
    if regimen.active_at_end:
        text += f"<br/>last 30 days: {_share(regimen.last_30)}"
        text += f"<br/>last 90 days: {_share(regimen.last_90)}"
    last = day(regimen.last_logged) if regimen.last_logged else "never"
    return text + f"<br/>last dose logged: {last}"
