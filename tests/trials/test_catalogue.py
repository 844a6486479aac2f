"""The catalogue: records read once and kept (by path, size, mtime, content hash and reader
version), documents and registry-phrase readings kept in the store, and `match` screening
only what it lists."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import SEEDS
from trialscreen import relevance
from trialscreen.database import connect
from trialscreen.facts import build_facts
from trialscreen.fastpath import TrialPlan, trial_plan
from trialscreen.inputs import read_patient_input
from trialscreen.matching import match
from trialscreen.model.trial import Trial
from trialscreen.screening import compiled_bullets
from trialscreen.store import TrialStore
from trialscreen.trials.catalogue import Catalogue, PhraseMemory
from trialscreen.trials.load import load_records, load_trials

ROOT = Path(__file__).resolve().parents[2]


def study(nct: str, criterion: str = "Adult") -> str:
    protocol = {
        "identificationModule": {"nctId": nct, "briefTitle": f"Study {nct}"},
        "conditionsModule": {"conditions": ["Breast Cancer"]},
        "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n\n* {criterion}"},
    }
    return json.dumps({"protocolSection": protocol})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "trials"
    root.mkdir()
    (root / "a.json").write_text(study("NCT00000001"))
    (root / "b.json").write_text(study("NCT00000002", "ECOG 0-1"))
    (root / "notes.txt").write_text("not a trial")
    return root


def test_files_unchanged_are_not_read_again(folder: Path, tmp_path: Path) -> None:
    conn = connect(tmp_path / "store.sqlite3")
    first = Catalogue(conn)
    cold = load_records(folder, catalogue=first)
    assert (first.read, first.reused) == (3, 0)
    second = Catalogue(conn)
    warm = load_records(folder, catalogue=second)
    assert (second.read, second.reused) == (0, 3)
    assert [t.model_dump() for t in warm.trials] == [t.model_dump() for t in cold.trials]
    assert (warm.warnings, warm.errors) == (cold.warnings, cold.errors)  # the text file too
    assert [t.model_dump() for t in cold.trials] == [
        t.model_dump() for t in load_records(folder).trials
    ]


def test_a_changed_file_is_read_and_a_touched_one_is_not(folder: Path, tmp_path: Path) -> None:
    conn = connect(tmp_path / "store.sqlite3")
    load_records(folder, catalogue=Catalogue(conn))
    (folder / "a.json").write_text(study("NCT00000001", "ECOG 0-2"))
    stat = (folder / "b.json").stat()
    os.utime(folder / "b.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a touch
    again = Catalogue(conn)
    report = load_records(folder, catalogue=again)
    assert (again.read, again.reused) == (1, 2)
    assert report.trials[0].bullets[0].text == "ECOG 0-2"
    other = Catalogue(conn)
    other.reader = "another reader"  # a new version of the readers reads everything again
    load_records(folder, catalogue=other)
    assert other.read == 3


def test_documents_and_phrases_are_kept(tmp_path: Path) -> None:
    trials = load_trials(SEEDS)
    with TrialStore.open(tmp_path / "store.sqlite3") as store:
        first = store.documents_for(trials)
        second = store.documents_for(trials)
    assert first == second == [compiled_bullets(t) for t in trials]
    conn = connect(tmp_path / "store.sqlite3")
    memory = PhraseMemory(conn, "engine-1")
    memory.save({"read\x1fBreast Neoplasms": (("breast_cancer",), True)})
    assert memory.load() == {"read\x1fBreast Neoplasms": (("breast_cancer",), True)}
    assert PhraseMemory(conn, "engine-2").load() == {}  # another engine: read again
    relevance.remember(memory.load())
    assert "read\x1fBreast Neoplasms" not in relevance.new_readings()


def test_match_screens_only_what_it_lists() -> None:
    trials = load_trials(SEEDS)
    facts = build_facts(read_patient_input(ROOT / "patients" / "pt-0001-example.json").patient)
    every = match(facts, trials, [trial_plan(t) for t in trials])
    asked: list[str] = []

    def planner(chosen: Sequence[Trial]) -> list[TrialPlan]:
        asked.extend(t.id for t in chosen)
        return [trial_plan(t) for t in chosen]

    listed = match(facts, trials, planner, screen_all=False)
    assert listed.counts == every.counts
    assert [r.trial.id for r in listed.rows] == [r.trial.id for r in every.shown(False)]
    assert sorted(asked) == sorted(r.trial.id for r in every.shown(False))
    assert [r.to_json() for r in listed.rows] == [r.to_json() for r in every.shown(False)]
    assert listed.collect_next == every.collect_next
