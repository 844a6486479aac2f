"""The Python API importable from `trialscreen`."""

from __future__ import annotations

import json

import trialscreen
from conftest import PATIENTS, ROOT, SEEDS


def test_api_end_to_end() -> None:
    trials = trialscreen.load_trials(SEEDS)
    assert len(trials) == 5
    patient = trialscreen.load_patient(PATIENTS / "pt-0001-example.json")
    compiled = trialscreen.compile_criterion("ANC ≥ 1,500/mm³", kind="inclusion")
    result = trialscreen.evaluate(compiled, patient)
    assert (result.met, result.outcome) == (True, "pass")
    assert result.reason and result.evidence
    text_result = trialscreen.evaluate("Known brain metastases", patient)
    assert text_result.met is None and text_result.needs
    screened = trialscreen.screen(patient, trials)
    assert [r.trial_id for r in screened] == [t.id for t in trials]
    assert all(
        r.verdict in ("eligible", "ineligible", "undetermined", "no_criteria") for r in screened
    )
    assert all(hasattr(r, "needs") and hasattr(r, "criteria") for r in screened)


def test_load_patient_from_dict_and_fhir() -> None:
    record = json.loads((PATIENTS / "pt-0003-low-anc.json").read_text(encoding="utf-8"))
    assert trialscreen.load_patient(record).id == "pt-0003"
    bundle_path = ROOT / "tests" / "fhir" / "data" / "observations.json"
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    assert trialscreen.load_patient(bundle).id
    assert trialscreen.load_patient(bundle_path).id
