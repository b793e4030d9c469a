"""What `labs` and `reminders` read from the core: censored flags, the estradiol state, T/E
rounding, WHO and albumin notes, DEXA from a lab result, medication names and units."""

from __future__ import annotations

import pytest

from tests.cli.conftest import CliRunner


def _estradiol(draw: dict) -> dict:  # type: ignore[type-arg]
    return next(r for r in draw["results"] if r["analyte"] == "estradiol")


def test_censored_estradiol_on_an_inhibitor_cannot_tell(cli: CliRunner) -> None:
    cli("med", "start", "anastrozole", "--dose", "1", "--unit", "mg", "--schedule", "daily",
        "--date", "2026-01-05")  # fmt: skip
    cli("lab", "2026-02-15", "total_testosterone", "650", "ng/dL", "estradiol", "<20", "pg/mL")
    estradiol = _estradiol(cli("labs", "--json").json()[0])
    assert estradiol["flag"] == "indeterminate"  # never "in_range"
    assert estradiol["over_suppression"] == "cannot_tell"
    text = cli("labs").out
    assert "below 20 pg/mL: cannot tell" in text
    assert "over-suppression cannot be ruled out" in text
    assert "LC-MS/MS" in text


def test_every_estradiol_carries_over_suppression(cli: CliRunner) -> None:
    cli("lab", "2026-02-15", "estradiol", "3", "pg/mL")
    estradiol = _estradiol(cli("labs", "--json").json()[0])
    assert estradiol["flag"] == "low"
    assert estradiol["over_suppression"] is None  # no inhibitor: no state, but the key is there
    testosterone_only = cli("lab", "2026-02-16", "total_testosterone", "650", "ng/dL")
    assert testosterone_only.code == 0
    other = cli("labs", "--json").json()[1]["results"][0]
    assert "over_suppression" not in other


def test_t_e_is_never_rounded_across_its_threshold(cli: CliRunner) -> None:
    # 299.91 ÷ 30 = 9.997: below 10, so never shown as "10".
    cli("lab", "2026-01-05", "total_testosterone", "299.91", "ng/dL", "estradiol", "30", "pg/mL")
    for units in ("us", "si"):
        ratio = cli("labs", "--json", "--units", units).json()[0]["derived"]["t_e_ratio"]
        assert ratio == pytest.approx(9.997)  # canonical in JSON, whatever the unit system
        assert ratio < 10
    text = cli("labs").out
    assert "9.997 ng/dL per pg/mL" in text
    assert "below the reference 10" in text
    si_text = cli("labs", "--units", "si").out
    assert "below the reference 0.0944" in si_text  # the same flag, from the canonical ratio


def test_labs_text_names_albumin_assumed_and_the_who_flag_on_total_count(cli: CliRunner) -> None:
    cli("lab", "2026-01-05", "total_testosterone", "500", "ng/dL", "shbg", "30", "nmol/L")
    cli("semen", "2026-01-06", "--volume", "1.5", "--concentration", "20")  # total 30 < 39
    text = cli("labs").out
    assert "albumin assumed" in text
    total = next(line for line in text.splitlines() if "Total sperm count" in line)
    assert "below WHO lower reference limit" in total


def test_hematocrit_typed_as_a_fraction_with_percent_is_refused(cli: CliRunner) -> None:
    outcome = cli("lab", "2026-01-05", "hematocrit", "0.45", "%")
    assert outcome.code == 2
    assert "hematocrit value" in outcome.err and "0.45 L/L" in outcome.err
    assert cli("labs", "--json").json() == []  # nothing written
    assert cli("lab", "2026-01-05", "hematocrit", "0.45", "L/L").code == 0
    assert cli("labs", "--json").json()[0]["results"][0]["value"] == pytest.approx(45)


def test_a_dexa_t_score_from_lab_satisfies_the_dexa_reminder(cli: CliRunner) -> None:
    cli("med", "start", "anastrozole", "--dose", "1", "--unit", "mg", "--schedule", "daily",
        "--date", "2025-01-05")  # fmt: skip
    before = cli("reminders", "--json", "--today", "2026-02-01").json()
    assert "aromatase inhibitor by" in next(r for r in before if r["test"] == "dexa")["reason"]
    assert cli("lab", "2026-01-20", "38267-1", "-1.2", "SD").code == 0  # LOINC of the spine
    after = cli("reminders", "--json", "--today", "2026-02-01").json()
    dexa = next(r for r in after if r["test"] == "dexa")
    assert dexa["opens"] == "2027-01-20"
    assert "repeat after the DEXA of 2026-01-20" in dexa["reason"]


def test_ovidrel_in_mcg_is_kept_as_typed_and_brand_names_are_known(cli: CliRunner) -> None:
    start = ("--schedule", "daily", "--date", "2026-01-05")
    assert cli("med", "start", "Ovidrel", "--dose", "250", "--unit", "mcg", *start).code == 0
    assert cli("med", "start", "Nolvadex", "--dose", "10", "--unit", "mg", *start).code == 0
    assert cli("med", "start", "clomifene", "--dose", "25", "--unit", "mg", *start).code == 0
    regimens = {r["name"]: r for r in cli("med", "list", "--json").json()}
    assert (regimens["hcg"]["class"], regimens["hcg"]["dose"], regimens["hcg"]["unit"]) == (
        "gonadotropin",
        250,
        "mcg",
    )
    assert regimens["tamoxifen"]["class"] == "serm"
    assert regimens["clomiphene"]["class"] == "serm"
