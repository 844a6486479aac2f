"""Screen each example patient against every trial of ../shared/corpus; print medians.

Usage: python bench/screen_corpus.py [CORPUS] [--repeats N]
Compilation is done once first (warm cache), so the figure is the evaluation cost: what a
compiled-trial store would leave. Figures are medians of N runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from trialscreen.facts import build_facts, read_patient
from trialscreen.language.compiler import compile_criterion
from trialscreen.screening import screen_trial
from trialscreen.trials.load import load_records

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        print(f"corpus not found: {args.corpus} (needs ../shared beside the checkout)")
        return 2
    trials = load_records(args.corpus).trials
    bullets = [(b.text, b.kind) for t in trials for b in t.bullets]
    started = time.perf_counter()
    for text, kind in bullets:
        compile_criterion(text, kind)
    compile_s = time.perf_counter() - started
    print(
        f"trials {len(trials)}, bullets {len(bullets)}, first compile {compile_s:.1f} s "
        f"({len(bullets) / compile_s:.0f} bullets/s, one core, lru cache cold)"
    )
    for path in sorted((ROOT / "patients").glob("*.json")):
        facts = build_facts(read_patient(path))
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for trial in trials:
                screen_trial(trial, facts)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        print(
            f"{path.stem:32} {median:.3f} s per screen of {len(trials)} trials "
            f"({median / len(trials) * 1e6:.0f} us/trial, {len(trials) / median:.0f} pairs/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
