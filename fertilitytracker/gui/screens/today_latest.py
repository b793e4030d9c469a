"""Today's latest hormones: the estradiol warning banner and the latest-hormones panel."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from fertilitytracker.core.derived import (
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    t_e_below_threshold,
)
from fertilitytracker.core.ranges import OVER_SUPPRESSION_SOURCE
from fertilitytracker.core.records import History
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.theme import colour_text, flag_color, warning_style
from fertilitytracker.gui.widgets.flag_badge import FlagBadge
from fertilitytracker.gui.widgets.rich_text import escaped
from fertilitytracker.gui.widgets.sections import GridSection, muted_label
from fertilitytracker.services.formatting import format_beside, format_number
from fertilitytracker.services.result_words import LC_MS_ADVICE, flag_words, value_text
from fertilitytracker.services.today import KEY_HORMONES
from fertilitytracker.services.views import DrawView, ResultView, lab_draw_view


class LatestValue(NamedTuple):
    """The latest result of one analyte as shown on Today."""

    result: ResultView
    draw_date: str


class SuppressionWarning(NamedTuple):
    """The estradiol state of docs/clinical.md §4 of the latest estradiol, as the core read it."""

    result: ResultView
    draw_date: str
    value_text: str
    floor_text: str
    regimens: str

    @property
    def cannot_tell(self) -> bool:
        return self.result.estradiol_state == "cannot_tell"


def latest_values(
    context: AppContext, history: History
) -> tuple[dict[str, LatestValue], DrawView | None]:
    """The latest result of each key hormone and the latest draw with a T/E ratio."""
    today = context.today()
    system = context.unit_system()
    edition = context.who_edition()
    latest: dict[str, LatestValue] = {}
    ratio_view: DrawView | None = None
    # Newest first, viewing only the draws still needed: the cost does not grow with the
    # years of draws behind the latest ones.
    for draw in reversed(history.draws):
        if draw.date > today:
            continue
        analytes = {result.analyte for result in draw.results}
        wanted = {key for key in KEY_HORMONES if key in analytes and key not in latest}
        ratio_possible = ratio_view is None and {"total_testosterone", "estradiol"} <= analytes
        if not wanted and not ratio_possible:
            continue
        view = lab_draw_view(draw, history, system, edition)
        for result in view.results:
            if result.analyte in wanted:
                latest[result.analyte] = LatestValue(result, view.date.isoformat())
        ratio = view.derived.get("t_e_ratio")
        if ratio_view is None and ratio is not None and ratio.value is not None:
            ratio_view = view
        if ratio_view is not None and len(latest) == len(KEY_HORMONES):
            break
    return latest, ratio_view


def suppression_warning(latest: dict[str, LatestValue]) -> SuppressionWarning | None:
    """The estradiol state (docs/clinical.md §4) of the latest estradiol (`latest`, from
    `latest_values`), if it has one."""
    entry = latest.get("estradiol")
    if entry is None or entry.result.estradiol_state is None:
        return None
    result = entry.result
    return SuppressionWarning(
        result,
        entry.draw_date,
        f"{value_text(result)} {result.unit}",
        f"the floor of {format_number(result.floor)} {result.unit}",
        " and ".join(result.inhibitors),
    )


class EstradiolBanner(QLabel):
    """The over-suppression warning at the top of Today, hidden while there is none."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName("Estradiol warning")
        self.setVisible(False)

    def show_for(self, latest: dict[str, LatestValue]) -> None:
        """Show the warning of `latest` (from `latest_values`), or hide."""
        warning = suppression_warning(latest)
        self.setVisible(warning is not None)
        if warning is None:
            self.clear()
            return
        self.setStyleSheet(warning_style(self))
        # Escaped: a censored value ("<8") and a typed medication name are not markup.
        value = escaped(warning.value_text)
        floor = escaped(warning.floor_text)
        names = escaped(warning.regimens)
        advice = escaped(LC_MS_ADVICE[0].upper() + LC_MS_ADVICE[1:])
        if warning.cannot_tell:
            # docs/clinical.md §4 "cannot tell": a caution of its own, never silence.
            title = "⚠ Estradiol: over-suppression cannot be ruled out"
            body = (
                f"Your latest estradiol ({value} on {warning.draw_date}) is below the assay's "
                f"limit, which is not below {floor}, while an aromatase inhibitor ({names}) is "
                f"active: it may be below the floor. {advice}: "
                "discuss this result with your clinician."
            )
        else:
            title = "⚠ Estradiol may be over-suppressed"
            body = (
                f"Your latest estradiol ({value} on {warning.draw_date}) is below {floor} "
                f"while an aromatase inhibitor ({names}) is active. Over-suppression harms "
                "bone, libido and erectile function, mood and lipids: discuss this result with "
                "your clinician."
            )
        self.setText(
            # The most prominent message of the app (docs/clinical.md §4): a larger title line.
            f"<span style='font-size: large'><b>{title}</b></span><br>{body}"
            f"<br><small>Why: {escaped(OVER_SUPPRESSION_SOURCE)}</small>"
        )


def range_text(result: ResultView) -> str:
    """ "Target 300–1000 ng/dL (default range)": the target a value is flagged against."""
    low = format_number(result.target_low) if result.target_low is not None else "…"
    high = format_number(result.target_high) if result.target_high is not None else "…"
    return f"Target {low}–{high} {result.unit} ({result.range_source} range)"


class LatestHormonesPanel(GridSection):
    """The latest value of each key hormone with its flag and target, and the latest T/E."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Latest hormones", parent)
        self.context = context

    def show_for(
        self, history: History, latest: dict[str, LatestValue], ratio_view: DrawView | None
    ) -> None:
        """Show `latest` and `ratio_view` (from `latest_values` of `history`)."""
        self.clear()
        if not latest:
            self.show_empty("No lab results yet. Add a draw on the Labs page.")
            return
        row = 0
        for key in KEY_HORMONES:
            entry = latest.get(key)
            if entry is None:
                continue
            result = entry.result
            name = QLabel(result.name, self)
            value = QLabel(f"<b>{escaped(value_text(result))}</b> {escaped(result.unit)}", self)
            value.setAccessibleName(f"{result.name} value")
            value.setToolTip(range_text(result))
            badge = FlagBadge(result.flag, self)
            badge.setAccessibleName(f"{result.name} flag")
            badge.setToolTip(flag_words(result))
            # The target beside the value, so "in range" or "▼ low" can be read against it.
            target = muted_label(range_text(result), self)
            self.add_row(row, name, value, badge, muted_label(entry.draw_date, self), target)
            row += 1
        if ratio_view is not None:
            self._add_ratio_row(row, history, ratio_view)
        self.grid.setHorizontalSpacing(16)
        self.grid.setColumnStretch(5, 1)

    def _add_ratio_row(self, row: int, history: History, ratio_view: DrawView) -> None:
        ratio = ratio_view.derived["t_e_ratio"]
        si = self.context.unit_system() == "si"
        name = QLabel(ratio.label, self)
        # Never rounded across its threshold (docs/clinical.md §3).
        shown = format_beside(ratio.value, ratio.reference)
        value = QLabel(f"<b>{shown}</b> {ratio.unit}", self)
        value.setAccessibleName("T/E ratio value")
        value.setToolTip(ratio.source or "")
        reference = muted_label(_t_e_reference(si), self)
        reference.setToolTip(_t_e_source(si))
        reference.setWordWrap(True)
        when = muted_label(ratio_view.date.isoformat(), self)
        flag = _t_e_flag(history, ratio_view, si, self)
        self.add_row(row, name, value, flag, when, reference)


def _t_e_flag(history: History, view: DrawView, si: bool, parent: QWidget) -> QLabel:
    """ "▼ below 10" or "10 or above" for the T/E line (the core decides, in US units)."""
    draw = next(draw for draw in history.draws if draw.date == view.date)
    below = t_e_below_threshold(draw)
    threshold = _t_e_threshold_text(si)
    label = QLabel(f"▼ below {threshold}" if below else f"{threshold} or above", parent)
    label.setAccessibleName("T/E ratio flag")
    if below:
        colour_text(label, lambda palette: flag_color(palette, "low"))
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _t_e_threshold_text(si: bool) -> str:
    return format_number(T_E_THRESHOLD_SI if si else T_E_THRESHOLD_US)


def _t_e_reference(si: bool) -> str:
    unit = "nmol/L ÷ pmol/L" if si else "ng/dL ÷ pg/mL"
    return f"Reference: below {_t_e_threshold_text(si)} ({unit}); hover for the source"


def _t_e_source(si: bool) -> str:
    source = T_E_THRESHOLD_SI_SOURCE if si else T_E_THRESHOLD_US_SOURCE
    return source[0].upper() + source[1:]
