"""Tests for the medication list: lookup by name or alias, classes and dose sanity checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import (
    FERTILITY_CLASSES,
    HORMONE_CLASSES,
    MEDICATION_CLASSES,
    Medication,
    all_medications,
    class_label,
    lookup_medication,
    normalize_unit,
    validate_dose,
)
from fertilitytracker.core.resources import load_json

SANITY_NOTE = (
    "sanity bound against typing errors (e.g. 1000 mg of anastrozole), not a clinical limit"
)


@pytest.mark.parametrize(
    ("typed", "name", "med_class"),
    [
        ("anastrozole", "anastrozole", "aromatase_inhibitor"),
        ("Arimidex", "anastrozole", "aromatase_inhibitor"),
        ("  ARIMIDEX  ", "anastrozole", "aromatase_inhibitor"),
        ("Femara", "letrozole", "aromatase_inhibitor"),
        ("exemestane", "exemestane", "aromatase_inhibitor"),
        ("clomid", "clomiphene", "serm"),
        ("Clomiphene Citrate", "clomiphene", "serm"),
        ("clomiphene   citrate", "clomiphene", "serm"),
        ("Enclomiphene", "enclomiphene", "serm"),
        ("tamoxifen", "tamoxifen", "serm"),
        ("hCG", "hcg", "gonadotropin"),
        ("Pregnyl", "hcg", "gonadotropin"),
        ("novarel", "hcg", "gonadotropin"),
        ("Ovidrel", "hcg", "gonadotropin"),
        ("Gonal-f", "fsh", "gonadotropin"),
        ("Follistim", "fsh", "gonadotropin"),
        ("hMG", "fsh", "gonadotropin"),
        ("Menopur", "fsh", "gonadotropin"),
        ("gonadorelin", "gonadorelin", "gnrh"),
        ("Testosterone Cypionate", "testosterone", "testosterone"),
        ("enanthate", "testosterone", "testosterone"),
        ("gel", "testosterone", "testosterone"),
    ],
)
def test_lookup_by_name_or_alias(typed: str, name: str, med_class: str) -> None:
    medication = lookup_medication(typed)
    assert medication.name == name
    assert medication.med_class == med_class
    assert medication.is_known


def test_lookup_gives_usual_unit_and_bound() -> None:
    anastrozole = lookup_medication("anastrozole")
    assert anastrozole.usual_unit == "mg"
    assert anastrozole.max_single_dose == 10
    assert "Arimidex" in anastrozole.aliases
    assert lookup_medication("hcg").usual_unit == "IU"
    assert lookup_medication("gonadorelin").usual_unit == "mcg"


@pytest.mark.parametrize(
    "typed",
    [
        "Vitamin D3",
        'Dr. "Smith\'s" <b>tonic</b>',
        "💊 zinc",
        "دواء",  # Arabic, right to left
        "\u200fمثال\u200f",  # with RTL marks
        "DHEA;DROP TABLE regimens;--",
    ],
)
def test_unknown_names_are_kept_exactly_as_other(typed: str) -> None:
    medication = lookup_medication(f"  {typed}\t")
    assert medication == Medication(name=typed, med_class="other", usual_unit=None)
    assert not medication.is_known
    assert not medication.is_hormone


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_blank_name_is_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        lookup_medication(typed)
    assert caught.value.field == "name"
    assert caught.value.reason == "a medication name is required"


@pytest.mark.parametrize("typed", ["line\nbreak", "nul\x00name", "bell\x07"])
def test_control_characters_in_a_name_are_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        lookup_medication(typed)
    assert caught.value.field == "name"


@given(st.text(min_size=1).filter(lambda t: t.strip() != ""))
def test_lookup_never_crashes_and_keeps_names(typed: str) -> None:
    try:
        medication = lookup_medication(typed)
    except InputError as error:
        assert error.field == "name"
        return
    if medication.med_class == "other":
        assert medication.name == typed.strip()
    else:
        assert medication.med_class in HORMONE_CLASSES


def test_class_sets() -> None:
    assert (
        frozenset({"aromatase_inhibitor", "serm", "gonadotropin", "gnrh", "testosterone"})
        == HORMONE_CLASSES
    )
    assert frozenset({"aromatase_inhibitor", "serm", "gonadotropin", "gnrh"}) == FERTILITY_CLASSES
    assert set(MEDICATION_CLASSES) == HORMONE_CLASSES | {"other"}
    assert lookup_medication("testosterone").is_hormone
    assert not lookup_medication("testosterone").is_fertility
    assert lookup_medication("anastrozole").is_fertility


def test_class_labels() -> None:
    assert class_label("aromatase_inhibitor") == "aromatase inhibitor"
    assert class_label("serm") == "SERM"
    with pytest.raises(InputError):
        class_label("vitamin")


def test_catalogue_is_consistent() -> None:
    medications = all_medications()
    names = [medication.name for medication in medications]
    assert names == [
        "anastrozole",
        "letrozole",
        "exemestane",
        "clomiphene",
        "enclomiphene",
        "tamoxifen",
        "hcg",
        "fsh",
        "gonadorelin",
        "testosterone",
    ]
    spellings = [s.casefold() for m in medications for s in (m.name, *m.aliases)]
    assert len(spellings) == len(set(spellings)), "an alias names two medications"
    for medication in medications:
        assert medication.med_class in HORMONE_CLASSES
        assert medication.usual_unit in medication.accepted_units


def test_json_keeps_sources_and_labels_bounds_as_sanity_only() -> None:
    document = load_json("medications.json")
    assert "docs/clinical.md §5" in document["source"]
    for entry in document["medications"]:
        assert entry["source"]
        assert entry["max_single_dose"]["note"] == SANITY_NOTE
        assert entry["max_single_dose"]["unit"] == entry["usual_unit"]
    typical = document["typical_doses_seen_in_studies"]
    assert typical["informational_only"] is True
    assert "anastrozole 1 mg daily, 1 mg every other day, 1 mg twice weekly" in typical["text"]
    bounds = {e["name"]: e["max_single_dose"]["value"] for e in document["medications"]}
    assert bounds == {
        "anastrozole": 10,
        "letrozole": 10,
        "exemestane": 100,
        "clomiphene": 200,
        "enclomiphene": 100,
        "tamoxifen": 100,
        "hcg": 20000,
        "fsh": 1000,
        "gonadorelin": 1000,
        "testosterone": 1000,
    }


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("mg", "mg"),
        ("MG", "mg"),
        (" Mg ", "mg"),
        ("mcg", "mcg"),
        ("ug", "mcg"),
        ("µg", "mcg"),  # micro sign
        ("μg", "mcg"),  # Greek mu
        ("UG", "mcg"),
        ("iu", "IU"),
        ("IU", "IU"),
        ("[IU]", "IU"),
        ("ml", "mL"),
        ("tablet", None),
    ],
)
def test_normalize_unit(typed: str, unit: str | None) -> None:
    assert normalize_unit(typed) == unit


def test_validate_dose_accepts_text_and_numbers() -> None:
    anastrozole = lookup_medication("anastrozole")
    assert validate_dose(anastrozole, "0.5", "mg") == (0.5, "mg")
    assert validate_dose(anastrozole, " 1 ", "MG") == (1.0, "mg")
    assert validate_dose(anastrozole, 1, "mg") == (1.0, "mg")
    assert validate_dose(anastrozole, 500, "µg") == (500.0, "mcg")
    assert validate_dose(lookup_medication("hcg"), "3000", "iu") == (3000.0, "IU")
    assert validate_dose(lookup_medication("gonadorelin"), 100, "ug") == (100.0, "mcg")
    assert validate_dose(lookup_medication("testosterone"), "0.5", "ml") == (0.5, "mL")


def test_blank_unit_means_usual_unit() -> None:
    assert validate_dose(lookup_medication("anastrozole"), "1", "") == (1.0, "mg")
    assert validate_dose(lookup_medication("hcg"), 500, None) == (500.0, "IU")
    with pytest.raises(InputError) as caught:
        validate_dose(lookup_medication("zinc"), 50, " ")
    assert caught.value.field == "unit"


@pytest.mark.parametrize(
    "dose", ["0", "-1", 0, -0.5, "abc", "", "  ", "nan", "inf", math.inf, math.nan, "1,5", True]
)
def test_bad_dose_numbers_are_refused(dose: object) -> None:
    with pytest.raises(InputError) as caught:
        validate_dose(lookup_medication("anastrozole"), dose, "mg")  # type: ignore[arg-type]
    assert caught.value.field == "dose"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("anastrozole", "IU"),
        ("clomiphene", "IU"),
        ("hcg", "mg"),
        ("fsh", "mcg"),
        ("gonadorelin", "IU"),
        ("anastrozole", "mL"),
        ("anastrozole", "tablets"),
    ],
)
def test_units_that_do_not_fit_the_class_are_refused(name: str, unit: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_dose(lookup_medication(name), "1", unit)
    assert caught.value.field == "unit"
    assert f"for {name}" in caught.value.reason


def test_other_class_takes_any_unit() -> None:
    zinc = lookup_medication("zinc")
    assert validate_dose(zinc, "50", "MG") == (50.0, "mg")
    assert validate_dose(zinc, "2", "capsules") == (2.0, "capsules")
    assert validate_dose(zinc, "1000000", "IU") == (1000000.0, "IU")


def test_typing_error_bound_message() -> None:
    with pytest.raises(InputError) as caught:
        validate_dose(lookup_medication("anastrozole"), "1000", "mg")
    assert caught.value.field == "dose"
    assert caught.value.reason == (
        "1000 mg is far beyond any anastrozole dose (at most 10 mg); check the number"
    )


def test_bound_is_inclusive_and_compared_across_mg_and_mcg() -> None:
    anastrozole = lookup_medication("anastrozole")
    assert validate_dose(anastrozole, 10, "mg") == (10.0, "mg")
    assert validate_dose(anastrozole, 10000, "mcg") == (10000.0, "mcg")
    with pytest.raises(InputError, match="at most 10 mg"):
        validate_dose(anastrozole, 10001, "mcg")
    gonadorelin = lookup_medication("gonadorelin")
    assert validate_dose(gonadorelin, 1, "mg") == (1.0, "mg")
    with pytest.raises(InputError, match="at most 1000 mcg"):
        validate_dose(gonadorelin, 1.5, "mg")


@pytest.mark.parametrize(
    ("name", "too_much", "unit"),
    [
        ("letrozole", 10.5, "mg"),
        ("exemestane", 101, "mg"),
        ("clomiphene", 201, "mg"),
        ("enclomiphene", 101, "mg"),
        ("tamoxifen", 101, "mg"),
        ("hcg", 20001, "IU"),
        ("fsh", 1001, "IU"),
        ("testosterone", 1001, "mg"),
        ("testosterone", 11, "mL"),
    ],
)
def test_each_bound(name: str, too_much: float, unit: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_dose(lookup_medication(name), too_much, unit)
    assert caught.value.field == "dose"
    assert "check the number" in caught.value.reason


def test_ovidrel_in_mcg_is_held_to_the_hcg_bound_through_the_label_equivalence() -> None:
    hcg = lookup_medication("Ovidrel")
    # 250 mcg is the labelled Ovidrel syringe; kept as typed, never converted.
    assert validate_dose(hcg, "250", "mcg") == (250.0, "mcg")
    with pytest.raises(InputError) as caught:
        validate_dose(hcg, "25000", "mcg")
    # 20,000 IU at the label's 250 mcg = 6,500 IU is about 769 mcg.
    assert caught.value.reason == (
        "25000 mcg is far beyond any hcg dose (at most 769 mcg); check the number"
    )
