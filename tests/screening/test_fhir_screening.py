"""A FHIR bundle screens like any record, and the evidence names the resource behind it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import FHIR_BUNDLES, SEEDS, need_shared
from trialscreen.fhir import import_fhir
from trialscreen.records import PatientError
from trialscreen.screening import screen
from trialscreen.trials.load import load_trials


def _alive(path: Path) -> bool:
    return not import_fhir(path).patient.deceased


def test_synthea_bundles_screen_against_the_seeds_with_sourced_evidence() -> None:
    bundles = [p for p in sorted(need_shared(FHIR_BUNDLES).glob("*.json")) if _alive(p)][:5]
    trials = load_trials(SEEDS)
    sources: set[str] = set()
    for path in bundles:
        patient = import_fhir(path).patient
        results = screen(patient, trials)
        assert [r.trial_id for r in results] == [t.id for t in trials]
        for result in results:
            for criterion in result.criteria:
                for item in criterion.evidence:
                    if item.get("source"):
                        sources.add(str(item["source"]).split("/")[0])
    assert {"Observation", "Condition"} & sources, sources


@pytest.mark.corpus
def test_a_bundle_screens_against_the_corpus() -> None:
    from conftest import CORPUS

    bundle = next(p for p in sorted(need_shared(FHIR_BUNDLES).glob("*.json")) if _alive(p))
    trials = load_trials(need_shared(CORPUS) / "ctgov-v2")
    results = screen(import_fhir(bundle).patient, trials)
    assert len(results) == len(trials)
    assert {r.verdict for r in results} <= {"eligible", "ineligible", "undetermined", "no_criteria"}


def test_a_patient_who_died_is_not_screened_but_can_be_as_of_a_day_before() -> None:
    """Eight of the 32 Synthea patients have died: no trial is listed for them as of today
    (a list of "eligible" trials would be wrong); as of the day before death they screen."""
    dead = [p for p in sorted(need_shared(FHIR_BUNDLES).glob("*.json")) if not _alive(p)]
    assert len(dead) == 8
    trials = load_trials(SEEDS)
    patient = import_fhir(dead[0]).patient
    assert patient.death_date is not None
    with pytest.raises(PatientError, match=rf"died on {patient.death_date} .*not screened"):
        screen(patient, trials)
    before = import_fhir(dead[0], as_of=patient.death_date - dt.timedelta(days=1)).patient
    assert len(screen(before, trials)) == len(trials)
