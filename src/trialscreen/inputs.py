"""Read what the command line is given: trial sets and patient files (JSON record or FHIR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialscreen.model.patient import Patient
from trialscreen.records import PatientError, RecordCheck, check_record, read_json_file, usable


@dataclass(slots=True)
class PatientInput:
    """A patient read from a file, with where each field came from when it was FHIR."""

    patient: Patient
    format: str  # "record" or "fhir"
    provenance: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def checked_fhir_patient(patient: Patient, where: str) -> tuple[Patient, list[str]]:
    """The checks a record gets, for an imported bundle: an impossible birth date refuses the
    file; an observation that cannot be used (dated after as_of, impossible value or unit) is
    dropped with a warning naming its resource."""
    if patient.birth_date and patient.birth_date > patient.as_of:
        raise PatientError(
            f"{where}: birth_date {patient.birth_date} is after as_of {patient.as_of}"
        )
    return usable(patient)


def imported_fhir(data: Any, where: str, as_of: dt.date | None = None) -> PatientInput:
    """A FHIR Bundle, NDJSON export or list of resources, imported and checked as a record is;
    PatientError names `where` (the file or the cohort line)."""
    from trialscreen.fhir import FhirError, import_fhir

    try:
        imported = import_fhir(data, as_of=as_of)
        patient, dropped = checked_fhir_patient(imported.patient, where)
    except (FhirError, PatientError) as exc:
        text = str(exc)
        raise PatientError(text if text.startswith(where) else f"{where}: {text}") from None
    warnings = list(imported.warnings) + dropped
    return PatientInput(patient, "fhir", dict(imported.provenance), warnings)


def read_patient_input(path: str | Path, as_of: dt.date | None = None) -> PatientInput:
    """A patient record or a FHIR Bundle / NDJSON export, told apart by content; PatientError
    names the file and the first problem that refuses it."""
    got, check = check_patient_input(path, as_of)
    if got is None:
        check.accepted()  # raises with the first error
        raise AssertionError("unreachable")
    return got


def check_patient_input(
    path: str | Path, as_of: dt.date | None = None
) -> tuple[PatientInput | None, RecordCheck]:
    """Every problem of a patient file at once: the input when nothing refuses it (None
    otherwise), with every error and warning (`trialscreen validate`)."""
    from trialscreen.fhir import is_fhir

    path = Path(path)
    try:
        data = read_json_file(path, ndjson=True)
    except PatientError as exc:
        return None, RecordCheck(None, [str(exc)])
    if is_fhir(data):
        try:
            got = imported_fhir(data, str(path), as_of)
        except PatientError as exc:
            return None, RecordCheck(None, [str(exc)])
        got.warnings = [f"{path}: {w}" for w in got.warnings]
        return got, RecordCheck(got.patient, [], got.warnings)
    if isinstance(data, dict) and as_of is not None:
        data = {**data, "as_of": as_of.isoformat()}
    if not isinstance(data, dict):
        error = f"{path}: a patient record must be a JSON object (or a FHIR Bundle)"
        return None, RecordCheck(None, [error])
    check = check_record(data, f"{path}: ")
    if check.patient is None:
        return None, check
    return PatientInput(check.patient, "record", warnings=check.warnings), check
