"""The Python API: load trials and patients, compile a criterion, evaluate, screen, match."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialscreen.facts import PatientFacts, build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.matching import DEFAULT_MIN_RELEVANCE, Filters, MatchReport, explain_failures
from trialscreen.matching import match as _match
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.patient import Patient
from trialscreen.model.trial import Trial
from trialscreen.records import PatientError, RecordCheck, check_record, read_patient
from trialscreen.screening import Outcome, TrialResult, judge, not_screened
from trialscreen.screening import screen as _screen
from trialscreen.trials.load import load_trials


@dataclass(slots=True)
class Evaluation:
    """One criterion for one patient: met (True/False/None), outcome, reason, evidence, needs."""

    met: bool | None
    outcome: Outcome
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


def load_patient(source: str | Path | dict[str, Any] | Patient) -> Patient:
    """A patient record from a JSON file, FHIR Bundle / NDJSON file, dict, or Patient."""
    if isinstance(source, (str, Path)):
        from trialscreen.inputs import read_patient_input

        return read_patient_input(source).patient
    if isinstance(source, dict) and "resourceType" in source:
        from trialscreen.fhir import import_fhir
        from trialscreen.inputs import checked_fhir_patient

        return checked_fhir_patient(import_fhir(source).patient, "input")[0]
    return read_patient(source)


def validate_patient(source: str | Path | dict[str, Any]) -> RecordCheck:
    """Every problem of a patient record or FHIR bundle (file or dict) at once: `.errors` (the
    record is refused), `.warnings` (names that will not be read), `.patient` when accepted."""
    if isinstance(source, (str, Path)):
        from trialscreen.inputs import check_patient_input

        return check_patient_input(source)[1]
    if isinstance(source, dict) and "resourceType" in source:
        from trialscreen.fhir import FhirError, import_fhir
        from trialscreen.inputs import checked_fhir_patient

        try:
            imported = import_fhir(source)
            patient, dropped = checked_fhir_patient(imported.patient, "input")
        except (FhirError, PatientError) as exc:
            return RecordCheck(None, [str(exc)])
        return RecordCheck(patient, [], list(imported.warnings) + dropped)
    return check_record(source)


def evaluate(compiled: CompiledCriterion | str, patient: Patient | PatientFacts) -> Evaluation:
    """Evaluate one compiled criterion (or criterion text, read as inclusion) for a patient."""
    if isinstance(compiled, str):
        compiled = compile_criterion(compiled)
    refused = not_screened(patient.patient if isinstance(patient, PatientFacts) else patient)
    if refused is not None:
        raise PatientError(refused)
    facts = patient if isinstance(patient, PatientFacts) else build_facts(patient)
    result, outcome = judge(compiled, facts)
    return Evaluation(result.met, outcome, result.reason, result.evidence, result.needs)


def screen(patient: Patient, trials: list[Trial]) -> list[TrialResult]:
    """Screen one patient against trials: per trial `.verdict`, `.needs`, `.criteria`."""
    return _screen(patient, trials)


def match(
    patient: Patient,
    trials: list[Trial],
    *,
    status: tuple[str, ...] = (),
    phase: tuple[str, ...] = (),
    condition: str | None = None,
    country: tuple[str, ...] = (),
    min_relevance: float = DEFAULT_MIN_RELEVANCE,
    explain: bool = True,
) -> MatchReport:
    """Rank trials for a patient as `trialscreen match` does, with the same filters: `.rows`
    (each with `.section`, `.relevance`, `.result`, `.why_not`), `.counts`, `.collect_next`;
    `.shown(show_all)` gives the rows the command lists. With `explain`, ineligible rows get
    the criterion that failed."""
    from trialscreen.fastpath import trial_plan

    refused = not_screened(patient)
    if refused is not None:
        raise PatientError(refused)
    facts = build_facts(patient)
    filters = Filters(status, phase, condition, country, min_relevance)
    report = _match(facts, trials, [trial_plan(t) for t in trials], filters)
    if explain:
        explain_failures(report.rows, facts)
    return report


__all__ = [
    "Evaluation",
    "RecordCheck",
    "compile_criterion",
    "evaluate",
    "load_patient",
    "load_trials",
    "match",
    "screen",
    "validate_patient",
]
