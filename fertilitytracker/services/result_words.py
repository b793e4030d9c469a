"""A result and a draw in words, as every surface says them: value, flag, estradiol, context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fertilitytracker.services.formatting import format_between, format_number
from fertilitytracker.services.views import FLAG_WORDS, ResultView

if TYPE_CHECKING:
    from fertilitytracker.core.draw_context import DrawContext

LC_MS_ADVICE = "a sensitive (LC-MS/MS) estradiol assay can tell"


def value_text(result: ResultView) -> str:
    """The shown value with its comparator ("692", "<8"), never rounded across its range."""
    shown = format_between(result.value, result.target_low, result.target_high)
    return f"{result.comparator or ''}{shown}"


def flag_words(result: ResultView) -> str:
    """The flag in words; a censored value that cannot be placed says so (§1)."""
    if result.flag == "indeterminate":
        side = "below" if result.comparator in ("<", "<=") else "above"
        return f"{side} {format_number(result.value)} {result.unit}: cannot tell"
    if result.flag == "low" and result.range_source.startswith("WHO"):
        return "below WHO lower reference limit"
    return FLAG_WORDS[result.flag]


def estradiol_caution(result: ResultView) -> str | None:
    """The words of the estradiol state (docs/clinical.md §4), or None when there is none.

    Every surface prints these, so the warning and the caution read the same everywhere.
    """
    inhibitors = " and ".join(result.inhibitors) or "an aromatase inhibitor"
    floor = f"{format_number(result.floor)} {result.unit}"
    if result.estradiol_state == "below_floor":
        return (
            f"below the floor of {floor} while an aromatase inhibitor ({inhibitors}) is "
            "active: estradiol may be over-suppressed"
        )
    if result.estradiol_state == "cannot_tell":
        limit = f"{format_number(result.value)} {result.unit}"
        where = (
            f"below the assay's limit of {limit}, which is not below the floor of {floor}"
            if result.comparator in ("<", "<=")
            else f"above {limit} only, which is below the floor of {floor}"
        )
        return (
            f"{where}, while an "
            f"aromatase inhibitor ({inhibitors}) is active; over-suppression cannot be ruled "
            f"out; {LC_MS_ADVICE}"
        )
    return None


def estradiol_headline(result: ResultView) -> str | None:
    """The estradiol state in a few words, for a title line (docs/clinical.md §4)."""
    inhibitors = " and ".join(result.inhibitors) or "an aromatase inhibitor"
    floor = f"{format_number(result.floor)} {result.unit}"
    if result.estradiol_state == "below_floor":
        return f"is below the floor of {floor} on an aromatase inhibitor ({inhibitors})"
    if result.estradiol_state == "cannot_tell":
        return (
            f"cannot tell whether it is below the floor of {floor} on an aromatase inhibitor "
            f"({inhibitors}): an LC-MS/MS assay can tell"
        )
    return None


def context_summary(context: DrawContext) -> str:
    """The draw's context in one line: "drawn 07:45, fasting; anastrozole 10.5 h after the
    last logged dose, hcg: no dose logged" (docs/clinical.md §8)."""
    when = f"drawn {context.time:%H:%M}" if context.time else "time of draw not recorded"
    fasting = {True: "fasting", False: "not fasting", None: "fasting not recorded"}
    parts = [f"{when}, {fasting[context.fasting]}"]
    doses = [
        f"{since.medication} {since.hours:.1f} h after the last logged dose"
        if since.hours is not None
        else f"{since.medication}: no dose logged before the draw"
        for since in context.since_doses
    ]
    if doses:
        parts.append(", ".join(doses))
    return "; ".join(parts)


DERIVED_LABELS = {
    "t_e_ratio": "T/E ratio",
    "t_lh_ratio": "T/LH ratio",
    "free_testosterone_calculated": "Free T, calculated (Vermeulen)",
    "total_sperm_count": "Total sperm count",
    "tmsc": "Total motile sperm count",
    "tmsc_progressive": "Progressive TMSC",
}
