"""Tests of the analyte catalogue: completeness against docs/clinical.md and lookups."""

from __future__ import annotations

import pytest

from fertilitytracker.core.analytes import (
    Analyte,
    all_analytes,
    analyte_for_loinc,
    analyte_keys,
    analytes_in_group,
    get_analyte,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.units import normalise_unit_text, unit_for_system

CLINICAL_KEYS = (
    "total_testosterone",
    "free_testosterone",
    "estradiol",
    "lh",
    "fsh",
    "shbg",
    "prolactin",
    "albumin",
    "hematocrit",
    "psa",
    "total_cholesterol",
    "hdl",
    "ldl",
    "triglycerides",
    "dexa_t_score",
    "semen_volume",
    "sperm_concentration",
    "total_motility",
    "progressive_motility",
    "normal_morphology",
    "total_sperm_count",
)

# (key, LOINC codes in docs/clinical.md order)
CLINICAL_LOINC = {
    "total_testosterone": ("2986-8", "14913-8"),
    "free_testosterone": ("2991-8", "14914-6"),
    "estradiol": ("2243-4", "14715-7"),
    "lh": ("10501-5",),
    "fsh": ("15067-2",),
    "shbg": ("13967-5",),
    "prolactin": ("2842-3",),
    "albumin": ("1751-7",),
    "hematocrit": ("4544-3", "20570-8"),
    "psa": ("2857-1",),
    "total_cholesterol": ("2093-3", "14647-2"),
    "hdl": ("2085-9", "14646-4"),
    "ldl": ("2089-1", "13457-7", "18262-6", "22748-8"),
    "triglycerides": ("2571-8", "14927-8"),
    "dexa_t_score": ("38267-1", "38263-0", "38264-8"),
    "semen_volume": ("3160-9",),
    "sperm_concentration": ("9780-8",),
    "total_motility": ("6800-7",),
    "progressive_motility": ("14194-5",),
    "normal_morphology": ("10622-9",),
    "total_sperm_count": (),
}

# (key, low, high) from docs/clinical.md §1
CLINICAL_DEFAULTS = {
    "total_testosterone": (300, 1080),
    "free_testosterone": (47, 244),
    "estradiol": (10, 42),
    "lh": (1.7, 8.6),
    "fsh": (1.2, 15.8),
    "shbg": (17, 56),
    "prolactin": (4.0, 15.2),
    "albumin": (3.5, 5.0),
    "hematocrit": (38.8, 50),
    "psa": (None, 4.0),
    "total_cholesterol": (None, 200),
    "hdl": (40, None),
    "ldl": (None, 100),
    "triglycerides": (None, 150),
    "dexa_t_score": (-1.0, None),
}

# (key, WHO 2021, WHO 2010) from docs/clinical.md §2
CLINICAL_WHO = {
    "semen_volume": (1.4, 1.5),
    "sperm_concentration": (16, 15),
    "total_motility": (42, 40),
    "progressive_motility": (30, 32),
    "normal_morphology": (4, 4),
    "total_sperm_count": (39, 39),
}


def test_catalogue_holds_every_clinical_analyte_in_order() -> None:
    assert analyte_keys() == CLINICAL_KEYS


@pytest.mark.parametrize("key", CLINICAL_KEYS)
def test_loinc_codes_match_clinical(key: str) -> None:
    assert get_analyte(key).loinc == CLINICAL_LOINC[key]


@pytest.mark.parametrize("key", list(CLINICAL_DEFAULTS))
def test_default_ranges_match_clinical(key: str) -> None:
    analyte = get_analyte(key)
    assert (analyte.default_low, analyte.default_high) == CLINICAL_DEFAULTS[key]
    assert analyte.range_source


@pytest.mark.parametrize("key", list(CLINICAL_WHO))
def test_who_limits_match_clinical(key: str) -> None:
    analyte = get_analyte(key)
    assert (analyte.who_2021_low, analyte.who_2010_low) == CLINICAL_WHO[key]
    assert analyte.who_source
    assert analyte.group == "semen"


def test_non_semen_analytes_have_no_who_limits() -> None:
    for analyte in all_analytes():
        if analyte.group != "semen":
            assert analyte.who_2021_low is None and analyte.who_2010_low is None


def test_groups() -> None:
    groups = {a.key: a.group for a in all_analytes()}
    assert groups["total_testosterone"] == "hormone"
    assert groups["hdl"] == "lipid"
    assert groups["hematocrit"] == "blood"
    assert groups["dexa_t_score"] == "bone"
    assert {a.key for a in analytes_in_group("semen")} == set(CLINICAL_WHO)
    assert set(groups.values()) <= {"hormone", "semen", "lipid", "blood", "bone"}


@pytest.mark.parametrize(
    ("key", "canonical", "ucum", "si"),
    [
        ("total_testosterone", "ng/dL", "ng/dL", "nmol/L"),
        ("free_testosterone", "pg/mL", "pg/mL", "pmol/L"),
        ("estradiol", "pg/mL", "pg/mL", "pmol/L"),
        ("lh", "IU/L", "[IU]/L", "IU/L"),
        ("fsh", "IU/L", "[IU]/L", "IU/L"),
        ("shbg", "nmol/L", "nmol/L", "nmol/L"),
        ("prolactin", "ng/mL", "ng/mL", "ng/mL"),
        ("albumin", "g/dL", "g/dL", "g/L"),
        ("hematocrit", "%", "%", "%"),
        ("psa", "ng/mL", "ng/mL", "ng/mL"),
        ("total_cholesterol", "mg/dL", "mg/dL", "mmol/L"),
        ("hdl", "mg/dL", "mg/dL", "mmol/L"),
        ("ldl", "mg/dL", "mg/dL", "mmol/L"),
        ("triglycerides", "mg/dL", "mg/dL", "mmol/L"),
        ("dexa_t_score", "SD", "{SD}", "SD"),
        ("semen_volume", "mL", "mL", "mL"),
        ("sperm_concentration", "10^6/mL", "10*6/mL", "10^6/mL"),
        ("total_motility", "%", "%", "%"),
        ("total_sperm_count", "10^6", "10*6", "10^6"),
    ],
)
def test_canonical_and_si_units(key: str, canonical: str, ucum: str, si: str) -> None:
    analyte = get_analyte(key)
    assert analyte.canonical_unit == canonical
    assert analyte.canonical_ucum == ucum
    assert analyte.si_unit == si
    assert analyte.canonical.factor == 1
    assert analyte.canonical.ucum == ucum
    assert si in {unit.text for unit in analyte.units}
    # What the screens show in each unit system (Settings): canonical for US, `si` for SI.
    assert unit_for_system(key, "us").text == canonical
    assert unit_for_system(key, "si").text == si


def test_every_analyte_is_well_formed() -> None:
    for analyte in all_analytes():
        assert isinstance(analyte, Analyte)
        assert analyte.name and analyte.phrase and analyte.range_source
        assert analyte.plausible_max is not None
        assert analyte.plausible_note == (
            "sanity bound against typing errors, not a clinical range"
        )
        for unit in analyte.units:
            assert unit.factor > 0
            assert unit.ucum
            if unit.factor != 1:
                assert "docs/clinical.md" in unit.source  # every factor keeps its source
        for bound in (analyte.default_low, analyte.default_high):
            if bound is not None:
                assert analyte.plausible_min is not None
                assert analyte.plausible_min <= bound <= analyte.plausible_max


def test_unit_spellings_never_collide_within_an_analyte() -> None:
    for analyte in all_analytes():
        seen: dict[str, str] = {}
        for unit in analyte.units:
            for spelling in (unit.text, unit.ucum, *unit.aliases):
                key = normalise_unit_text(spelling)
                assert seen.setdefault(key, unit.text) == unit.text, (analyte.key, spelling)
        for refused in analyte.refused_units:
            for spelling in (refused.text, *refused.aliases):
                assert normalise_unit_text(spelling) not in seen


def test_loinc_codes_are_unique_across_the_catalogue() -> None:
    codes = [code for analyte in all_analytes() for code in analyte.loinc]
    assert len(codes) == len(set(codes))


def test_plausible_note_is_in_the_resource() -> None:
    data = load_json("analytes.json")
    assert data["plausible_note"] == "sanity bound against typing errors, not a clinical range"
    assert {raw["key"] for raw in data["analytes"]} == set(CLINICAL_KEYS)


@pytest.mark.parametrize("text", ["estradiol", "ESTRADIOL", "  Estradiol  ", "2243-4", "14715-7"])
def test_get_analyte_by_key_any_case_or_loinc(text: str) -> None:
    assert get_analyte(text).key == "estradiol"


@pytest.mark.parametrize("code", ["38267-1", "38263-0", "38264-8"])
def test_dexa_site_codes(code: str) -> None:
    assert get_analyte(code).key == "dexa_t_score"
    sites = dict(get_analyte("dexa_t_score").site_loinc)
    assert sites == {"spine": "38267-1", "femur_neck": "38263-0", "hip": "38264-8"}


@pytest.mark.parametrize("text", ["xyz", "", "   ", "9999-9", "testosterone"])
def test_unknown_analyte_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        get_analyte(text)
    assert caught.value.field == "analyte"
    assert caught.value.reason == f"unknown analyte '{text.strip()}'"


def test_analyte_for_loinc() -> None:
    assert analyte_for_loinc("13457-7") is get_analyte("ldl")
    assert analyte_for_loinc(" 14913-8 ") is get_analyte("total_testosterone")
    assert analyte_for_loinc("8302-2") is None  # body height: reported, not guessed
    assert analyte_for_loinc("estradiol") is None


def test_preferred_and_si_loinc() -> None:
    assert get_analyte("total_testosterone").preferred_loinc == "2986-8"
    assert get_analyte("total_testosterone").loinc_si == "14913-8"
    assert get_analyte("ldl").loinc_si == "22748-8"
    assert get_analyte("total_sperm_count").preferred_loinc is None
    assert get_analyte("total_sperm_count").derived


def test_hematocrit_action_level_and_prolactin_refusal_are_recorded() -> None:
    hematocrit = get_analyte("hematocrit")
    assert hematocrit.action_high == 54
    assert "AUA" in hematocrit.action_source
    prolactin = get_analyte("prolactin")
    assert [r.text for r in prolactin.refused_units] == ["mIU/L"]
    assert {u.text for u in prolactin.units} == {"ng/mL", "ug/L"}
