"""Cohort screening: many patients against a trial set, streamed as NDJSON, resumable.

Each patient gives one line per trial (`{"patient", "trial_id", "verdict", "pass", "fail",
"unknown", "needs"}`) and then a summary line (`{"type": "summary", "patient", ...}`), written
together. A rerun with the same `--out` keeps every patient whose summary line is there and
drops any half-written tail, so an interrupted run resumes cleanly.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trialscreen.facts import build_facts
from trialscreen.fastpath import TrialPlan, screen_plan, trial_plan
from trialscreen.model.patient import Patient
from trialscreen.model.trial import Trial
from trialscreen.records import PatientError, check_record

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


def sources(path: Path, as_of: dt.date | None = None) -> Iterator[Source]:
    """Patients in a folder (records or FHIR bundles), an NDJSON of records (streamed, one line
    at a time), or a FHIR bulk NDJSON export (grouped by patient, so read whole); `as_of`, when
    given, is every patient's screening date."""
    for source in _sources(path):
        source.as_of = as_of
        yield source


def _sources(path: Path) -> Iterator[Source]:
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file() and file.suffix.lower() in (".json", ".ndjson"):
                yield Source(str(file), file)
        return
    with path.open(encoding="utf-8") as handle:
        first = _first_value(handle)
        if isinstance(first, dict) and "resourceType" in first:
            handle.seek(0)
            resources = [json.loads(line) for line in handle if line.strip()]
            for key, group in _fhir_groups(resources).items():
                yield Source(f"{path}:{key}", group)
            return
        handle.seek(0)
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield Source(f"{path}:{number}", json.loads(line))
            except json.JSONDecodeError as exc:
                yield Source(
                    f"{path}:{number}", PatientError(f"{path}:{number}: not JSON ({exc.msg})")
                )


def _first_value(handle: Any) -> Any:
    for line in handle:
        if line.strip():
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


def _patient(source: Source) -> tuple[Patient, list[str]]:
    """The patient of one source, with the warnings about what in it will not be read."""
    if isinstance(source.data, PatientError):
        raise source.data
    if isinstance(source.data, Path):
        from trialscreen.inputs import read_patient_input

        got = read_patient_input(source.data, source.as_of)
        return got.patient, got.warnings
    if isinstance(source.data, list) or (
        isinstance(source.data, dict) and "resourceType" in source.data
    ):
        from trialscreen.inputs import imported_fhir

        got = imported_fhir(source.data, source.label, source.as_of)
        return got.patient, got.warnings
    data = source.data
    if isinstance(data, dict) and source.as_of is not None:
        data = {**data, "as_of": source.as_of.isoformat()}
    check = check_record(data, f"{source.label}: ")
    return check.accepted(), check.warnings


def screen_source(source: Source) -> tuple[str | None, list[dict[str, Any]], str | None]:
    """(patient id, output lines, error) for one patient; runs in a worker process."""
    plans: list[TrialPlan] = _SHARED["plans"]
    trials: list[Trial] = _SHARED["trials"]
    skip: set[str] = _SHARED.get("skip", set())
    try:
        patient, warnings = _patient(source)
    except PatientError as exc:
        return None, [], str(exc)
    if patient.id in skip:
        return patient.id, [], None
    facts = build_facts(patient)
    rows = []
    verdicts: Counter[str] = Counter()
    for plan, trial in zip(plans, trials, strict=True):
        result = screen_plan(plan, facts, trial.healthy_volunteers)
        verdicts[result.verdict] += 1
        rows.append({"patient": patient.id, **result.to_json()})
    summary = {"type": "summary", "patient": patient.id, "trials": len(plans), **verdicts}
    rows.append({**summary, "warnings": warnings} if warnings else summary)
    return patient.id, rows, None


def completed(out: Path) -> set[str]:
    """Patients already written (with their summary line); cut any half-written tail."""
    if not out.exists():
        return set()
    done: set[str] = set()
    keep = 0
    with out.open("rb") as handle:
        offset = 0
        for raw in handle:
            offset += len(raw)
            try:
                row = json.loads(raw)
            except json.JSONDecodeError:
                break
            if isinstance(row, dict) and row.get("type") == "summary":
                done.add(str(row.get("patient")))
                keep = offset
    with out.open("r+b") as handle:
        handle.truncate(keep)
    return done


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
