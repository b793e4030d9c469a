"""FHIR: Observations in (R4, STU3 where fields agree), the journal out as a valid R4 Bundle."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import export_journal, import_file, read_file
from fertilitytracker.services.exchange.fhir import DERIVED_SYSTEM
from fertilitytracker.services.exchange.fhir_write import build_bundle
from fertilitytracker.services.exchange.plan import DexaItem, JournalSnapshot, LabItem, SemenItem
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage.journal import Journal

from .conftest import (
    SHARED_FHIR,
    UCUM,
    observation,
    readings,
    without_dose_hours,
    without_state,
)


def bundle(*resources: dict[str, Any], type: str = "collection") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": type,
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }


def write(tmp_path: Path, document: dict[str, Any], name: str = "obs.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --- import --------------------------------------------------------------------------------


def test_a_single_observation_keeps_unit_comparator_range_and_method(tmp_path: Path) -> None:
    resource = observation(
        "14715-7",
        18.4,
        "pmol/L",
        comparator="<",
        referenceRange=[
            {
                "low": {"value": 40, "unit": "pmol/L", "system": UCUM, "code": "pmol/L"},
                "high": {"value": 160, "unit": "pmol/L", "system": UCUM, "code": "pmol/L"},
            }
        ],
        method={"text": "LC-MS/MS"},
    )
    (item,) = read_file(write(tmp_path, resource)).items
    assert isinstance(item, LabItem)
    assert (item.day, item.time) == (date(2026, 1, 5), time(8, 30))  # as written, no tz shift
    result = item.result
    assert (result.analyte, result.comparator) == ("estradiol", "<")
    assert (result.entered_value, result.entered_unit) == (18.4, "pmol/L")
    assert result.value == pytest.approx(18.4 * 0.27238)
    assert result.lab_low == pytest.approx(40 * 0.27238)
    assert result.lab_high == pytest.approx(160 * 0.27238)
    assert result.method == "LC-MS/MS"


def test_the_unit_comes_from_the_ucum_code(tmp_path: Path) -> None:
    resource = observation("10501-5", 6.6, "m[IU]/mL", unit="milli-international units/mL")
    (item,) = read_file(write(tmp_path, resource)).items
    assert isinstance(item, LabItem)
    assert (item.result.analyte, item.result.value, item.result.entered_unit) == (
        "lh",
        6.6,
        "mIU/mL",
    )


def test_a_bundle_skips_and_counts_what_is_not_a_lab_result(tmp_path: Path) -> None:
    document = bundle(
        {"resourceType": "Patient", "id": "example"},
        observation("8867-4", 72, "/min", category="vital-signs"),
        observation("72166-2", None, "", category="survey", valueCodeableConcept={"text": "never"}),
        observation("718-7", 14.1, "g/dL"),
        observation("2986-8", 450, "ng/dL", status="entered-in-error"),
        observation("2986-8", 450, "ng/dL", status="cancelled"),
        observation("2986-8", None, "ng/dL", dataAbsentReason={"text": "hemolysed"}),
        observation("2986-8", 450, "ng/dL"),
        type="searchset",
    )
    parsed = read_file(write(tmp_path, document))
    assert len(parsed.items) == 1
    reasons = {entry.where: entry.reason for entry in parsed.skipped}
    assert reasons == {
        "entry 1": "Patient is not a lab result (only Observations are read)",
        "entry 2": "vital sign (not a lab result)",
        "entry 3": "survey (not a lab result)",
        "entry 4": "LOINC 718-7 (LOINC 718-7) is not in the analyte catalogue",
        "entry 5": "status entered-in-error: not imported",
        "entry 6": "status cancelled: not imported",
        "entry 7": "no value (data absent)",
    }


def test_transaction_bundles_and_a_zero_zero_range(tmp_path: Path) -> None:
    zero = {"value": 0, "unit": "ng/dL", "system": UCUM, "code": "ng/dL"}
    document = bundle(
        observation("2986-8", 598, "ng/dL", referenceRange=[{"low": zero, "high": zero}]),
        type="transaction",
    )
    parsed = read_file(write(tmp_path, document))
    (item,) = parsed.items
    assert isinstance(item, LabItem)
    assert (item.result.lab_low, item.result.lab_high) == (None, None)
    assert "1 meaningless 0–0 reference range(s) ignored" in parsed.notices


def test_semen_and_dexa_observations(tmp_path: Path) -> None:
    document = bundle(
        observation("3160-9", 3.0, "mL", when="2026-02-01"),
        observation("9780-8", 20, "10*6/mL", when="2026-02-01"),
        observation("14194-5", 40, "%", when="2026-02-01"),
        observation("38263-0", -1.2, "{SD}", when="2026-02-02"),
    )
    parsed = read_file(write(tmp_path, document))
    semen = [i for i in parsed.items if isinstance(i, SemenItem)]
    dexa = [i for i in parsed.items if isinstance(i, DexaItem)]
    assert semen[0].where == "entries 1, 2, 3"
    assert semen[0].analysis.progressive_motility_pct == 40
    assert (dexa[0].scan.t_score, dexa[0].scan.site) == (-1.2, "femur_neck")


def test_stu3_observations_are_read_where_the_fields_agree(tmp_path: Path) -> None:
    resource = observation("2986-8", 355, "ng/dL", status="unknown", when="2008-02-16")
    resource["category"] = [
        {"coding": [{"system": "http://hl7.org/fhir/observation-category", "code": "laboratory"}]}
    ]
    parsed = read_file(write(tmp_path, bundle(resource, type="transaction")))
    assert len(parsed.items) == 1
    assert "read as FHIR STU3 where its fields agree with R4" in parsed.notices


def test_a_dstu1_feed_is_an_unsupported_version(journal: Journal, tmp_path: Path) -> None:
    feed = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"title": "obs", "content": {"resourceType": "Observation"}}],
    }
    with pytest.raises(InputError, match="unsupported FHIR version"):
        import_file(journal, write(tmp_path, feed))


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        (bundle(type="document"), "file", "type 'document' is not read"),
        ({"resourceType": "Patient"}, "file", "holds no lab results"),
        ({"entry": []}, "file", "neither a Fertility Tracker backup nor FHIR"),
        (
            bundle(observation("2986-8", 450, "ng/dL"), observation("2986-8", "450", "ng/dL")),
            "entry 2",
            "not a number",
        ),
        (bundle(observation("2986-8", 450, "[IU]/L")), "entry 1", "unit"),
        (
            bundle(observation("2986-8", 450, "ng/dL", when="05/01/2026")),
            "entry 1",
            "not a FHIR dateTime",
        ),
        (bundle(observation("2986-8", 450, "ng/dL", comparator="ad")), "entry 1", "comparator"),
        (bundle(observation("2986-8", 9e9, "ng/dL")), "entry 1", "plausible"),
        ({"resourceType": "Bundle", "type": "collection", "entry": {}}, "file", "must be a list"),
    ],
)
def test_unreadable_entries_refuse_the_file(
    journal: Journal, tmp_path: Path, document: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(InputError) as refused:
        import_file(journal, write(tmp_path, document))
    assert refused.value.field == field
    assert reason in refused.value.reason
    assert journal.is_empty()


# --- deduplication and versions ------------------------------------------------------------


def test_a_typed_result_is_not_doubled_by_the_lab_file(journal: Journal, tmp_path: Path) -> None:
    record_draw(journal, date(2026, 1, 5), [ResultInput("total_testosterone", "450", "ng/dL")])
    same = observation("2986-8", 451.2, "ng/dL")  # within 0.5 %
    other = observation("2986-8", 470, "ng/dL", when="2026-01-05")
    plan, _ = import_file(journal, write(tmp_path, bundle(same, other)))
    assert (plan.new_count, plan.present_count) == (0, 1)
    (skipped,) = plan.skipped
    assert skipped.where == "entry 2"
    assert skipped.reason == "conflicts with the recorded value 450 ng/dL"


def test_a_different_value_conflicts_with_the_recorded_one(
    journal: Journal, tmp_path: Path
) -> None:
    record_draw(journal, date(2026, 1, 5), [ResultInput("total_testosterone", "450", "ng/dL")])
    plan, _ = import_file(journal, write(tmp_path, observation("2986-8", 470, "ng/dL")))
    assert plan.new_count == 0
    assert plan.skipped[0].reason == "conflicts with the recorded value 450 ng/dL"


def test_an_amended_observation_replaces_its_earlier_version(
    journal: Journal, tmp_path: Path
) -> None:
    first = write(tmp_path, observation("2243-4", 30, "pg/mL", id="e2-1"), "first.json")
    import_file(journal, first)
    amended = observation("2243-4", 24, "pg/mL", id="e2-1", status="amended")
    unrelated = observation("2243-4", 26, "pg/mL", id="e2-other", status="corrected")
    plan, _ = import_file(journal, write(tmp_path, bundle(amended, unrelated), "second.json"))
    assert len(plan.replacing) == 1
    assert plan.summary() == "1 new (1 replacing earlier versions), 0 already present, 1 skipped"
    assert plan.skipped[0].reason == "conflicts with entry 1 (24 pg/mL)"
    (draw,) = journal.history().draws
    assert [(r.analyte, r.value) for r in draw.results] == [("estradiol", 24)]


def test_a_preliminary_result_is_marked_and_replaced_by_the_final(
    journal: Journal, tmp_path: Path
) -> None:
    preliminary = observation("2243-4", 30, "pg/mL", id="e2", status="preliminary")
    plan, _ = import_file(journal, write(tmp_path, preliminary, "p.json"))
    assert plan.rows()[0].what.endswith("(preliminary)")
    assert any("status 'preliminary'" in notice for notice in plan.notices)
    final = observation("2243-4", 32, "pg/mL", id="e2", status="final")
    plan, _ = import_file(journal, write(tmp_path, final, "f.json"))
    assert len(plan.replacing) == 1
    assert journal.history().draws[0].results[0].value == 32


def test_an_amended_version_in_the_same_file_supersedes_the_earlier(
    tmp_path: Path, journal: Journal
) -> None:
    document = bundle(
        observation("2243-4", 30, "pg/mL", id="x"),
        observation("2243-4", 28, "pg/mL", id="x", status="corrected"),
    )
    plan, _ = import_file(journal, write(tmp_path, document))
    assert plan.new_count == 1
    assert plan.skipped[0].reason == "superseded by the corrected version in entry 2"
    assert journal.history().draws[0].results[0].value == 28


# --- export --------------------------------------------------------------------------------


def test_the_export_is_a_valid_r4_bundle(demo_journal: Journal) -> None:
    document = build_bundle(JournalSnapshot.of(demo_journal))
    # fhir.resources 8 defaults to R5; its R4B package validates R4 content.
    parsed = Bundle.model_validate(document)
    assert parsed.type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in document["entry"]]
    history = demo_journal.history()
    assert kinds.count("MedicationStatement") == len(history.regimens)
    assert kinds.count("MedicationAdministration") == len(history.doses)
    assert kinds.count("Patient") == 1


def test_exported_observations_carry_loinc_ucum_and_derived_from(demo_journal: Journal) -> None:
    document = build_bundle(JournalSnapshot.of(demo_journal))
    urls = {entry["fullUrl"] for entry in document["entry"]}
    observations = [
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    molar = next(
        o
        for o in observations
        if o["valueQuantity"].get("unit") == "nmol/L"
        and o["code"]["coding"][0]["code"] == "14913-8"
    )
    assert molar["valueQuantity"] == {
        "value": 24.3,
        "unit": "nmol/L",
        "system": UCUM,
        "code": "nmol/L",
    }
    censored = next(o for o in observations if o["valueQuantity"].get("comparator"))
    assert censored["valueQuantity"]["comparator"] == "<"
    derived = [o for o in observations if o["code"]["coding"][0]["system"] == DERIVED_SYSTEM]
    assert {o["code"]["coding"][0]["code"] for o in derived} >= {"t_e_ratio", "tmsc"}
    for resource in derived:
        assert resource["derivedFrom"]
        assert all(ref["reference"] in urls for ref in resource["derivedFrom"])
    skipped = [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
        and e["resource"]["status"] == "not-done"
    ]
    assert skipped and all("dosage" not in resource for resource in skipped)
    statement = next(
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
    )
    dose = statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]
    assert (dose["code"], dose["system"]) == ("mg", UCUM)
    assert statement["dosage"][0]["timing"]["repeat"]["period"] == 2  # eod


def test_round_trip_gives_identical_readings(
    demo_journal: Journal, other_journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "journal.fhir.json"
    export_journal(demo_journal, path)
    plan, _ = import_file(other_journal, path)
    # Medication resources are export-only, so the hours since each dose (a draw's context)
    # and the estradiol state (it needs the inhibitor) cannot come back; everything else must.
    assert any(
        draw.get("context", {}).get("hours_since_last_dose") for draw in readings(demo_journal)
    )

    def comparable(journal: Journal) -> list[dict[str, object]]:
        return without_state(without_dose_hours(readings(journal)))

    assert comparable(other_journal) == comparable(demo_journal)
    assert not other_journal.history().regimens  # medication resources are export-only
    again, _ = import_file(other_journal, path)
    assert (again.new_count, again.present_count) == (0, plan.new_count)


# --- the real public sample bundles --------------------------------------------------------

needs_samples = pytest.mark.skipif(not SHARED_FHIR.is_dir(), reason="shared FHIR samples absent")


@needs_samples
def test_real_r4_synthea_bundle(journal: Journal) -> None:
    path = SHARED_FHIR / "r4-synthea-male-lipids-Valentin_Keeling.json"
    plan, _ = import_file(journal, path)
    assert plan.new_count == 18
    reasons = dict(plan.skipped_by_reason())
    assert len(reasons["vital sign (not a lab result)"]) == 25
    assert len(reasons["survey (not a lab result)"]) == 5
    history = journal.history()
    lipids = [r for d in history.draws for r in d.results if r.analyte == "ldl"]
    assert len(lipids) == 4
    assert all(r.entered_unit == "mg/dL" for r in lipids)
    again, _ = import_file(journal, path)
    assert again.new_count == 0 and again.present_count == 18


@needs_samples
@pytest.mark.parametrize(
    ("name", "testosterone"),
    [
        ("stu3-smart-patient-8888804-testosterone.json", [598, 462]),
        ("stu3-smart-patient-1869612-testosterone.json", [355]),
    ],
)
def test_real_stu3_bundles(journal: Journal, name: str, testosterone: list[float]) -> None:
    plan, _ = import_file(journal, SHARED_FHIR / name)
    assert "read as FHIR STU3 where its fields agree with R4" in plan.notices
    values = [
        r.value
        for d in journal.history().draws
        for r in d.results
        if r.analyte == "total_testosterone"
    ]
    assert values == testosterone
    if "8888804" in name:
        assert any("0–0 reference range" in notice for notice in plan.notices)
        assert all(r.lab_low is None for d in journal.history().draws for r in d.results)
    again, _ = import_file(journal, SHARED_FHIR / name)
    assert again.new_count == 0
