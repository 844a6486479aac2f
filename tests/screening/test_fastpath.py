"""The hot path gives the reference evaluator's verdicts, counts and needs, trial by trial."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, PATIENTS, SEEDS, need_shared
from trialscreen.facts import build_facts
from trialscreen.fastpath import PLANNERS, rank_fast, screen_plan, trial_plan
from trialscreen.model.predicate import NODE_TYPES, node_kind
from trialscreen.model.trial import Trial
from trialscreen.records import read_patient
from trialscreen.screening import rank, screen_trial
from trialscreen.trials.load import load_trials

KEYS = ("verdict", "pass", "fail", "unknown", "needs")


def test_every_node_kind_has_a_plan() -> None:
    assert {node_kind(cls) for cls in NODE_TYPES} == set(PLANNERS)


def mismatches(trials: list[Trial], patients: list[Path]) -> list[str]:
    out = []
    plans = [trial_plan(t) for t in trials]
    for path in patients:
        facts = build_facts(read_patient(path))
        for trial, plan in zip(trials, plans, strict=True):
            ref = screen_trial(trial, facts).to_json()
            fast = screen_plan(plan, facts, trial.healthy_volunteers).to_json()
            out += [f"{path.stem} {trial.id} {k}" for k in KEYS if ref[k] != fast[k]]
    return out


def test_identical_to_reference_on_seeds() -> None:
    assert mismatches(load_trials(SEEDS), sorted(PATIENTS.glob("*.json"))) == []


def test_ranking_matches_reference() -> None:
    trials = load_trials(SEEDS)
    facts = build_facts(read_patient(PATIENTS / "pt-0001-example.json"))
    ref = [r.trial_id for r in rank([screen_trial(t, facts) for t in trials], True)]
    fast = [screen_plan(trial_plan(t), facts, t.healthy_volunteers) for t in trials]
    assert [r.trial_id for r in rank_fast(fast, True)] == ref


@pytest.mark.corpus
def test_identical_to_reference_on_the_corpus() -> None:
    trials = load_trials(need_shared(CORPUS))
    patients = sorted(PATIENTS.glob("*.json"))[:3]
    assert mismatches(trials, patients) == []


def test_prefilter_keeps_every_verdict() -> None:
    trials = load_trials(SEEDS)
    young = {"id": "young", "as_of": "2026-11-01", "age": 12, "sex": "male"}
    for record in (young, PATIENTS / "pt-0002-breast-candidate.json"):
        facts = build_facts(read_patient(record))
        for trial in trials:
            plan = trial_plan(trial)
            full = screen_plan(plan, facts, trial.healthy_volunteers)
            quick = screen_plan(plan, facts, trial.healthy_volunteers, prefilter=True)
            assert quick.verdict == full.verdict
