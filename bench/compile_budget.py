"""Compile time of adversarial bullets (the compile budget): seconds per bullet, median of runs.

Run: python bench/compile_budget.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "robustness"))

from test_compile_budget import SHAPES  # noqa: E402

from trialscreen.language.compiler import compile_criterion  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    compile_criterion("ANC >= 1500/mm3", "inclusion")  # build the parser first
    print(f"{'shape':12s} {'chars':>6s} {'median s':>9s}  status / budget")
    for name, text in sorted(SHAPES.items()):
        times = []
        for _ in range(args.runs):
            compile_criterion.cache_clear()
            started = time.perf_counter()
            read = compile_criterion(text, "inclusion")
            times.append(time.perf_counter() - started)
        spent = "budget" in read.flags
        print(f"{name:12s} {len(text):6d} {statistics.median(times):9.3f}  {read.status} / {spent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
