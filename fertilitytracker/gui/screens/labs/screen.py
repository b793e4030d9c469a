"""The Labs screen: the forms beside every draw with flags and derived values, and DEXA scans."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QWidget,
)

from fertilitytracker.core.analytes import all_analytes
from fertilitytracker.core.draw_context import draw_context, morning_low_dates
from fertilitytracker.core.records import DexaScan, History, LabDraw, LabResult, dexa_scans
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.draws import DexaTableModel, DrawsTableModel, ResultsTableModel
from fertilitytracker.gui.screens.labs.dexa_form import DexaForm
from fertilitytracker.gui.screens.labs.draw_form import PANELS, DrawForm
from fertilitytracker.gui.theme import fit_columns, keep_columns_fitted, widen_columns
from fertilitytracker.gui.widgets.fields import action_button
from fertilitytracker.gui.widgets.record_screen import RecordPage, TableSection
from fertilitytracker.gui.widgets.record_table import (
    record_table,
    selected_record,
    sorted_proxy,
)
from fertilitytracker.gui.widgets.rich_text import escaped
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.services.operations import (
    Change,
)
from fertilitytracker.services.result_words import context_summary
from fertilitytracker.services.views import DrawView, ResultView, lab_draw_view, lab_draw_views

if TYPE_CHECKING:
    from fertilitytracker.gui.dialogs.edit_result import EditResultDialog

FORM_WIDTH_PX = 420
# The kinds of records the screen reads: draws, their context (regimens, doses; docs/clinical.md
# §8), the ranges in force and the scans. Semen analyses and symptoms are not read for it.
SHOWN = ("regimens", "doses", "draws", "dexa", "targets")


class LabsScreen(RecordPage):
    """Blood draws (form, table, details with edit and delete) and DEXA scans."""

    navigate_requested = Signal(object)  # a gui.navigation.Navigation
    result_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Labs", context, parent)
        self.setObjectName("labs_screen")
        self._selected_draw: date | None = None

        self.draw_form = DrawForm(context, self)
        self.dexa_form = DexaForm(context, self)

        self.draws_model = DrawsTableModel(parent=self)
        self.draws_proxy = sorted_proxy(self.draws_model, self)
        self.draws_table = self.newest_first("Blood draws", self.draws_proxy, word_wrap=False)
        keep_columns_fitted(self.draws_table)

        self.results_model = ResultsTableModel(parent=self)
        self.results_table = record_table("Results of the selected draw", self, word_wrap=False)
        self.results_table.setModel(self.results_model)
        self.results_table.horizontalHeader().setStretchLastSection(True)
        self.details_title = QLabel("Select a draw to see all its results.", self)
        # Wrapped, so that how wide the page must be does not change with the draw selected:
        # the splitter stays where it is when a draw is saved or selected.
        self.details_title.setWordWrap(True)
        # The selected draw's context (docs/clinical.md §8): time, fasting, doses, notes.
        self.context_label = QLabel("", self)
        self.context_label.setWordWrap(True)
        self.context_label.setObjectName("draw_context")
        self.paste_button = action_button(
            "&Paste results…",
            self,
            self.open_paste_dialog,
            accessible_name="Paste lab results as the lab printed them",
        )
        self.edit_button = action_button(
            "&Edit result…",
            self,
            self.edit_selected_result,
            accessible_name="Edit the selected result",
        )
        self.delete_button = action_button(
            "Delete result",
            self,
            self.delete_selected_result,
            accessible_name="Delete the selected result",
        )

        self.dexa_model = DexaTableModel(parent=self)
        self.dexa_proxy = sorted_proxy(self.dexa_model, self)
        self.dexa_table = self.newest_first("DEXA scans", self.dexa_proxy, word_wrap=False)
        self.dexa_table.horizontalHeader().setStretchLastSection(True)
        self.delete_dexa_button = action_button(
            "Delete scan",
            self,
            self.delete_selected_dexa,
            accessible_name="Delete the selected DEXA scan",
        )

        self._lay_out()

        self.draw_form.saved.connect(self._draw_saved)
        self.dexa_form.saved.connect(self._saved)
        self.draws_table.selectionModel().selectionChanged.connect(self._draw_selected)
        self.results_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.results_table.doubleClicked.connect(lambda _index: self.edit_selected_result())
        self.dexa_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.follower = self.follow()

    def _lay_out(self) -> None:
        self.form_scroll = self.scrolled_form_side(
            (self.paste_button, self.draw_form, self.dexa_form), min_width=400
        )

        draws_label = QLabel(
            "<b>Blood draws</b> — ▼ below / ▲ above target range · ◆ cannot tell (a limit) · "
            "⚠ estradiol below the floor or cannot tell, on an aromatase inhibitor · — not "
            "computed (hover for why) · * albumin assumed",
            self,
        )
        draws_label.setWordWrap(True)
        sections = (
            TableSection((draws_label,), self.draws_table, 3),
            TableSection(
                (self.details_title, self.context_label),
                self.results_table,
                2,
                (self.edit_button, self.delete_button),
            ),
            TableSection(
                (QLabel("<b>DEXA scans</b> — WHO bands", self),),
                self.dexa_table,
                1,
                (self.delete_dexa_button,),
            ),
        )
        # The form as narrow as it can be, so that the draws table beside it fits 1440 px.
        self.lay_out_page(self.form_scroll, sections, form_width=FORM_WIDTH_PX)

    # --- reading ----------------------------------------------------------------------------

    def draw_views(self) -> list[DrawView]:
        """The blood draws as the services view them, in the user's unit system."""
        history = self._context.history(SHOWN)
        return lab_draw_views(history, self._context.unit_system(), self._context.who_edition())

    def refresh(self, *_args: object) -> None:
        """Re-read the journal: tables, the selected draw's details and form validity."""
        history = self._context.history(SHOWN)
        self._morning_lows = morning_low_dates(history)
        self.draws_model.set_draws(self.draw_views(), self._context.unit_system())
        for column, spec in enumerate(self.draws_model.columns):
            empty = spec.key in {key for key, _ in _ANALYTE_COLUMNS} and not (
                self.draws_model.has_values(spec.key)
            )
            self.draws_table.setColumnHidden(column, empty)
        fit_columns(self.draws_table)
        self.dexa_model.set_rows(dexa_scans(history))
        self.draw_form.set_unit_system(self._context.unit_system())
        self._reselect_draw()
        self.draw_form.revalidate()
        self._update_buttons()

    def apply_change(self, change: Change) -> None:
        """Show what `change` touched: the draws it may change row by row, or else everything.

        A draw's row shows its context (docs/clinical.md §8): a dose changes the hours since
        the last dose of the draws after it.
        """
        if not change.touches("labs", "dexa", "targets", "settings", "doses", "regimens"):
            return
        if not change.is_bounded or change.touches("targets", "regimens"):
            self.refresh()
            return
        assert change.dates is not None
        history = self._context.history(SHOWN)
        days: set[date] = set()
        if change.touches("labs"):
            days |= change.dates
        if change.touches("doses"):
            first = min(change.dates)
            days |= {draw.date for draw in history.draws if draw.date >= first}
        if days and not self._update_draws(frozenset(days)):
            self.refresh()
            return
        if change.touches("dexa"):
            self.dexa_model.set_rows(dexa_scans(history))
        elif change.touches("labs"):
            self._update_scans(history, change.dates)
        self.draw_form.revalidate()
        self._update_buttons()

    def _update_draws(self, days: frozenset[date]) -> bool:
        """Update the rows of the draws of `days`; False when every row must be read again
        (the unconfirmed-low note of every low total testosterone came or went)."""
        history = self._context.history(SHOWN)
        changed = self._context.records_on("draws", days)
        # Only the changed draws can have become, or stopped being, morning lows: a change of
        # targets or regimens, which could change the others, reads everything again.
        morning_lows = (self._morning_lows - days) | morning_low_dates(history, changed)
        if (len(morning_lows) < 2) != (len(self._morning_lows) < 2):
            return False
        system = self._context.unit_system()
        edition = self._context.who_edition()
        views = [
            lab_draw_view(draw, history, system, edition, draw_context(draw, history, morning_lows))
            for draw in changed
        ]
        self._morning_lows = morning_lows
        rows = self.draws_model.update_draws(days, views)
        for view in views:
            for result in view.results:
                with contextlib.suppress(KeyError):
                    self.draws_table.setColumnHidden(
                        self.draws_model.column_of(result.analyte), False
                    )
        source = self.draws_model
        widen_columns(
            self.draws_table,
            [self.draws_proxy.mapFromSource(source.index(row, 0)).row() for row in rows],
        )
        selected = self.selected_draw()
        # A draw just saved is to be selected (_draw_saved names it), not only refreshed.
        if selected is None or selected.date != self._selected_draw:
            self._reselect_draw()
        elif self._selected_draw in days:
            self._show_details()
        return True

    def _update_scans(self, history: History, days: frozenset[date]) -> None:
        """Show the scans again if those of `days` changed: a draw's T-score is a scan too
        (docs/clinical.md §6). A draw without one leaves the DEXA table as it is."""
        of_days = History(
            draws=self._context.records_on("draws", days),
            dexa=self._context.records_on("dexa", days),
        )
        shown = [scan for scan in self.dexa_model.rows() if scan.date in days]
        if list(dexa_scans(of_days)) != shown:
            self.dexa_model.set_rows(dexa_scans(history))

    def _journal_replaced(self) -> None:
        self._selected_draw = None
        self.draw_form.reset()
        super()._journal_replaced()

    def _table_row_of(self, day: date | None) -> int:
        """The row of the draws table showing the draw of `day`; -1 when none does."""
        row = self.draws_model.row_of(day)
        if row < 0:
            return -1
        return self.draws_proxy.mapFromSource(self.draws_model.index(row, 0)).row()

    def _reselect_draw(self) -> None:
        target_row = self._table_row_of(self._selected_draw)
        if target_row < 0 and self.draws_proxy.rowCount():
            target_row = 0
        shown = self.selected_draw()
        if target_row >= 0:
            self.draws_table.selectRow(target_row)
        # Another row selected has shown its details already (_draw_selected); else the
        # same row's view may be a new one, or there is no row at all.
        if self.selected_draw() is shown:
            self._show_details()

    def selected_draw(self) -> DrawView | None:
        view: DrawView | None = selected_record(self.draws_table)
        return view

    def _draw_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        view = self.selected_draw()
        if view is not None:
            self._selected_draw = view.date
        self._show_details()

    def _show_details(self) -> None:
        view = self.selected_draw()
        if view is None:
            self.results_model.set_rows(())
            self.details_title.setText("Select a draw to see all its results.")
            self.context_label.setText("")
        else:
            self.results_model.set_rows(view.results)
            self.results_table.resizeColumnsToContents()
            when = view.date.isoformat() + (f" {view.time:%H:%M}" if view.time else "")
            self.details_title.setText(f"<b>Results of {when}</b> — as entered and converted")
            self.context_label.setText(_context_html(view))
        self._update_buttons()

    def selected_result(self) -> ResultView | None:
        result: ResultView | None = selected_record(self.results_table)
        return result

    def selected_dexa(self) -> DexaScan | None:
        scan: DexaScan | None = selected_record(self.dexa_table)
        return scan

    def _update_buttons(self, *_args: object) -> None:
        has_result = self.selected_result() is not None
        self.edit_button.setEnabled(has_result)
        self.delete_button.setEnabled(has_result)
        # A T-score recorded as a draw's result is deleted with that draw's results.
        scan = self.selected_dexa()
        self.delete_dexa_button.setEnabled(scan is not None and scan.id is not None)

    # --- writing ----------------------------------------------------------------------------

    def open_new_draw(self, analytes: list[str] | None = None, test: str | None = None) -> None:
        """Focus the draw form, with one row per analyte given (used by "Log result", Ctrl+L).

        A reminder's `test` with a panel template ("hormone_panel") fills its whole panel.
        """
        panel = next((panel for key, _label, panel in PANELS if key == test), None)
        if panel is not None:
            analytes = list(panel)
        self.draw_form.reset(analytes)
        self.draw_form.date_edit.set_value(self._context.today())
        self.form_scroll.ensureWidgetVisible(self.draw_form)
        first = self.draw_form.rows[0]
        (first.value_edit if analytes else first.analyte_combo).setFocus()

    def open_paste_dialog(self) -> QDialog:
        """Labs › Paste results…: the preview dialog (returned for tests; not modal)."""
        from fertilitytracker.gui.dialogs.paste_results import PasteResultsDialog

        dialog = PasteResultsDialog(self._context, self)
        dialog.saved.connect(lambda change: show_status(self, change.summary))
        dialog.open()
        return dialog

    def open_new_dexa(self) -> None:
        """Focus the DEXA form (used by the DEXA reminder's "Log result")."""
        self.dexa_form.date_edit.set_value(self._context.today())
        self.form_scroll.ensureWidgetVisible(self.dexa_form)
        self.dexa_form.t_score_edit.setFocus()

    def show_draw(self, day: date) -> bool:
        """Select the draw of `day` in the table (a click on a chart point); False if none."""
        row = self._table_row_of(day)
        if row < 0:
            return False
        self.draws_table.selectRow(row)
        self.draws_table.scrollTo(self.draws_proxy.index(row, 0))
        return True

    def _draw_saved(self, change: Change) -> None:
        # The draw just saved becomes the selected one, so its results show at once.
        self._selected_draw = self.draw_form.saved_date
        self._saved(change)

    def _saved(self, change: Change) -> None:
        self.saved(change)
        self.result_saved.emit(change)

    def _draw_and_record(self, result_id: int | None) -> tuple[LabDraw, LabResult] | None:
        """The draw holding the result `result_id`, and that result; None when none does."""
        for draw in self._context.history(("draws",)).draws:
            for result in draw.results:
                if result.id == result_id:
                    return draw, result
        return None

    def edit_selected_result(self) -> EditResultDialog | None:
        """Open the edit dialog for the selected result (returned for tests; modal otherwise)."""
        # Imported here: the dialog module builds on this package's entry fields.
        from fertilitytracker.gui.dialogs.edit_result import EditResultDialog

        view = self.selected_result()
        found = self._draw_and_record(view.result_id) if view else None
        if found is None:
            return None
        draw, record = found
        dialog = EditResultDialog(
            self._context,
            record,
            self,
            draw_date=draw.date,
            draw_time=draw.time,
            fasting=draw.fasting,
        )
        dialog.accepted.connect(lambda: self._edited(dialog))
        dialog.open()
        return dialog

    def _edited(self, dialog: EditResultDialog) -> None:
        if dialog.change is not None:
            self.saved(dialog.change)

    def delete_selected_result(self) -> None:
        """Delete the selected result; the undo bar offers it back."""
        view = self.selected_result()
        if view is not None and view.result_id is not None:
            self.delete_offering_undo(
                "lab_result", (view.result_id, f"{view.name} result deleted.")
            )

    def delete_selected_dexa(self) -> None:
        """Delete the selected scan (one of the DEXA form); the undo bar offers it back."""
        scan = self.selected_dexa()
        if scan is not None and scan.id is not None:
            message = f"DEXA scan of {scan.date.isoformat()} deleted."
            self.delete_offering_undo("dexa", (scan.id, message))


def _context_html(view: DrawView) -> str:
    if view.context is None:
        return ""
    lines = [f"<b>Context:</b> {escaped(context_summary(view.context))}"]
    lines += [
        f"<b>Note:</b> {escaped(note.text)} <i>({escaped(note.source)})</i>"
        for note in view.context.notes
    ]
    return "<br>".join(lines)


_ANALYTE_COLUMNS = tuple(
    (analyte.key, analyte.name) for analyte in all_analytes() if not analyte.is_semen
)
