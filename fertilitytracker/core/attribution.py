"""What a result can be put down to: the spermatogenic cycle and the T/LH confounders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fertilitytracker.core.records import Regimen
from fertilitytracker.core.resources import load_json

_DATA: dict[str, Any] = load_json("attribution.json")

# One spermatogenic cycle (resources/attribution.json, with its source).
SPERMATOGENIC_CYCLE_DAYS: int = int(_DATA["spermatogenic_cycle_days"])
SPERMATOGENIC_CYCLE_SOURCE: str = _DATA["spermatogenic_cycle_source"]
T_LH_CONFOUNDED_REASON: str = _DATA["t_lh_confounders"]["reason"]
T_LH_CONFOUNDED_SOURCE: str = _DATA["t_lh_confounders"]["source"]
_T_LH_CLASSES = frozenset(_DATA["t_lh_confounders"]["classes"])
_T_LH_MEDICATIONS = frozenset(_DATA["t_lh_confounders"]["medications"])


def semen_reflects(change_day: date, sample_day: date) -> bool:
    """Whether a semen sample on `sample_day` can reflect a start or change on `change_day`.

    Only a sample at least one spermatogenic cycle after the change can.
    """
    return (sample_day - change_day).days >= SPERMATOGENIC_CYCLE_DAYS


def t_lh_confounders(regimens: Iterable[Regimen], day: date) -> tuple[str, ...]:
    """Names of the regimens active on `day` under which the T/LH ratio means nothing.

    These are exogenous testosterone and hCG: the same ones under which the hematocrit action
    level applies (resources/analytes.json).
    """
    return tuple(
        sorted(
            {
                regimen.name
                for regimen in regimens
                if regimen.steps
                and regimen.is_active_on(day)
                and (regimen.med_class in _T_LH_CLASSES or regimen.name in _T_LH_MEDICATIONS)
            }
        )
    )
