"""Registry fields as each source writes them, in one spelling: recruitment status, phases,
study type, primary purpose and dates ("Active, not recruiting", "ACTIVE_NOT_RECRUITING" and
"This study is ongoing, but not recruiting participants." are one status). A value not
understood is None and a warning on the trial, never a guess."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import cast, get_args

from trialscreen.model.trial import (
    Location,
    Phase,
    Purpose,
    Registration,
    StudyType,
    TrialStatus,
)

_STATUSES = frozenset(get_args(TrialStatus))
_STATUS_ALIASES: dict[str, TrialStatus] = {"unknown_status": "unknown"}
# the status sentence of old ClinicalTrials.gov pages ("This study has been completed.")
_STATUS_SENTENCES: tuple[tuple[re.Pattern[str], TrialStatus], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), cast(TrialStatus, status))
    for pattern, status in (
        (r"\bnot yet (?:open for participant )?recruit", "not_yet_recruiting"),
        (
            r"\bongoing,? but not recruiting|\bactive,? (?:but )?not recruiting",
            "active_not_recruiting",
        ),
        (r"\benrolling (?:participants )?by invitation", "enrolling_by_invitation"),
        (r"\bcurrently recruiting|\bis recruiting", "recruiting"),
        (r"\bhas been completed", "completed"),
        (r"\bhas been terminated|\bwas terminated", "terminated"),
        (r"\bhas been withdrawn|\bwas withdrawn", "withdrawn"),
        (r"\bhas been suspended|\bis suspended", "suspended"),
        (r"\brecruitment status of this study is unknown|\bstatus is unknown", "unknown"),
    )
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_PHASE = re.compile(
    r"(early[\s_]*)?phase[\s_]*(iv|iii|ii|i|[1-4])\b(?:\s*/\s*(iv|iii|ii|i|[1-4])\b)?",
    re.IGNORECASE,
)
_NO_PHASE = re.compile(r"^\s*(?:n/?a|not applicable|none)\s*$", re.IGNORECASE)
_TYPES: dict[str, StudyType] = {
    "interventional": "interventional",
    "observational": "observational",
    "expanded access": "expanded_access",
    "expanded_access": "expanded_access",
}
_PURPOSES = frozenset(get_args(Purpose))
_PURPOSE_ALIASES: dict[str, Purpose] = {"educational_counseling_training": "educational"}
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_WORD_DATE = re.compile(r"^\s*([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})(?:-(\d{2}))?\s*$")


def status_of(text: str | None) -> TrialStatus | None:
    """The status a registry value or a page's status sentence names, else None."""
    if text is None or not text.strip():
        return None
    word = re.sub(r"[^a-z]+", "_", text.strip().lower()).strip("_")
    if word in _STATUSES:
        return cast(TrialStatus, word)
    if word in _STATUS_ALIASES:
        return _STATUS_ALIASES[word]
    for pattern, status in _STATUS_SENTENCES:
        if pattern.search(text):
            return status
    return None


def phases_of(values: str | list[str] | None) -> tuple[Phase, ...] | None:
    """Phases from "Phase 1/Phase 2", ["PHASE1", "PHASE2"], "Early Phase 1", "N/A", "Phase II";
    () when nothing is stated, None when a value is not understood."""
    items = [values] if isinstance(values, str) else list(values or [])
    found: list[Phase] = []
    for item in items:
        if _NO_PHASE.match(item) or item.strip().upper() == "NA":
            found.append("na")
            continue
        matches = list(_PHASE.finditer(item))
        if not matches:
            return None
        for match in matches:
            for written in filter(None, (match.group(2), match.group(3))):
                number = _ROMAN.get(written.lower(), written)
                found.append(cast(Phase, ("early_phase" if match.group(1) else "phase") + number))
    return tuple(dict.fromkeys(found))


def study_type_of(text: str | None) -> StudyType | None:
    """ "Interventional", "INTERVENTIONAL", "Interventional (Clinical Trial)",
    "Observational [Patient Registry]", "Expanded Access"; None otherwise."""
    if not text:
        return None
    head = re.split(r"[(\[]", text.strip().lower(), maxsplit=1)[0].strip()
    return _TYPES.get(head)


def purpose_of(text: str | None) -> Purpose | None:
    """ "Treatment", "TREATMENT", "Supportive Care", "Educational/Counseling/Training"; None
    otherwise."""
    if not text:
        return None
    key = re.sub(r"[^a-z]+", "_", text.strip().lower()).strip("_")
    if key in _PURPOSES:
        return cast(Purpose, key)
    return _PURPOSE_ALIASES.get(key)


def date_of(text: str | None) -> str | None:
    """ISO to the precision written: "January 2008" -> "2008-01", "June 20, 2017" ->
    "2017-06-20", "2007-09" stays; None when it is no date."""
    if not text:
        return None
    iso = _ISO_DATE.match(text)
    if iso:
        year, month, day = iso.groups()
        return _checked(int(year), int(month), int(day) if day else None)
    words = _WORD_DATE.match(text)
    if words:
        month_word, day, year = words.groups()
        word = month_word.lower()
        month = _MONTHS.get(word) or next(
            (n for name, n in _MONTHS.items() if len(word) >= 3 and name.startswith(word)), None
        )
        if month is not None:
            return _checked(int(year), month, int(day) if day else None)
    return None


def _checked(year: int, month: int, day: int | None) -> str | None:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def enrollment_of(value: object) -> int | None:
    """A participant count from 26, "26", "4 participants"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        found = re.match(r"^\s*(\d[\d,]*)\b", value)
        if found:
            return int(found.group(1).replace(",", ""))
    return None


def make_registration(
    warnings: list[str],
    *,
    status: str | None = None,
    phases: str | list[str] | None = None,
    study_type: str | None = None,
    purpose: str | None = None,
    keywords: list[str] | tuple[str, ...] = (),
    mesh_terms: list[str] | tuple[str, ...] = (),
    interventions: list[str] | tuple[str, ...] = (),
    locations: list[Location] | tuple[Location, ...] = (),
    start_date: str | None = None,
    completion_date: str | None = None,
    enrollment: object = None,
) -> Registration:
    """The `Registration` of raw registry values; a value not understood is dropped with a
    warning naming it."""

    def understood(name: str, raw: object, value: object) -> None:
        if raw not in (None, "", [], "N/A", "NA") and value is None:
            warnings.append(f"{name} {raw!r} not understood; not used")

    fields = {
        "status": status_of(status),
        "study_type": study_type_of(study_type),
        "purpose": purpose_of(purpose),
        "start_date": date_of(start_date),
        "completion_date": date_of(completion_date),
        "enrollment": enrollment_of(enrollment),
    }
    raw = {
        "status": status,
        "study_type": study_type,
        "purpose": purpose,
        "start_date": start_date,
        "completion_date": completion_date,
        "enrollment": enrollment,
    }
    for name, value in fields.items():
        understood(name, raw[name], value)
    read_phases = phases_of(phases)
    understood("phase", phases, read_phases)
    return Registration(
        **fields,
        phases=read_phases or (),
        # sites repeat their countries, states and cities across a registry: one copy of each
        locations=tuple(
            Location(
                facility=site.facility,
                city=sys.intern(site.city),
                state=sys.intern(site.state),
                country=sys.intern(site.country),
            )
            for site in locations
        ),
        keywords=tuple(dict.fromkeys(k.strip() for k in keywords if k.strip())),
        mesh_terms=tuple(dict.fromkeys(m.strip() for m in mesh_terms if m.strip())),
        interventions=tuple(dict.fromkeys(i.strip() for i in interventions if i.strip())),
    )
