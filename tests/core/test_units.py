"""Tests of unit matching and conversion: every factor, every trap of docs/clinical.md."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.analytes import all_analytes, get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.units import (
    check_plausible,
    convert_for_display,
    from_canonical,
    is_accepted_unit,
    normalise_unit_text,
    parse_unit,
    to_canonical,
    unit_for_system,
)

# Every factor of docs/clinical.md §1: (analyte, unit, factor to canonical)
FACTORS = [
    ("total_testosterone", "ng/dL", 1),
    ("total_testosterone", "nmol/L", 28.842),
    ("total_testosterone", "ng/mL", 100),
    ("free_testosterone", "pg/mL", 1),
    ("free_testosterone", "pmol/L", 0.28842),
    ("free_testosterone", "ng/dL", 10),
    ("free_testosterone", "nmol/L", 288.42),
    ("estradiol", "pg/mL", 1),
    ("estradiol", "pmol/L", 0.27238),
    ("estradiol", "ng/L", 1),
    ("estradiol", "ng/dL", 10),
    ("lh", "IU/L", 1),
    ("lh", "mIU/mL", 1),
    ("fsh", "IU/L", 1),
    ("fsh", "mIU/mL", 1),
    ("shbg", "nmol/L", 1),
    ("prolactin", "ng/mL", 1),
    ("prolactin", "ug/L", 1),
    ("albumin", "g/dL", 1),
    ("albumin", "g/L", 0.1),
    ("hematocrit", "%", 1),
    ("hematocrit", "L/L", 100),
    ("psa", "ng/mL", 1),
    ("psa", "ug/L", 1),
    ("total_cholesterol", "mg/dL", 1),
    ("total_cholesterol", "mmol/L", 38.67),
    ("hdl", "mg/dL", 1),
    ("hdl", "mmol/L", 38.67),
    ("ldl", "mg/dL", 1),
    ("ldl", "mmol/L", 38.67),
    ("triglycerides", "mg/dL", 1),
    ("triglycerides", "mmol/L", 88.57),
    ("dexa_t_score", "SD", 1),
    ("semen_volume", "mL", 1),
    ("sperm_concentration", "10^6/mL", 1),
    ("total_motility", "%", 1),
    ("progressive_motility", "%", 1),
    ("normal_morphology", "%", 1),
    ("total_sperm_count", "10^6", 1),
]


@pytest.mark.parametrize(("key", "unit", "factor"), FACTORS)
def test_every_factor(key: str, unit: str, factor: float) -> None:
    assert parse_unit(key, unit).factor == factor
    assert to_canonical(key, 2.0, unit) == 2.0 * factor
    assert from_canonical(key, 2.0 * factor, unit) == pytest.approx(2.0, rel=1e-15)


def test_every_accepted_unit_is_listed_in_factors() -> None:
    listed = {(key, unit) for key, unit, _factor in FACTORS}
    catalogue = {(a.key, u.text) for a in all_analytes() for u in a.units}
    assert catalogue == listed


def test_trap_estradiol_ng_dl_is_ten_times_pg_ml() -> None:
    assert to_canonical("estradiol", 3.0, "ng/dL") == 30.0
    assert from_canonical("estradiol", 30.0, "ng/dL") == 3.0


def test_trap_testosterone_nmol_l_is_about_29_times() -> None:
    assert to_canonical("total_testosterone", 10.0, "nmol/L") == pytest.approx(288.42)
    assert from_canonical("total_testosterone", 288.42, "nmol/L") == pytest.approx(10.0)
    # 1 ng/dL = 0.0346717 nmol/L (docs/clinical.md derivation)
    assert from_canonical("total_testosterone", 1.0, "nmol/L") == pytest.approx(0.0346717, rel=1e-5)


def test_trap_hematocrit_fraction() -> None:
    assert to_canonical("hematocrit", 0.45, "L/L") == pytest.approx(45.0)
    assert to_canonical("hematocrit", 45, "%") == 45


def test_estradiol_molar_derivation() -> None:
    # 1 pg/mL = 3.67134 pmol/L
    assert from_canonical("estradiol", 1.0, "pmol/L") == pytest.approx(3.67134, rel=1e-5)
    assert to_canonical("estradiol", 110, "pmol/L") == pytest.approx(29.9618)


def test_lipid_derivations() -> None:
    assert from_canonical("total_cholesterol", 1.0, "mmol/L") == pytest.approx(0.02586, rel=1e-3)
    assert from_canonical("triglycerides", 1.0, "mmol/L") == pytest.approx(0.01129, rel=1e-3)


def test_lh_iu_l_and_miu_ml_are_the_same_number() -> None:
    assert to_canonical("lh", 4.2, "mIU/mL") == 4.2
    assert to_canonical("fsh", 4.2, "m[IU]/mL") == 4.2


def test_trap_prolactin_miu_l_refused() -> None:
    for spelling in ("mIU/L", "miu/l", "m[IU]/L", "MIU/L", "mU/L", "uIU/mL", "µIU/mL"):
        with pytest.raises(InputError) as caught:
            parse_unit("prolactin", spelling)
        assert caught.value.field == "unit"
        assert "factor your lab states" in caught.value.reason


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("total_testosterone", "ng/dl", "ng/dL"),
        ("total_testosterone", "NG/DL", "ng/dL"),
        ("total_testosterone", " ng / dL ", "ng/dL"),
        ("total_testosterone", "nmol/l", "nmol/L"),
        ("total_testosterone", "NMOL/L", "nmol/L"),
        ("estradiol", "PG/ML", "pg/mL"),
        ("estradiol", "pmol/l", "pmol/L"),
        ("lh", "mIU/ml", "mIU/mL"),
        ("lh", "miu/ml", "mIU/mL"),
        ("lh", "m[IU]/mL", "mIU/mL"),
        ("lh", "[IU]/L", "IU/L"),
        ("lh", "iu/l", "IU/L"),
        ("fsh", "IU/L", "IU/L"),
        ("prolactin", "ug/L", "ug/L"),
        ("prolactin", "µg/L", "ug/L"),
        ("prolactin", "μg/L", "ug/L"),  # Greek mu
        ("prolactin", "mcg/L", "ug/L"),
        ("prolactin", "MCG/L", "ug/L"),
        ("psa", "ng/ml", "ng/mL"),
        ("psa", "µg/l", "ug/L"),
        ("albumin", "g/l", "g/L"),
        ("albumin", "G/DL", "g/dL"),
        ("hematocrit", "l/l", "L/L"),
        ("hematocrit", "%", "%"),
        ("hematocrit", "percent", "%"),
        ("total_cholesterol", "MMOL/L", "mmol/L"),
        ("triglycerides", "mg/dl", "mg/dL"),
        ("sperm_concentration", "x10^6/mL", "10^6/mL"),
        ("sperm_concentration", "X10^6/ML", "10^6/mL"),
        ("sperm_concentration", "×10^6/mL", "10^6/mL"),
        ("sperm_concentration", "x 10^6/mL", "10^6/mL"),
        ("sperm_concentration", "10*6/mL", "10^6/mL"),
        ("sperm_concentration", "10^6/ml", "10^6/mL"),
        ("sperm_concentration", "10⁶/mL", "10^6/mL"),
        ("sperm_concentration", "x10⁶/mL", "10^6/mL"),
        ("sperm_concentration", "M/mL", "10^6/mL"),
        ("sperm_concentration", "million/mL", "10^6/mL"),
        ("sperm_concentration", "Million/ml", "10^6/mL"),
        ("sperm_concentration", "millions/mL", "10^6/mL"),
        ("semen_volume", "ml", "mL"),
        ("semen_volume", "ML", "mL"),
        ("total_motility", "%", "%"),
        ("total_sperm_count", "million", "10^6"),
        ("total_sperm_count", "x10^6", "10^6"),
        ("total_sperm_count", "10*6", "10^6"),
        ("dexa_t_score", "SD", "SD"),
        ("dexa_t_score", "sd", "SD"),
        ("dexa_t_score", "{SD}", "SD"),
        ("dexa_t_score", "T-score", "SD"),
    ],
)
def test_tolerant_matching(key: str, typed: str, expected: str) -> None:
    assert parse_unit(key, typed).text == expected


@pytest.mark.parametrize(
    ("key", "ucum"),
    [
        ("total_testosterone", "ng/dL"),
        ("total_testosterone", "nmol/L"),
        ("estradiol", "pg/mL"),
        ("estradiol", "pmol/L"),
        ("lh", "[IU]/L"),
        ("lh", "m[IU]/mL"),
        ("total_cholesterol", "mg/dL"),
        ("total_cholesterol", "mmol/L"),
        ("total_motility", "%"),
        ("semen_volume", "mL"),
        ("sperm_concentration", "10*6/mL"),
        ("total_sperm_count", "10*6"),
    ],
)
def test_ucum_codes_of_clinical_section_7(key: str, ucum: str) -> None:
    unit = parse_unit(key, ucum)
    assert unit.ucum == ucum


def test_empty_unit_refused_except_dexa() -> None:
    for typed in ("", "   "):
        with pytest.raises(InputError) as caught:
            parse_unit("estradiol", typed)
        assert caught.value.field == "unit"
        assert caught.value.reason == "a unit is required for estradiol"
        assert parse_unit("dexa_t_score", typed).text == "SD"
    with pytest.raises(InputError) as caught:
        parse_unit("total_testosterone", "")
    assert caught.value.reason == "a unit is required for total testosterone"


def test_foreign_unit_refused_with_accepted_list() -> None:
    with pytest.raises(InputError) as caught:
        parse_unit("estradiol", "pg/dL")
    assert caught.value.field == "unit"
    assert caught.value.reason == (
        "'pg/dL' is not a unit for estradiol (accepted: pg/mL, pmol/L, ng/L, ng/dL)"
    )


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("estradiol", "ng/mL"),
        ("estradiol", "mg/dL"),
        ("total_testosterone", "pg/mL"),
        ("total_testosterone", "mmol/L"),
        ("lh", "U/L"),  # not in docs/clinical.md
        ("lh", "mIU/L"),
        ("shbg", "ng/dL"),
        ("hematocrit", "g/dL"),
        ("hematocrit", "fraction"),
        ("albumin", "mg/dL"),
        ("total_cholesterol", "mg/L"),
        ("sperm_concentration", "10^3/mL"),
        ("sperm_concentration", "10^6/L"),
        ("semen_volume", "L"),
        ("dexa_t_score", "g/cm2"),
    ],
)
def test_wrong_units_refused(key: str, typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_unit(key, typed)
    assert caught.value.field == "unit"
    assert not is_accepted_unit(key, typed)


def test_unit_for_unknown_analyte() -> None:
    with pytest.raises(InputError) as caught:
        parse_unit("cortisol", "ug/dL")
    assert caught.value.field == "analyte"


def test_parse_unit_accepts_loinc_for_analyte() -> None:
    assert parse_unit("2243-4", "pmol/L").factor == 0.27238


def test_normalise_unit_text() -> None:
    assert normalise_unit_text(" x10^6 / mL ") == "10*6/ml"
    assert normalise_unit_text("m[IU]/mL") == normalise_unit_text("mIU/mL")
    assert normalise_unit_text("µg/L") == normalise_unit_text("mcg/L") == "ug/l"


def test_convert_for_display() -> None:
    value, unit = convert_for_display("total_testosterone", 288.42, "si")
    assert unit == "nmol/L"
    assert value == pytest.approx(10.0)
    assert convert_for_display("total_testosterone", 450.0, "us") == (450.0, "ng/dL")
    value, unit = convert_for_display("albumin", 4.3, "si")
    assert (value, unit) == (pytest.approx(43.0), "g/L")
    value, unit = convert_for_display("estradiol", 30.0, "si")
    assert unit == "pmol/L"
    assert value == pytest.approx(110.14, abs=0.01)


def test_unknown_unit_system_refused() -> None:
    with pytest.raises(InputError) as caught:
        unit_for_system("estradiol", "metric")
    assert caught.value.field == "units"


def test_no_rounding() -> None:
    # 12.3456789 nmol/L keeps all its digits through conversion.
    canonical = to_canonical("total_testosterone", 12.3456789, "nmol/L")
    assert canonical == 12.3456789 * 28.842
    assert to_canonical("estradiol", 12.3456789, "pg/mL") == 12.3456789


_values = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
_unit_pairs = st.sampled_from([(key, unit) for key, unit, _factor in FACTORS])


@given(pair=_unit_pairs, value=_values)
def test_round_trip_entered_unit(pair: tuple[str, str], value: float) -> None:
    key, unit = pair
    back = from_canonical(key, to_canonical(key, value, unit), unit)
    assert math.isclose(back, value, rel_tol=1e-12)


@given(pair=_unit_pairs, value=_values)
def test_round_trip_canonical(pair: tuple[str, str], value: float) -> None:
    key, unit = pair
    back = to_canonical(key, from_canonical(key, value, unit), unit)
    assert math.isclose(back, value, rel_tol=1e-12)


@given(key=st.sampled_from([a.key for a in all_analytes()]), value=_values)
def test_display_round_trip(key: str, value: float) -> None:
    for system in ("us", "si"):
        shown, unit = convert_for_display(key, value, system)
        assert math.isclose(to_canonical(key, shown, unit), value, rel_tol=1e-12)


@given(pair=_unit_pairs, a=_values, b=_values)
def test_conversion_is_monotonic(pair: tuple[str, str], a: float, b: float) -> None:
    key, unit = pair
    if a < b:
        # Non-strict: adjacent floats may round to the same product.
        assert to_canonical(key, a, unit) <= to_canonical(key, b, unit)


@given(
    pair=_unit_pairs,
    case=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_case_variants_of_every_unit_match(pair: tuple[str, str], case: list[bool]) -> None:
    key, unit = pair
    typed = "".join(ch.upper() if case[i % len(case)] else ch.lower() for i, ch in enumerate(unit))
    assert parse_unit(key, typed).text == unit


def test_check_plausible() -> None:
    check_plausible("total_testosterone", 5000)
    with pytest.raises(InputError) as caught:
        check_plausible("total_testosterone", 5000.1)
    assert caught.value.field == "value"
    assert "beyond any plausible total testosterone" in caught.value.reason
    with pytest.raises(InputError):
        check_plausible("estradiol", -1)
    with pytest.raises(InputError):
        check_plausible("total_motility", 100.5, field="motility")
    check_plausible("dexa_t_score", -3.2)
    with pytest.raises(InputError):
        check_plausible("estradiol", math.nan)
    assert get_analyte("sperm_concentration").plausible_max == 1000
