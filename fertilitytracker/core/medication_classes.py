"""The medication classes each group of docs/clinical.md §6 counts (monitoring_rules.json)."""

from __future__ import annotations

from fertilitytracker.core.resources import load_json

RULES_RESOURCE = "monitoring_rules.json"


def _class_set(group: str) -> frozenset[str]:
    return frozenset(load_json(RULES_RESOURCE)["classes"][group])


HORMONE_CLASSES: frozenset[str] = _class_set("hormone")
"""Every medication class except `other` (docs/clinical.md §6 "hormone medication")."""
FERTILITY_CLASSES: frozenset[str] = _class_set("fertility")
"""aromatase_inhibitor, serm, gonadotropin, gnrh (docs/clinical.md §6 "fertility medication")."""
AROMATASE_INHIBITOR_CLASSES: frozenset[str] = _class_set("aromatase_inhibitor")
