"""Tests of derived values: T/E, T/LH, calculated free testosterone and semen counts."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.derived import (
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_US,
    T_LH_REFERENCE,
    T_LH_REFERENCE_SOURCE,
    Derived,
    calculated_free_testosterone,
    derive_draw,
    semen_derived,
    t_e_below_threshold,
    t_e_ratio,
    t_e_ratio_si,
    t_lh_ratio,
    vermeulen_free_testosterone_mol_l,
)
from fertilitytracker.core.records import Comparator, LabDraw, LabResult, SemenAnalysis
from fertilitytracker.core.units import from_canonical, to_canonical

DAY = date(2026, 1, 5)


def lab(
    analyte: str,
    value: float,
    comparator: Comparator | None = None,
    entered: tuple[float, str] | None = None,
) -> LabResult:
    entered_value, entered_unit = entered or (value, "")
    return LabResult(analyte, value, entered_value, entered_unit, comparator)


def draw(*results: LabResult) -> LabDraw:
    return LabDraw(DAY, tuple(results))


# --- T/E ---------------------------------------------------------------------------------


def test_t_e_ratio_worked_example() -> None:
    derived = t_e_ratio(draw(lab("total_testosterone", 450), lab("estradiol", 30)))
    assert derived.value == pytest.approx(15.0)
    assert derived.reason is None
    assert "Pavlovich" in (derived.source or "")


def test_t_e_below_threshold_is_decided_on_the_unrounded_us_ratio() -> None:
    # 9.997 would show as "10.0" rounded; it is below 10 (docs/clinical.md §3).
    assert t_e_below_threshold(draw(lab("total_testosterone", 299.91), lab("estradiol", 30)))
    assert not t_e_below_threshold(draw(lab("total_testosterone", 300), lab("estradiol", 30)))
    assert t_e_below_threshold(draw(lab("total_testosterone", 300))) is None


def test_t_e_ratio_si_matches_threshold_scale() -> None:
    d = draw(lab("total_testosterone", 450), lab("estradiol", 30))
    si = t_e_ratio_si(d)
    assert si.value == pytest.approx((450 / 28.842) / (30 / 0.27238))
    # The SI threshold is the US threshold in SI units: 10 × 0.27238 / 28.842 ≈ 0.0944.
    si_threshold = T_E_THRESHOLD_US * 0.27238 / 28.842
    assert si_threshold == pytest.approx(T_E_THRESHOLD_SI, abs=5e-5)
    at_threshold = draw(lab("total_testosterone", 300), lab("estradiol", 30))
    assert t_e_ratio(at_threshold).value == pytest.approx(10.0)
    assert t_e_ratio_si(at_threshold).value == pytest.approx(0.0944, abs=5e-5)


def test_t_e_ratio_needs_both_from_the_same_draw() -> None:
    derived = t_e_ratio(draw(lab("total_testosterone", 450)))
    assert derived.value is None
    assert derived.reason == "needs total testosterone and estradiol from the same draw"
    assert t_e_ratio(draw(lab("estradiol", 30))).value is None
    assert t_e_ratio(draw()).value is None


def test_t_e_ratio_censored_estradiol() -> None:
    d = draw(lab("total_testosterone", 450), lab("estradiol", 5, "<", (5, "pg/mL")))
    derived = t_e_ratio(d)
    assert derived.value is None
    assert derived.reason == "estradiol is below detection (<5 pg/mL): ratio not computed"
    assert t_e_ratio_si(d).value is None


def test_t_e_ratio_censored_testosterone() -> None:
    d = draw(lab("total_testosterone", 1500, ">", (1500, "ng/dL")), lab("estradiol", 30))
    derived = t_e_ratio(d)
    assert derived.value is None
    assert derived.reason == (
        "total testosterone is above the reporting limit (>1500 ng/dL): ratio not computed"
    )


def test_t_e_ratio_zero_estradiol() -> None:
    derived = t_e_ratio(draw(lab("total_testosterone", 450), lab("estradiol", 0)))
    assert derived.value is None
    assert derived.reason == "estradiol is 0: ratio not computed"


# --- T/LH --------------------------------------------------------------------------------


def test_t_lh_ratio() -> None:
    derived = t_lh_ratio(draw(lab("total_testosterone", 400), lab("lh", 2.5)))
    assert derived.value == pytest.approx(160.0)
    assert T_LH_REFERENCE == 100.0
    assert "Lundy" in T_LH_REFERENCE_SOURCE and "2023" in T_LH_REFERENCE_SOURCE
    assert derived.source == T_LH_REFERENCE_SOURCE
    missing = t_lh_ratio(draw(lab("total_testosterone", 400)))
    assert missing.value is None
    assert missing.reason == "needs total testosterone and LH from the same draw"
    censored = t_lh_ratio(draw(lab("total_testosterone", 400), lab("lh", 0.2, "<", (0.2, "IU/L"))))
    assert censored.value is None
    assert censored.reason == "LH is below detection (<0.2 IU/L): ratio not computed"
    zero = t_lh_ratio(draw(lab("total_testosterone", 400), lab("lh", 0)))
    assert zero.value is None and zero.reason == "LH is 0: ratio not computed"


# --- calculated free testosterone (Vermeulen) --------------------------------------------


def test_free_testosterone_worked_example() -> None:
    albumin = lab("albumin", 4.3)
    derived = calculated_free_testosterone(
        draw(lab("total_testosterone", 500), lab("shbg", 30), albumin)
    )
    assert derived.value is not None
    assert round(derived.value, 1) == 110.9
    assert round(from_canonical("free_testosterone", derived.value, "pmol/L"), 1) == 384.3
    assert derived.unit == "pg/mL"
    assert derived.label == "calculated (Vermeulen)"
    assert derived.note is None


def test_free_testosterone_albumin_assumed_43_g_l() -> None:
    with_albumin = calculated_free_testosterone(
        draw(lab("total_testosterone", 500), lab("shbg", 30), lab("albumin", 4.3))
    )
    assumed = calculated_free_testosterone(draw(lab("total_testosterone", 500), lab("shbg", 30)))
    assert assumed.note == "albumin assumed 43 g/L"
    assert assumed.value == pytest.approx(with_albumin.value)


def test_free_testosterone_albumin_from_draw_matters() -> None:
    low_albumin = calculated_free_testosterone(
        draw(lab("total_testosterone", 500), lab("shbg", 30), lab("albumin", 3.0))
    )
    assert low_albumin.value is not None and low_albumin.value > 110.9


def test_free_testosterone_literal_formula() -> None:
    # The formula of docs/clinical.md §3 written out literally, for a few inputs.
    for t_ng_dl, shbg, albumin_g_l in [(500, 30, 43), (250, 80, 35), (1200, 10, 50), (50, 5, 43)]:
        tt = t_ng_dl * 10 / 288.42 * 1e-9
        s = shbg * 1e-9
        a_alb = albumin_g_l / 69000
        n = 1 + 3.6e4 * a_alb
        a = n * 1.0e9
        b = n + 1.0e9 * (s - tt)
        c = -tt
        literal = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
        assert vermeulen_free_testosterone_mol_l(t_ng_dl, shbg, albumin_g_l) == pytest.approx(
            literal, rel=1e-9
        )


def test_free_testosterone_needs_total_t_and_shbg() -> None:
    derived = calculated_free_testosterone(draw(lab("total_testosterone", 500)))
    assert derived.value is None
    assert derived.reason == "needs total testosterone and SHBG from the same draw"


def test_free_testosterone_comparator_on_any_input() -> None:
    censored_t = calculated_free_testosterone(
        draw(lab("total_testosterone", 20, "<", (20, "ng/dL")), lab("shbg", 30))
    )
    assert censored_t.value is None
    assert "below detection (<20 ng/dL)" in (censored_t.reason or "")
    censored_albumin = calculated_free_testosterone(
        draw(
            lab("total_testosterone", 500),
            lab("shbg", 30),
            lab("albumin", 1.0, "<", (10, "g/L")),
        )
    )
    assert censored_albumin.value is None
    assert censored_albumin.reason == (
        "albumin is below detection (<10 g/L): free testosterone not computed"
    )


@given(
    t=st.floats(1, 3000),
    shbg=st.floats(1, 200),
    albumin=st.floats(20, 60),
)
def test_free_testosterone_is_a_small_fraction_of_total(
    t: float, shbg: float, albumin: float
) -> None:
    free = vermeulen_free_testosterone_mol_l(t, shbg, albumin)
    total = t * 10 / 288.42 * 1e-9
    assert 0 < free < total
    # The root solves the binding equation a·FT² + b·FT + c = 0.
    n = 1 + 3.6e4 * albumin / 69000
    a, b, c = n * 1e9, n + 1e9 * (shbg * 1e-9 - total), -total
    assert abs(a * free * free + b * free + c) <= 1e-9 * total


# --- derive_draw -------------------------------------------------------------------------


def test_derive_draw_keys_and_values() -> None:
    d = draw(
        lab("total_testosterone", to_canonical("total_testosterone", 8.67, "nmol/L")),
        lab("estradiol", 35),
    )
    derived = derive_draw(d)
    assert set(derived) == {"t_e_ratio", "t_lh_ratio", "free_testosterone_calculated"}
    assert derived["t_e_ratio"].value == pytest.approx(250.06 / 35, rel=1e-4)
    assert derived["t_lh_ratio"].value is None
    assert derived["free_testosterone_calculated"].value is None
    assert all(isinstance(v, Derived) for v in derived.values())


# --- semen -------------------------------------------------------------------------------


def test_semen_worked_example() -> None:
    derived = semen_derived(SemenAnalysis(DAY, 3.0, 20.0, 50.0, 40.0))
    assert derived.total_sperm_count.value == pytest.approx(60.0)
    assert derived.tmsc.value == pytest.approx(30.0)
    assert derived.tmsc_progressive.value == pytest.approx(24.0)
    assert derived.tmsc.unit == "10^6"
    assert set(derived.as_dict()) == {"total_sperm_count", "tmsc", "tmsc_progressive"}


def test_semen_azoospermia_is_zero_whatever_motility() -> None:
    for motility in (None, 0.0, 50.0):
        derived = semen_derived(SemenAnalysis(DAY, 3.0, 0.0, motility, motility))
        assert derived.total_sperm_count.value == 0
        assert derived.tmsc.value == 0
        assert derived.tmsc_progressive.value == 0
        assert derived.tmsc.reason is None


def test_semen_missing_motility() -> None:
    derived = semen_derived(SemenAnalysis(DAY, 2.0, 10.0, None, 25.0))
    assert derived.total_sperm_count.value == pytest.approx(20.0)
    assert derived.tmsc.value is None
    assert derived.tmsc.reason == "needs total motility"
    assert derived.tmsc_progressive.value == pytest.approx(5.0)
    only_total = semen_derived(SemenAnalysis(DAY, 2.0, 10.0, 40.0))
    assert only_total.tmsc_progressive.value is None
    assert only_total.tmsc_progressive.reason == "needs progressive motility"


@given(
    volume=st.floats(0, 20),
    concentration=st.floats(0, 300),
    total=st.floats(0, 100),
    progressive=st.floats(0, 100),
)
def test_semen_counts_are_ordered(
    volume: float, concentration: float, total: float, progressive: float
) -> None:
    derived = semen_derived(SemenAnalysis(DAY, volume, concentration, total, progressive))
    count = derived.total_sperm_count.value
    assert count is not None and derived.tmsc.value is not None
    assert derived.tmsc_progressive.value is not None
    assert 0 <= derived.tmsc.value <= count * (1 + 1e-12)
    assert 0 <= derived.tmsc_progressive.value <= count * (1 + 1e-12)
