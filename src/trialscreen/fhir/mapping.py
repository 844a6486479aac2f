"""FHIR R4 resources → one trialscreen Patient, with provenance and warnings.

Each resource is validated on its own against the small models of `resources`; one that is
invalid, lacks a required part (an Observation without code) or does not count (a preliminary
result, an entered-in-error condition) is skipped with a one-line warning naming it, and the rest
is kept. Resources whose `subject` names another patient are skipped the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from trialscreen.fhir import resources as fr
from trialscreen.fhir.load import Collected, Entry, collect, one_line, read_entries
from trialscreen.fhir.observations import map_marker, map_observation, pregnancy
from trialscreen.fhir.treatments import map_condition, map_medication, map_procedure
from trialscreen.model.patient import Biomarker, Condition, Observation, Patient, Treatment

_MODELS: dict[str, type[fr.Resource]] = {
    "Observation": fr.Observation,
    "Condition": fr.Condition,
    "MedicationRequest": fr.MedicationUse,
    "MedicationStatement": fr.MedicationUse,
    "MedicationAdministration": fr.MedicationUse,
    "Procedure": fr.Procedure,
}
_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_BIRTH_SEX = {"F": "female", "M": "male"}
M = TypeVar("M", bound=fr.Resource)
Warn = Callable[[str], None]


@dataclass(frozen=True)
class FhirImport:
    """The imported patient, where each field came from, and what could not be read."""

    patient: Patient
    provenance: dict[str, str]  # "observations[3]" / "birth_date" → "Observation/abc"
    warnings: list[str]


def import_fhir(
    source: str | Path | dict[str, Any] | list[Any], *, as_of: dt.date | None = None
) -> FhirImport:
    """Import one patient from a FHIR R4 file path (JSON, NDJSON, bulk folder) or parsed JSON.

    Raises FhirError for what makes the whole input unreadable; everything else is a warning.
    """
    if isinstance(source, str | Path):
        collected = read_entries(source)[1]
    else:
        collected = collect(source, "input")
    return _Builder(collected).build(as_of or dt.date.today())


def to_record_json(result: FhirImport) -> dict[str, Any]:
    """The patient record as JSON, with `provenance` (field path → FHIR resource) beside it."""
    record = result.patient.model_dump(mode="json", exclude_none=True)
    record["provenance"] = dict(result.provenance)
    return record


def _sex(found: fr.Patient, warn: Warn) -> str | None:
    """The record's sex from Patient.gender (administrative) and the US Core birth sex
    extension: the two agree, or one is there; when they differ, which one a trial's "women"
    or "men" means is a person's call, so sex is left out with a warning."""
    gender = _SEX.get(found.gender or "")
    if found.gender and gender is None:
        warn(f"gender {found.gender!r} not known; left out")
    born = _BIRTH_SEX.get(found.birth_sex() or "")
    if born is None or gender in (None, "unknown", born):
        return born or gender
    warn(f"gender {found.gender!r} and birth sex {found.birth_sex()!r} differ: sex left out")
    return None


@dataclass
class _Builder:
    collected: Collected
    warnings: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    treatments: list[Treatment] = field(default_factory=list)
    biomarkers: list[Biomarker] = field(default_factory=list)
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    pregnant: tuple[dt.date, bool, str] | None = None
    patient_refs: set[str] = field(default_factory=set)  # how resources may name the patient
    partial_dates: dict[str, str] = field(default_factory=dict)

    def build(self, as_of: dt.date) -> FhirImport:
        self.warnings.extend(one_line(w) for w in self.collected.warnings)
        for entry in self.collected.entries:
            self._index(entry)
        patient = self._patient(self.collected.patient)
        self.patient_refs = {f"Patient/{patient['id']}", f"urn:uuid:{patient['id']}"}
        if self.collected.patient.full_url:
            self.patient_refs.add(self.collected.patient.full_url)
        for number, entry in enumerate(self.collected.entries, start=1):
            self._add(entry, number)
        if self.pregnant is not None:
            patient["pregnant"] = self.pregnant[1]
            self.provenance["pregnant"] = self.pregnant[2]
        record = Patient(
            as_of=as_of,
            observations=self.observations,
            conditions=self.conditions,
            treatments=self.treatments,
            biomarkers=self.biomarkers,
            **patient,
        )
        record.partial_dates.update(self.partial_dates)
        return FhirImport(record, self.provenance, self.warnings)

    def _index(self, entry: Entry) -> None:
        kind, rid = entry.resource["resourceType"], entry.resource.get("id")
        if entry.full_url:
            self.index[entry.full_url] = entry.resource
        if isinstance(rid, str):
            self.index[f"{kind}/{rid}"] = entry.resource

    def _resolve(self, reference: str) -> dict[str, Any] | None:
        """A reference by fullUrl, `Type/id`, or an absolute URL ending in `Type/id`."""
        reference = reference.split("/_history/")[0]
        found = self.index.get(reference)
        if found is None and reference.count("/") > 1:
            found = self.index.get("/".join(reference.rsplit("/", 2)[-2:]))
        return found

    def _warn(self, label: str, reason: str) -> None:
        self.warnings.append(one_line(f"{label}: {reason}"))

    def _patient(self, entry: Entry) -> dict[str, Any]:
        """id, sex and birth_date of the one Patient (with their provenance)."""
        raw = entry.resource
        fallback = (entry.full_url or "unknown").rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        label = f"Patient/{raw.get('id') or fallback}"
        warn = partial(self._warn, label)
        found = _validate(fr.Patient, raw, warn) or fr.Patient(resource_type="Patient")
        fields: dict[str, Any] = {"id": found.id or fallback}
        if not found.id:
            warn(f"no id; the record is named {fallback!r}")
        fields["sex"] = _sex(found, warn)
        born, exact = fr.fhir_date(found.birth_date)
        if born is not None and not exact and found.birth_date:  # an age interval (dates.py)
            warn(f"birthDate {found.birth_date!r} is a partial date; ages are read as an interval")
            self.partial_dates["birth_date"] = found.birth_date.strip()
            born = None
        elif found.birth_date:
            born = fr.read_date(found.birth_date, "birthDate", warn)
        fields["birth_date"] = born
        if found.deceased_date_time or found.deceased_boolean:
            fields["deceased"] = True
            # a partial date reads as its first day: not screened from then on (screening.py)
            died, exact = fr.fhir_date(found.deceased_date_time)
            if died is None and found.deceased_date_time:
                warn(f"deceasedDateTime {found.deceased_date_time!r} is not a FHIR date")
            elif died is not None and not exact:
                warn(
                    f"deceasedDateTime {found.deceased_date_time!r} is a partial date: read as "
                    f"{died}, its first day (not screened from then on)"
                )
            fields["death_date"] = died
        elif found.deceased_boolean is False:
            fields["deceased"] = False
        for name in ("id", "sex", "birth_date", "deceased", "death_date"):
            if fields.get(name) is not None:
                self.provenance[name] = label
        return fields

    def _add(self, entry: Entry, number: int) -> None:
        raw = entry.resource
        kind = raw["resourceType"]
        if kind not in _MODELS:
            return
        rid = raw.get("id")
        label = f"{kind}/{rid}" if isinstance(rid, str) and rid else f"{kind} (entry {number})"
        warn = partial(self._warn, label)
        model = _validate(_MODELS[kind], raw, warn)
        if model is None or not self._about_patient(model.subject, warn):
            return
        if isinstance(model, fr.Observation):
            marker = map_marker(model, label, warn)
            if marker is not None:  # a tumour-marker test: a marker result, not a lab value
                self._keep("biomarkers", self.biomarkers, marker, label)
                return
            items = map_observation(model, label, warn)
            for item in items:
                self._keep("observations", self.observations, item, label)
            answer = pregnancy(model) if items else None
            if answer is not None:
                self._pregnancy(items[0].date, answer, label)
        elif isinstance(model, fr.Condition):
            self._keep("conditions", self.conditions, map_condition(model, label, warn), label)
        elif isinstance(model, fr.MedicationUse):
            drug = map_medication(model, kind, label, self._resolve, warn)
            self._keep("treatments", self.treatments, drug, label)
        elif isinstance(model, fr.Procedure):
            self._keep(
                "treatments",
                self.treatments,
                map_procedure(model, label, self._resolve, warn),
                label,
            )

    def _keep(self, name: str, items: list[Any], item: object, label: str) -> None:
        if item is not None:
            self.provenance[f"{name}[{len(items)}]"] = label
            items.append(item)

    def _about_patient(self, subject: fr.Reference | None, warn: Warn) -> bool:
        """True unless `subject` names another patient (conditional references are trusted)."""
        if subject is None or not subject.reference:
            return True
        ref = subject.reference.split("/_history/")[0]
        pid = next(r for r in sorted(self.patient_refs) if r.startswith("Patient/"))
        if ref in self.patient_refs or ref.startswith("Patient?") or ref.endswith("/" + pid):
            return True
        warn(f"skipped: its subject {subject.reference!r} is not {pid}")
        return False

    def _pregnancy(self, date: dt.date | None, answer: bool, label: str) -> None:
        """The latest pregnancy-status answer (undated ones first) sets Patient.pregnant."""
        date = date or dt.date.min
        if self.pregnant is None or date >= self.pregnant[0]:
            self.pregnant = (date, answer, label)


def _validate(model: type[M], raw: dict[str, Any], warn: Warn) -> M | None:
    """The resource as `model`, or None with a warning naming the first invalid field."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        warn(f"skipped: invalid {where} ({first['msg']})")
        return None
