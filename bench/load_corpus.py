"""Benchmark: load the ../shared corpus N times; print records, bullets, errors and the median time.

Usage: python bench/load_corpus.py [CORPUS] [--repeat N]   (default ../shared/corpus, N = 3)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from trialscreen.trials.load import LoadReport, load_records

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 2 with a message when the corpus is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", "-n", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(
            f"corpus not found: {args.corpus} (give its path as the first argument)",
            file=sys.stderr,
        )
        return 2
    times: list[float] = []
    cpu: list[float] = []
    report = LoadReport()
    for _ in range(max(1, args.repeat)):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = load_records(args.corpus)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    bullets = sum(len(trial.bullets) for trial in report.trials)
    median = statistics.median(times)
    print(f"corpus           {args.corpus}")
    print(f"records          {len(report.trials)}")
    print(f"bullets          {bullets}")
    print(f"headings         {sum(len(trial.headings) for trial in report.trials)}")
    print(f"errors           {len(report.errors)}")
    print(f"warnings         {len(report.warnings)}")
    each = ", ".join(f"{seconds:.2f}" for seconds in times)
    print(f"load time (s)    median {median:.2f} of {len(times)}: {each}")
    print(f"cpu time (s)     median {statistics.median(cpu):.2f} (steadier on a busy machine)")
    print(f"bullets / second {bullets / median:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
