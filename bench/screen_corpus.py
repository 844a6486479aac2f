"""Screening speed over ../shared/corpus: reference evaluator, hot path, float floor, growth.

Usage: python bench/screen_corpus.py [CORPUS] [--repeats N] [--no-reference]
Trials are compiled and planned once first (that cost is printed), so the figures are what a
compiled-trial store leaves: the per-patient work. All figures are medians of N runs.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

from trialscreen.facts import PatientFacts, build_facts
from trialscreen.fastpath import TrialPlan, screen_plan, trial_plan
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import LabCompare, Quantity
from trialscreen.model.trial import Trial
from trialscreen.records import read_patient
from trialscreen.report import leaves
from trialscreen.screening import screen_trial
from trialscreen.trials.load import load_records

ROOT = Path(__file__).resolve().parents[1]
_STATE: dict[str, object] = {}


def median_time(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def float_floor(trials: list[Trial]) -> list[list[tuple[str, str, float]]]:
    """Per trial, the (analyte, op, threshold) of every lab leaf with a fixed threshold."""
    out = []
    for trial in trials:
        rows = []
        for b in trial.bullets:
            for leaf in leaves(compile_criterion(b.text, b.kind).predicate):
                if isinstance(leaf, LabCompare) and isinstance(leaf.threshold, Quantity):
                    if leaf.threshold.canonical is not None:
                        rows.append((leaf.analyte, leaf.op, leaf.threshold.canonical))
        out.append(rows)
    return out


def run_floor(rows: list[list[tuple[str, str, float]]], values: dict[str, float]) -> int:
    hits = 0
    for trial_rows in rows:
        for analyte, op, threshold in trial_rows:
            v = values.get(analyte)
            if v is not None and (v >= threshold if op[0] == ">" else v <= threshold):
                hits += 1
    return hits


def _cohort_chunk(paths: list[str]) -> int:
    plans: list[TrialPlan] = _STATE["plans"]  # type: ignore[assignment]
    trials: list[Trial] = _STATE["trials"]  # type: ignore[assignment]
    pairs = 0
    for path in paths:
        facts = build_facts(read_patient(path))
        for plan, trial in zip(plans, trials, strict=True):
            screen_plan(plan, facts, trial.healthy_volunteers)
            pairs += 1
    return pairs


def cohort(paths: list[str], workers: int) -> float:
    """Patient x trial pairs per second with `workers` processes (forked after planning)."""
    started = time.perf_counter()
    if workers == 1:
        pairs = _cohort_chunk(paths)
    else:
        chunks = [paths[i::workers] for i in range(workers)]
        with mp.get_context("fork").Pool(workers) as pool:
            pairs = sum(pool.map(_cohort_chunk, chunks))
    return pairs / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        print(f"corpus not found: {args.corpus} (needs ../shared beside the checkout)")
        return 2
    trials = load_records(args.corpus).trials
    n_bullets = sum(len(t.bullets) for t in trials)
    started = time.perf_counter()
    plans = [trial_plan(t) for t in trials]
    print(
        f"trials {len(trials)}, bullets {n_bullets}; compile + plan once: "
        f"{time.perf_counter() - started:.1f} s"
    )
    rows = float_floor(trials)
    patients = sorted((ROOT / "patients").glob("*.json"))
    head = ("patient", "hot path", "us/trial", "floor", "x floor", "reference")
    print(f"{head[0]:28} {head[1]:>9} {head[2]:>9} {head[3]:>8} {head[4]:>8} {head[5]:>10}")
    for path in patients:
        facts: PatientFacts = build_facts(read_patient(path))
        fast = median_time(
            lambda f=facts: [
                screen_plan(p, f, t.healthy_volunteers) for p, t in zip(plans, trials, strict=True)
            ],
            args.repeats,
        )
        values = {a: lab.value for a, lab in facts.labs.items() if lab.value is not None}
        floor = median_time(lambda v=values: run_floor(rows, v), args.repeats)
        ref = (
            float("nan")
            if args.no_reference
            else median_time(lambda f=facts: [screen_trial(t, f) for t in trials], 1)
        )
        print(
            f"{path.stem:28} {fast:8.3f}s {fast / len(trials) * 1e6:9.1f} {floor:7.4f}s "
            f"{fast / floor:8.1f} {ref:9.2f}s"
        )
    facts = build_facts(read_patient(patients[0]))
    for copies in (1, 4, 17):
        big_plans, big_trials = plans * copies, trials * copies
        t = median_time(
            lambda bp=big_plans, bt=big_trials: [
                screen_plan(p, facts, tr.healthy_volunteers) for p, tr in zip(bp, bt, strict=True)
            ],
            3,
        )
        print(
            f"replicated x{copies:<3} {len(big_plans):7} trials: {t:.3f} s "
            f"({t / len(big_plans) * 1e6:.1f} us/trial)"
        )
    _STATE.update(plans=plans, trials=trials)
    cohort_paths = [str(p) for p in patients] * 4
    one = cohort(cohort_paths, 1)
    two = cohort(cohort_paths, 2)
    print(
        f"cohort ({len(cohort_paths)} patients): 1 worker {one:,.0f} pairs/s, "
        f"2 workers {two:,.0f} pairs/s ({two / one:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
