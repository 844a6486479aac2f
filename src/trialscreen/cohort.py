"""Cohort screening: many patients against a trial set, streamed as NDJSON, resumable.

Each patient gives one line per trial (`{"patient", "trial_id", "verdict", "pass", "fail",
"unknown", "needs"}`) and then a summary line (`{"type": "summary", "patient", "patient_key",
...}`), written together. The patient key is the id and a hash of the record, so two records
sharing an id are two patients. The output file, its lock and resuming: `cohort_output`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from trialscreen import files
from trialscreen.facts import build_facts
from trialscreen.fastpath import TrialPlan, screen_plan, trial_plan
from trialscreen.model.patient import Patient
from trialscreen.model.trial import Trial
from trialscreen.records import PatientError, check_record
from trialscreen.screening import not_screened

_SHARED: dict[str, Any] = {}  # plans and trials, set before the worker processes fork


@dataclass(slots=True)
class Source:
    """Where one patient comes from: a file, or a parsed JSON value, with a label for errors."""

    label: str
    data: Any
    as_of: dt.date | None = None  # the screening date for every patient (`--as-of`)


def _fhir_groups(resources: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """FHIR bulk NDJSON: resources grouped by the patient they belong to."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for res in resources:
        if res.get("resourceType") == "Patient":
            key = f"Patient/{res.get('id')}"
        else:
            ref = res.get("subject") or res.get("patient") or {}
            key = ref.get("reference", "") if isinstance(ref, dict) else ""
        groups.setdefault(key, []).append(res)
    return {k: v for k, v in groups.items() if k.startswith("Patient/")}


def sources(
    path: Path, as_of: dt.date | None = None, warn: Callable[[str], None] | None = None
) -> Iterator[Source]:
    """Patients in a folder (records or FHIR bundles), an NDJSON of records (streamed, one line
    at a time), or a FHIR bulk NDJSON export (grouped by patient, so read whole); `as_of`, when
    given, is every patient's screening date. A line that is not a record is an error of its
    own (a patient not read); one that is not a FHIR resource, a warning given to `warn`."""
    for source in _sources(path, warn or (lambda _: None)):
        source.as_of = as_of
        yield source


def _sources(path: Path, warn: Callable[[str], None]) -> Iterator[Source]:
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.suffix.lower() in (".json", ".ndjson") and not file.is_dir():
                yield Source(str(file), file)
        return
    values = _values(path)
    first = next(values, None)
    if first is None:
        return
    if isinstance(first[1], PatientError) and path.suffix.lower() == ".json":
        yield Source(str(path), path)  # one document (a record or bundle on many lines)
        return
    if isinstance(first[1], dict) and "resourceType" in first[1]:
        for key, group in _fhir_groups(_resources(path, chain([first], values), warn)).items():
            yield Source(f"{path}:{key}", group)
        return
    for number, value in chain([first], values):
        yield Source(f"{path}:{number}", value)


def _values(path: Path) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of an NDJSON file, parsed; a line that cannot be comes as a
    PatientError naming it (the reading goes on)."""
    for number, raw in files.lines(path):
        where = f"{path}:{number}"
        if raw is None:
            yield number, PatientError(f"{where}: line longer than {files.LINE_LIMIT} bytes")
            continue
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield number, PatientError(f"{where}: not UTF-8 text")
            continue
        if not text.strip():
            continue
        try:
            yield number, files.parse_json(text)
        except json.JSONDecodeError as exc:
            yield number, PatientError(f"{where}: not JSON ({exc.msg})")
        except RecursionError:
            yield number, PatientError(f"{where}: JSON nested too deeply")
        except ValueError as exc:
            yield number, PatientError(f"{where}: {exc}")


def _resources(
    path: Path, values: Iterator[tuple[int, Any]], warn: Callable[[str], None]
) -> list[dict[str, Any]]:
    """The FHIR resources of a bulk NDJSON export; a line that is not one is a warning."""
    kept = []
    for number, value in values:
        if isinstance(value, PatientError):
            warn(f"{value}; skipped")
        elif not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
            warn(f"{path}:{number}: not a FHIR resource (no resourceType); skipped")
        else:
            kept.append(value)
    return kept


def _patient(source: Source) -> tuple[Patient, list[str]]:
    """The patient of one source, with the warnings about what in it will not be read."""
    if isinstance(source.data, PatientError):
        raise source.data
    if isinstance(source.data, Path):
        from trialscreen.inputs import read_patient_input

        got = read_patient_input(source.data, source.as_of)
        return got.patient, got.warnings
    if _is_resource(source.data) or (
        isinstance(source.data, list) and any(map(_is_resource, source.data))
    ):
        from trialscreen.inputs import imported_fhir

        got = imported_fhir(source.data, source.label, source.as_of)
        return got.patient, got.warnings
    data = source.data
    if isinstance(data, dict) and source.as_of is not None:
        data = {**data, "as_of": source.as_of.isoformat()}
    check = check_record(data, f"{source.label}: ")
    return check.accepted(), check.warnings


def _is_resource(value: Any) -> bool:
    return isinstance(value, dict) and "resourceType" in value


def screen_source(source: Source) -> tuple[str | None, list[dict[str, Any]], str | None]:
    """(patient id, output lines, error) for one patient; runs in a worker process."""
    plans: list[TrialPlan] = _SHARED["plans"]
    trials: list[Trial] = _SHARED["trials"]
    skip: set[str] = _SHARED.get("skip", set())
    try:
        patient, warnings = _patient(source)
    except PatientError as exc:
        return None, [], str(exc)
    key = patient_key(patient)
    if key in skip:
        return patient.id, [], None
    refused = not_screened(patient)
    if refused is not None:  # a row saying so, no trial rows; not an input error
        summary = {"type": "summary", "patient": patient.id, "patient_key": key, "trials": 0}
        return patient.id, [{**summary, "not_screened": refused, "warnings": warnings}], None
    facts = build_facts(patient)
    rows = []
    verdicts: Counter[str] = Counter()
    for plan, trial in zip(plans, trials, strict=True):
        result = screen_plan(plan, facts, trial.healthy_volunteers)
        verdicts[result.verdict] += 1
        rows.append({"patient": patient.id, "patient_key": key, **result.to_json()})
    summary = {
        "type": "summary",
        "patient": patient.id,
        "patient_key": key,
        "trials": len(plans),
        **verdicts,
    }
    rows.append({**summary, "warnings": warnings} if warnings else summary)
    return patient.id, rows, None


def patient_key(patient: Patient) -> str:
    """The patient's id and a hash of the record as read (not its bytes: re-indenting a file
    changes nothing): two records that share an id are two patients, and a record changed
    since an interrupted run is screened again."""
    digest = hashlib.sha256(patient.model_dump_json().encode("utf-8"))
    digest.update(json.dumps(patient.partial_dates, sort_keys=True).encode("utf-8"))
    return f"{patient.id}#{digest.hexdigest()[:16]}"


def run(
    trials: list[Trial],
    source_iter: Iterator[Source],
    workers: int,
    skip: set[str],
    plans: list[TrialPlan] | None = None,
) -> Iterator[tuple[str | None, list[dict[str, Any]], str | None]]:
    """Screen patients in order, with `workers` processes; yields each patient's lines."""
    if plans is None:
        plans = [trial_plan(t) for t in trials]
    _SHARED.update(plans=plans, trials=trials, skip=skip)
    if workers <= 1:
        yield from map(screen_source, source_iter)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(screen_source, source_iter, chunksize=4)
