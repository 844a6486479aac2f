"""A FHIR bundle screens like any record, and the evidence names the resource behind it."""

from __future__ import annotations

import pytest

from conftest import FHIR_BUNDLES, SEEDS, need_shared
from trialscreen.fhir import import_fhir
from trialscreen.screening import screen
from trialscreen.trials.load import load_trials


def test_synthea_bundles_screen_against_the_seeds_with_sourced_evidence() -> None:
    bundles = sorted(need_shared(FHIR_BUNDLES).glob("*.json"))[:5]
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

    bundle = sorted(need_shared(FHIR_BUNDLES).glob("*.json"))[0]
    trials = load_trials(need_shared(CORPUS) / "ctgov-v2")
    results = screen(import_fhir(bundle).patient, trials)
    assert len(results) == len(trials)
    assert {r.verdict for r in results} <= {"eligible", "ineligible", "undetermined", "no_criteria"}
