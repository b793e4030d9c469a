"""Derived values of one draw or one semen analysis from canonical units only.

The formulas are those of docs/clinical.md §3."""

from __future__ import annotations

import math
from typing import NamedTuple

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.records import LabDraw, LabResult, SemenAnalysis
from fertilitytracker.core.units import from_canonical

T_E_THRESHOLD_US = 10.0
T_E_THRESHOLD_US_SOURCE = (
    "T/E below 10 (ng/dL ÷ pg/mL) is the historical selection criterion for an aromatase "
    "inhibitor (Pavlovich 2001; Raman & Schlegel 2002)"
)
T_E_THRESHOLD_SI = 0.0944
T_E_THRESHOLD_SI_SOURCE = (
    "the same threshold in SI is 0.0944 (nmol/L ÷ pmol/L): never compare an SI ratio with 10 "
    "(Pavlovich 2001; Raman & Schlegel 2002)"
)
T_LH_REFERENCE = 100.0
T_LH_REFERENCE_SOURCE = (
    "pre-treatment T/LH ≥ 100 was reported as predicting response to anastrozole "
    "(Lundy et al., Fertil Steril 2023, abstract); a reference line, not a flag"
)

# Vermeulen 1999, exactly as docs/clinical.md §3.
VERMEULEN_KT_L_PER_MOL = 1.0e9  # SHBG association constant
VERMEULEN_KA_L_PER_MOL = 3.6e4  # albumin association constant
ALBUMIN_MOLAR_MASS_G_PER_MOL = 69_000.0
TESTOSTERONE_MOLAR_MASS_G_PER_MOL = 288.42
ASSUMED_ALBUMIN_G_L = 43.0
FREE_T_LABEL = "calculated (Vermeulen)"
FREE_T_SOURCE = (
    "Vermeulen 1999: Kt = 1.0e9 L/mol (SHBG), Ka = 3.6e4 L/mol (albumin), albumin 69,000 g/mol; "
    "reads ~1.19× higher than equilibrium dialysis"
)
TMSC_SOURCE = "Hamilton 2015"

MISSING_T_E = "needs total testosterone and estradiol from the same draw"
MISSING_T_LH = "needs total testosterone and LH from the same draw"
MISSING_FREE_T = "needs total testosterone and SHBG from the same draw"


class Derived(NamedTuple):
    """A derived value, or None with the reason it could not be computed.

    An immutable record made three times for every draw of years of them: a named tuple,
    which Python builds several times faster than a frozen dataclass.
    """

    value: float | None
    unit: str
    label: str
    reason: str | None = None
    note: str | None = None  # e.g. "albumin assumed 43 g/L"
    source: str | None = None
    # T/E only: below the reference, decided on the unrounded ratio in canonical units
    # (docs/clinical.md §3), whichever unit system the value is shown in.
    below_reference: bool | None = None
    reference: float | None = None  # the threshold in this value's own units


class SemenDerived(NamedTuple):
    """The counts derived from one semen analysis, in millions."""

    total_sperm_count: Derived
    tmsc: Derived
    tmsc_progressive: Derived

    def as_dict(self) -> dict[str, Derived]:
        """Keyed as in `labs --json`: total_sperm_count, tmsc, tmsc_progressive."""
        return {
            "total_sperm_count": self.total_sperm_count,
            "tmsc": self.tmsc,
            "tmsc_progressive": self.tmsc_progressive,
        }


def _format_number(value: float) -> str:
    return f"{value:g}"


def _censored_reason(result: LabResult, what: str) -> str | None:
    """Why a censored result cannot feed a computation, or None when it is exact."""
    if result.comparator is None:
        return None
    phrase = get_analyte(result.analyte).phrase
    side = "below detection" if result.comparator in ("<", "<=") else "above the reporting limit"
    printed = f"{result.comparator}{_format_number(result.entered_value)} {result.entered_unit}"
    return f"{phrase} is {side} ({printed}): {what} not computed"


def _inputs(
    draw: LabDraw, keys: tuple[str, ...], missing: str, what: str
) -> tuple[list[LabResult], str | None]:
    results = [draw.result(key) for key in keys]
    present = [result for result in results if result is not None]
    if len(present) != len(keys):
        return [], missing
    for result in present:
        reason = _censored_reason(result, what)
        if reason is not None:
            return [], reason
    return present, None


def _ratio(
    draw: LabDraw,
    denominator_key: str,
    missing: str,
    label: str,
    unit: str,
    si: bool,
    reference: float | None = None,
) -> Derived:
    """T ÷ the denominator of one draw; with a `reference` (T/E), whether the ratio is below
    it, decided on the canonical ratio (docs/clinical.md §3)."""
    results, reason = _inputs(draw, ("total_testosterone", denominator_key), missing, "ratio")
    source = {
        "estradiol": T_E_THRESHOLD_SI_SOURCE if si else T_E_THRESHOLD_US_SOURCE,
        "lh": T_LH_REFERENCE_SOURCE,
    }[denominator_key]
    if reason is not None:
        return Derived(None, unit, label, reason, source=source)
    testosterone, denominator = results
    t_value, d_value = testosterone.value, denominator.value
    if d_value == 0:
        phrase = get_analyte(denominator_key).phrase
        return Derived(None, unit, label, f"{phrase} is 0: ratio not computed", source=source)
    below = None if reference is None else t_value / d_value < T_E_THRESHOLD_US
    if si:
        t_value = from_canonical("total_testosterone", t_value, "nmol/L")
        d_value = from_canonical(denominator_key, d_value, "pmol/L")
    return Derived(
        t_value / d_value,
        unit,
        label,
        source=source,
        below_reference=below,
        reference=reference,
    )


def t_e_ratio(draw: LabDraw) -> Derived:
    """Total testosterone (ng/dL) ÷ estradiol (pg/mL) of one draw, flagged below 10."""
    return _ratio(
        draw,
        "estradiol",
        MISSING_T_E,
        "T/E ratio",
        "ng/dL per pg/mL",
        si=False,
        reference=T_E_THRESHOLD_US,
    )


def t_e_ratio_si(draw: LabDraw) -> Derived:
    """Total testosterone (nmol/L) ÷ estradiol (pmol/L) of one draw; compare with 0.0944.

    Whether it is below the reference is decided on the canonical ratio (docs/clinical.md
    §3), so the SI value and the US value of one draw always carry the same flag.
    """
    return _ratio(
        draw,
        "estradiol",
        MISSING_T_E,
        "T/E ratio (SI)",
        "nmol/L per pmol/L",
        si=True,
        reference=T_E_THRESHOLD_SI,
    )


def round_beside(value: float, reference: float | None, significant: int = 3) -> float:
    """`value` rounded to `significant` figures, with more where fewer would cross `reference`.

    docs/clinical.md §3: a shown value is never rounded across the threshold (9.997 shows as
    9.997, not 10), and a value below it never shows as equal to it.
    """
    if value == 0 or not math.isfinite(value):
        return value
    digits = significant
    while True:
        decimals = digits - 1 - math.floor(math.log10(abs(value)))
        shown = round(value, decimals)
        if reference is None or (shown < reference) == (value < reference):
            return float(shown)
        if digits >= 15:  # pragma: no cover - a float never needs more
            return value
        digits += 1


def t_e_below_threshold(draw: LabDraw) -> bool | None:
    """Whether the draw's T/E is below the threshold of docs/clinical.md §3 (None: no ratio).

    Decided on the unrounded ratio in canonical units (below 10 ng/dL ÷ pg/mL), whichever
    unit system is shown.
    """
    ratio = t_e_ratio(draw)
    return None if ratio.value is None else ratio.value < T_E_THRESHOLD_US


def t_lh_ratio(draw: LabDraw) -> Derived:
    """Total testosterone (ng/dL) ÷ LH (IU/L) of one draw (reference line 100, not a flag)."""
    return _ratio(draw, "lh", MISSING_T_LH, "T/LH ratio", "ng/dL per IU/L", si=False)


def vermeulen_free_testosterone_mol_l(
    total_testosterone_ng_dl: float, shbg_nmol_l: float, albumin_g_l: float
) -> float:
    """Free testosterone in mol/L by Vermeulen 1999 (the quadratic of docs/clinical.md §3)."""
    tt = total_testosterone_ng_dl * 10 / TESTOSTERONE_MOLAR_MASS_G_PER_MOL * 1e-9
    s = shbg_nmol_l * 1e-9
    a_albumin = albumin_g_l / ALBUMIN_MOLAR_MASS_G_PER_MOL
    n = 1 + VERMEULEN_KA_L_PER_MOL * a_albumin
    a = n * VERMEULEN_KT_L_PER_MOL
    b = n + VERMEULEN_KT_L_PER_MOL * (s - tt)
    c = -tt
    # (-b + √(b² − 4ac)) / 2a, rewritten as 2(−c) / (b + √(b² − 4ac)): algebraically the
    # same root, without the cancellation of −b + √… when b is large.
    root = math.sqrt(b * b - 4 * a * c)
    if b >= 0:
        return (-2 * c) / (b + root) if (b + root) != 0 else 0.0
    return (-b + root) / (2 * a)


def calculated_free_testosterone(draw: LabDraw) -> Derived:
    """Calculated free testosterone (pg/mL) from total T, SHBG and albumin of one draw."""
    results, reason = _inputs(
        draw, ("total_testosterone", "shbg"), MISSING_FREE_T, "free testosterone"
    )
    if reason is not None:
        return Derived(None, "pg/mL", FREE_T_LABEL, reason, source=FREE_T_SOURCE)
    testosterone, shbg = results
    albumin = draw.result("albumin")
    note: str | None = None
    if albumin is None:
        albumin_g_l = ASSUMED_ALBUMIN_G_L
        note = f"albumin assumed {_format_number(ASSUMED_ALBUMIN_G_L)} g/L"
    else:
        albumin_reason = _censored_reason(albumin, "free testosterone")
        if albumin_reason is not None:
            return Derived(None, "pg/mL", FREE_T_LABEL, albumin_reason, source=FREE_T_SOURCE)
        albumin_g_l = from_canonical("albumin", albumin.value, "g/L")
    free_mol_l = vermeulen_free_testosterone_mol_l(testosterone.value, shbg.value, albumin_g_l)
    # mol/L × g/mol = g/L; × 1e9 = pg/mL.
    free_pg_ml = free_mol_l * TESTOSTERONE_MOLAR_MASS_G_PER_MOL * 1e9
    return Derived(free_pg_ml, "pg/mL", FREE_T_LABEL, None, note=note, source=FREE_T_SOURCE)


def derive_draw(draw: LabDraw) -> dict[str, Derived]:
    """The derived values of one draw, keyed as in `labs --json`."""
    return {
        "t_e_ratio": t_e_ratio(draw),
        "t_lh_ratio": t_lh_ratio(draw),
        "free_testosterone_calculated": calculated_free_testosterone(draw),
    }


def semen_derived(analysis: SemenAnalysis) -> SemenDerived:
    """Total sperm count, TMSC and progressive TMSC (millions) of one semen analysis."""
    volume_ml = analysis.volume_ml
    concentration = analysis.concentration_m_per_ml
    total = volume_ml * concentration
    total_count = Derived(total, "10^6", "Total sperm count")
    tmsc_label = "TMSC (total motile sperm count)"
    progressive_label = "Progressive TMSC"

    def motile(percent: float | None, label: str, field_name: str) -> Derived:
        # With no sperm there are no motile sperm, whatever the motility fields hold.
        if concentration == 0:
            return Derived(0.0, "10^6", label, source=TMSC_SOURCE)
        if percent is None:
            return Derived(None, "10^6", label, f"needs {field_name}", source=TMSC_SOURCE)
        return Derived(total * percent / 100, "10^6", label, source=TMSC_SOURCE)

    return SemenDerived(
        total_sperm_count=total_count,
        tmsc=motile(analysis.total_motility_pct, tmsc_label, "total motility"),
        tmsc_progressive=motile(
            analysis.progressive_motility_pct, progressive_label, "progressive motility"
        ),
    )
