"""The wheel holds every package folder and the clinical resources."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "fertilitytracker").rglob("__init__.py")
    }
    assert found - listed == set()
    assert "fertilitytracker.resources" in listed


def test_the_clinical_tables_are_package_resources() -> None:
    from importlib.resources import files

    resources = files("fertilitytracker.resources")
    for name in ("analytes.json", "medications.json", "monitoring_rules.json"):
        assert resources.joinpath(name).is_file(), name
