"""The Labs screen: enter a blood draw, see every draw with flags and derived values, DEXA scans."""

from fertilitytracker.gui.screens.labs.dexa_form import DexaForm
from fertilitytracker.gui.screens.labs.draw_form import PANELS, DrawForm
from fertilitytracker.gui.screens.labs.result_row import ANALYTE_KEY_ROLE, ResultRow, form_analytes
from fertilitytracker.gui.screens.labs.screen import LabsScreen

__all__ = [
    "ANALYTE_KEY_ROLE",
    "PANELS",
    "DexaForm",
    "DrawForm",
    "LabsScreen",
    "ResultRow",
    "form_analytes",
]
