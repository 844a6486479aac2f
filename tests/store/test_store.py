"""The compiled-trial store: round trip, reuse, invalidation, crash safety, concurrency."""

from __future__ import annotations

import gc
import sqlite3
import threading
from pathlib import Path

import pytest

from conftest import SEEDS
from trialscreen import store as store_module
from trialscreen.language.compiler import clear_caches, compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.trial import Trial
from trialscreen.store import TrialStore, default_store_path, engine_version
from trialscreen.trials.load import load_records


@pytest.fixture(scope="module")
def trials() -> list[Trial]:
    loaded = load_records(SEEDS).trials
    assert len(loaded) >= 3 and loaded[0].bullets  # some seeds have no bullets: kept too
    return loaded


def fresh(trials: list[Trial]) -> list[list[CompiledCriterion]]:
    clear_caches()
    return [[compile_criterion(b.text, b.kind) for b in t.bullets] for t in trials]


def test_reload_gives_the_same_compiled_bullets(tmp_path: Path, trials: list[Trial]) -> None:
    path = tmp_path / "store.sqlite3"
    with TrialStore.open(path) as store:
        assert store.index(trials).compiled == len(trials)
    with TrialStore.open(path) as store:
        loaded = store.compiled_for(trials)
    expected = fresh(trials)
    assert loaded == expected
    assert gc.isenabled()  # paused while decoding only
    assert [[c.model_dump_json() for c in t] for t in loaded] == [
        [c.model_dump_json() for c in t] for t in expected
    ]
    assert [len(t) for t in loaded] == [len(t.bullets) for t in trials]


def test_a_second_run_compiles_nothing(tmp_path: Path, trials: list[Trial]) -> None:
    with TrialStore.open(tmp_path / "s.db") as store:
        first = store.index(trials)
        second = store.index(trials)
        stats = store.stats()
    assert (first.compiled, first.reused) == (len(trials), 0)
    assert (second.compiled, second.reused) == (0, len(trials))
    assert (stats.rows, stats.current, stats.stale) == (len(trials), len(trials), 0)


def test_editing_one_trial_recompiles_only_it(tmp_path: Path, trials: list[Trial]) -> None:
    first = trials[0].bullets[0]
    edited = trials[0].model_copy(
        update={
            "bullets": [
                first.model_copy(update={"text": "ANC >= 2000/mm3"}),
                *trials[0].bullets[1:],
            ]
        }
    )
    with TrialStore.open(tmp_path / "s.db") as store:
        store.index(trials)
        report = store.index([edited, *trials[1:]])
        compiled = store.compiled_for([edited])[0]
    assert (report.compiled, report.reused) == (1, len(trials) - 1)
    assert compiled[0].text == "ANC >= 2000/mm3"


def test_another_engine_invalidates(tmp_path: Path, trials: list[Trial]) -> None:
    path = tmp_path / "s.db"
    with TrialStore.open(path) as store:
        store.index(trials)
    with TrialStore.open(path, engine="0.0.0+other") as other:
        assert other.stats().stale == len(trials)
        assert other.index(trials).compiled == len(trials)
    with TrialStore.open(path) as store:
        assert store.engine == engine_version()
        assert (store.stats().rows, store.stats().stale) == (len(trials), len(trials))
        assert store.index(trials).compiled == len(trials)


def test_a_crash_mid_batch_keeps_earlier_batches(
    tmp_path: Path, trials: list[Trial], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    monkeypatch.setattr(store_module, "BATCH", 2)
    encode = store_module._encode
    calls = {"n": 0}

    def failing(compiled: list[CompiledCriterion]) -> str:
        calls["n"] += 1
        if calls["n"] == 4:  # the second row of the second batch, inside its transaction
            raise KeyboardInterrupt
        return encode(compiled)

    monkeypatch.setattr(store_module, "_encode", failing)
    with TrialStore.open(path) as store, pytest.raises(KeyboardInterrupt):
        store.index(trials)
    monkeypatch.setattr(store_module, "_encode", encode)
    with TrialStore.open(path) as store:
        assert store.stats().rows == 2
        report = store.index(trials)
        assert store.compiled_for(trials) == fresh(trials)
    assert (report.reused, report.compiled) == (2, len(trials) - 2)


def test_concurrent_readers_and_a_writer(tmp_path: Path, trials: list[Trial]) -> None:
    path = tmp_path / "s.db"
    with TrialStore.open(path) as store:
        store.index(trials[:2])
    expected = fresh(trials)
    results: list[object] = []

    def read() -> None:
        with TrialStore.open(path) as reader:
            for _ in range(20):
                results.append(reader.compiled_for(trials[:2]) == expected[:2])

    def write() -> None:
        with TrialStore.open(path) as writer:
            results.append(writer.compiled_for(trials) == expected)

    threads = [threading.Thread(target=f) for f in (read, read, write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results and all(r is True for r in results)
    assert len(results) == 41


def test_store_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "nested" / "mine.sqlite3"
    monkeypatch.setenv("TRIALSCREEN_STORE", str(target))
    assert default_store_path() == target
    with TrialStore() as store:
        assert store.path == target
    assert target.is_file()
    monkeypatch.setenv("TRIALSCREEN_STORE", str(tmp_path))
    assert default_store_path() == tmp_path / store_module.STORE_FILE
    monkeypatch.delenv("TRIALSCREEN_STORE")
    assert default_store_path().name == store_module.STORE_FILE
    assert "trialscreen" in str(default_store_path())


def test_an_undecodable_row_is_recompiled(tmp_path: Path, trials: list[Trial]) -> None:
    path = tmp_path / "s.db"
    with TrialStore.open(path) as store:
        store.index(trials)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE trials SET compiled_json = '[{\"text\": 1}]'")
    conn.close()
    with TrialStore.open(path) as store:
        assert store.compiled_for(trials) == fresh(trials)
        assert store.index(trials).reused == len(trials)  # rewritten by compiled_for
