"""Detect and read FHIR R4 JSON: a Bundle, one resource, a resource list, or NDJSON (bulk data).

File-level problems raise `FhirError` with a one-line message naming the file. The rules:

- not JSON: the text parses neither as one JSON document nor as NDJSON (one JSON object per
  line); FHIR XML is named as such.
- not FHIR: no `resourceType` on the top-level object (or on any item of a list / NDJSON file).
- wrong version: an explicit version that is not 4.x (`fhirVersion` on the top-level object, or
  `meta.fhirVersion` on any resource: R4 and R4B are read, DSTU2 1.0, STU3 3.0 and R5 5.0 are
  not), a resource type that R4 removed (MedicationOrder, DiagnosticOrder, ProcedureRequest,
  ...), or a DSTU2/STU3 shape: Condition/AllergyIntolerance `clinicalStatus` or
  `verificationStatus` as a plain code (R4 made them CodeableConcepts), Condition.patient.
- no Patient, or several Patients (distinct ids): an error, never a guess, because screening one
  patient against another's labs is worse than not screening. The same Patient twice is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialscreen import files

BUNDLE_TYPES = {"transaction", "collection", "searchset", "batch"}

_REMOVED_TYPES = {
    "MedicationOrder": "DSTU2",
    "DiagnosticOrder": "DSTU2",
    "DeviceUseRequest": "DSTU2",
    "Order": "DSTU2",
    "OrderResponse": "DSTU2",
    "ProcedureRequest": "DSTU2/STU3",
    "ReferralRequest": "DSTU2/STU3",
    "BodySite": "DSTU2/STU3",
    "DataElement": "DSTU2/STU3",
}
_RELEASES = {"1.0": "DSTU2", "3.0": "STU3", "5.0": "R5", "6.0": "R6"}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """Control characters (a newline in an id) escaped, so a message stays one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class FhirError(ValueError):
    """A file or object that cannot be imported as one patient's FHIR R4 record."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class Entry:
    """One resource with its Bundle fullUrl (how other resources may reference it)."""

    resource: dict[str, Any]
    full_url: str | None = None


@dataclass
class Collected:
    """The resources of one input, its one Patient, and the warnings met while reading."""

    entries: list[Entry]
    patient: Entry
    warnings: list[str] = field(default_factory=list)


def is_fhir(data: object) -> bool:
    """True for FHIR JSON content: a resource (a Bundle, usually), a resource list, NDJSON text."""
    if isinstance(data, bytes | str):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        try:
            return is_fhir(_parse(text, "text"))
        except FhirError:
            return False
    if isinstance(data, dict):
        return isinstance(data.get("resourceType"), str)
    if isinstance(data, list):
        return bool(data) and all(
            isinstance(item, dict) and isinstance(item.get("resourceType"), str) for item in data
        )
    return False


def read_fhir_file(path: str | Path) -> object:
    """The parsed content of a FHIR JSON/NDJSON file (or a folder of .ndjson files), checked."""
    return read_entries(path)[0]


def read_entries(path: str | Path) -> tuple[object, Collected]:
    """Parse and check one file (or a bulk-export folder): the raw content and its resources."""
    path = Path(path)
    name = str(path)
    data: object
    try:
        if path.is_dir():
            files = sorted(path.glob("*.ndjson"))
            if not files:
                raise FhirError(f"{name}: a folder without .ndjson files")
            data = [item for file in files for item in _as_list(_parse(_text(file), str(file)))]
        else:
            data = _parse(_text(path), name)
    except OSError as err:
        raise FhirError(f"{name}: cannot be read ({err.strerror or err})") from None
    return data, collect(data, name)


def collect(data: object, name: str) -> Collected:
    """The resources in parsed FHIR content; raises FhirError for the file-level problems."""
    if not is_fhir(data) and not (isinstance(data, list) and any(is_fhir(i) for i in data)):
        raise FhirError(f"{name}: JSON but not FHIR (no resourceType)")
    if isinstance(data, dict):
        meta = data.get("meta")
        _check_version_marker(data.get("fhirVersion"), name)
        _check_version_marker(meta.get("fhirVersion") if isinstance(meta, dict) else None, name)
    warnings: list[str] = []
    entries: list[Entry] = []
    for number, item in enumerate(_as_list(data), start=1):
        if not is_fhir(item) or not isinstance(item, dict):
            warnings.append(f"item {number}: not a FHIR resource (no resourceType); skipped")
            continue
        entries.extend(_flatten(item, warnings))
    for entry in entries:
        _check_r4(entry.resource, name)
    return Collected(entries, _the_patient(entries, name), warnings)


def _text(path: Path) -> str:
    try:
        data = files.read_bytes(path, files.PATIENT_FILE_LIMIT)
    except files.FileRefused as refused:
        raise FhirError(str(refused)) from None
    return data.decode("utf-8-sig", errors="replace")


def _parse(text: str, name: str) -> object:
    """One JSON document, else NDJSON (one object per line)."""
    text = text.lstrip("\ufeff \t\r\n")
    if not text:
        raise FhirError(f"{name}: empty, not JSON")
    if text.startswith("<"):
        raise FhirError(f"{name}: XML, not JSON (trialscreen reads FHIR JSON and NDJSON)")
    try:
        return files.parse_json(text)
    except json.JSONDecodeError as err:
        if err.msg != "Extra data" or not text.startswith("{"):
            where = f"line {err.lineno} column {err.colno}"
            raise FhirError(f"{name}: not JSON ({err.msg} at {where})") from None
    except ValueError as err:  # a key written twice, a number too long
        raise FhirError(f"{name}: {err}") from None
    items: list[object] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                items.append(files.parse_json(line))
            except json.JSONDecodeError as err:
                raise FhirError(f"{name}: NDJSON line {number} is not JSON ({err.msg})") from None
            except ValueError as err:
                raise FhirError(f"{name}: NDJSON line {number}: {err}") from None
    return items


def _as_list(data: object) -> list[object]:
    return list(data) if isinstance(data, list) else [data]


def _flatten(resource: dict[str, Any], warnings: list[str]) -> list[Entry]:
    """A Bundle's entry resources (searchset outcomes left out); any other resource as itself."""
    if resource["resourceType"] != "Bundle":
        return [Entry(resource)]
    kind = resource.get("type")
    if kind not in BUNDLE_TYPES:
        warnings.append(f"Bundle/{resource.get('id', '?')}: type {kind!r} read as a collection")
    raw = resource.get("entry")
    entries: list[Entry] = []
    for number, entry in enumerate(raw if isinstance(raw, list) else [], start=1):
        if not isinstance(entry, dict) or "resource" not in entry:
            continue  # e.g. a transaction DELETE: nothing to read
        search = entry.get("search")
        if isinstance(search, dict) and search.get("mode") == "outcome":
            continue
        inner = entry["resource"]
        if not is_fhir(inner) or not isinstance(inner, dict):
            warnings.append(f"Bundle entry {number}: resource without resourceType; skipped")
            continue
        url = entry.get("fullUrl")
        if inner["resourceType"] == "Bundle":
            entries.extend(_flatten(inner, warnings))
        else:
            entries.append(Entry(inner, url if isinstance(url, str) else None))
    return entries


def _check_version_marker(version: object, name: str) -> None:
    if isinstance(version, str) and not version.startswith("4."):
        release = _RELEASES.get(version[:3], "not R4")
        raise FhirError(f"{name}: FHIR version {version} ({release}); trialscreen reads FHIR R4")


def _check_r4(resource: dict[str, Any], name: str) -> None:
    """Raise FhirError for a version marker or a shape that only DSTU2/STU3 have."""
    kind = resource["resourceType"]
    label = f"{kind}/{resource.get('id', '?')}"
    meta = resource.get("meta")
    if isinstance(meta, dict):
        _check_version_marker(meta.get("fhirVersion"), name)
    if kind in _REMOVED_TYPES:
        release = _REMOVED_TYPES[kind]
        raise FhirError(f"{name}: not FHIR R4: {kind} is a {release} resource type")
    if kind in ("Condition", "AllergyIntolerance"):
        for key in ("clinicalStatus", "verificationStatus"):
            if isinstance(resource.get(key), str):
                raise FhirError(
                    f"{name}: not FHIR R4: {label}.{key} is a plain code (DSTU2/STU3 shape)"
                )
    if kind == "Condition" and "patient" in resource and "subject" not in resource:
        raise FhirError(f"{name}: not FHIR R4: {label} has patient, not subject (DSTU2 shape)")


def _the_patient(entries: list[Entry], name: str) -> Entry:
    patients: dict[str, Entry] = {}
    for entry in entries:
        if entry.resource["resourceType"] == "Patient":
            key = str(entry.resource.get("id") or entry.full_url or len(patients))
            patients.setdefault(key, entry)
    if not patients:
        raise FhirError(f"{name}: no Patient resource")
    if len(patients) > 1:
        ids = ", ".join(list(patients)[:3]) + (", ..." if len(patients) > 3 else "")
        raise FhirError(
            f"{name}: {len(patients)} Patient resources ({ids}); import one patient per file"
        )
    return next(iter(patients.values()))
