"""Structured eligibility fields as registries write them: ages, sex, healthy volunteers."""

from __future__ import annotations

import re
from typing import Any, cast, get_args

from trialscreen.model.trial import AgeLimit, AgeUnit, Sex, Trial
from trialscreen.trials.segment import segment

_AGE = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>year|month|week|day|hour|minute)s?\b", re.IGNORECASE
)
_NO_LIMIT = frozenset({"", "n/a", "na", "none", "no limit", "not applicable"})
_SEXES: dict[str, Sex] = {"all": "all", "both": "all", "female": "female", "male": "male"}
_UNITS = frozenset(get_args(AgeUnit))


def parse_age(value: str | None) -> tuple[AgeLimit | None, bool]:
    """An age bound ("18 Years", "6 Months") and whether the value made sense ("N/A" -> None)."""
    if value is None or value.strip().lower() in _NO_LIMIT:
        return None, True
    found = _AGE.fullmatch(value.strip())
    if found is None:
        return None, False
    return age_limit(found["value"], found["unit"]), True


def age_limit(value: str, unit: str) -> AgeLimit:
    """An `AgeLimit` from a number and a unit word in any case and number ("Years")."""
    word = unit.lower().rstrip("s") + "s"
    assert word in _UNITS, word
    return AgeLimit(value=float(value), unit=cast(AgeUnit, word))


def find_ages(text: str) -> list[AgeLimit]:
    """Every age written in a phrase ("18 Years to 120 Years (Adult, Older Adult)")."""
    return [age_limit(found["value"], found["unit"]) for found in _AGE.finditer(text)]


def parse_sex(value: str | None) -> tuple[Sex, bool]:
    """The sex eligible ("ALL", "Both", "Female") and whether the value was understood."""
    if value is None or not value.strip():
        return "all", True
    sex = _SEXES.get(value.strip().lower())
    return (sex, True) if sex else ("all", False)


def parse_healthy(value: str | None) -> bool | None:
    """Healthy volunteers from XML or page text ("No", "Accepts Healthy Volunteers", "Yes")."""
    if value is None:
        return None
    word = value.strip().lower()
    if word in {"no", "false"}:
        return False
    if word in {"yes", "true", "accepts healthy volunteers"}:
        return True
    return None


def make_trial(*, style: str, warnings: list[str], **fields: Any) -> Trial:
    """Segment `criteria_text` and build the `Trial`, noting when it has no criteria."""
    text = str(fields.get("criteria_text", ""))
    criteria, headings = segment(text, style=style)
    if not text.strip():
        warnings.append("no eligibility criteria text")
    elif not criteria:
        warnings.append("no criteria bullets in the eligibility text")
    return Trial(**fields, bullets=criteria, headings=headings, warnings=warnings)
