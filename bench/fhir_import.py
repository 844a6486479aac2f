"""Time the FHIR import of each Synthea bundle: prints the median and the biggest bundle's time.

Each bundle is imported `--repeat` times (file read, JSON parse, mapping) and its best time kept.
The target: a 1 MB bundle well under a second. Run: python bench/fhir_import.py [FOLDER] [-r N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from trialscreen.fhir import import_fhir

BUNDLES = Path(__file__).resolve().parents[2] / "shared" / "patients-fhir" / "synthea-mcode-breast"


def best_time(path: Path, repeat: int) -> float:
    """The fastest of `repeat` full imports of one file, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        import_fhir(path)
        best = min(best, time.perf_counter() - start)
    return best


def parse_time(path: Path, repeat: int) -> float:
    """The fastest read + json.loads of one file: the floor under any importer."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        json.loads(path.read_text(encoding="utf-8"))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=BUNDLES)
    parser.add_argument("-r", "--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = sorted(args.folder.glob("*.json"))
    if not paths:
        print(f"no bundles in {args.folder}", file=sys.stderr)
        return 1
    times = {path: best_time(path, args.repeat) for path in paths}
    median = statistics.median(times.values())
    sizes = [path.stat().st_size / 1e6 for path in paths]
    biggest = max(paths, key=lambda path: path.stat().st_size)
    result = import_fhir(biggest)
    patient = result.patient
    print(f"FHIR import of {len(paths)} bundles, best of {args.repeat} runs each")
    print(f"  median   {median * 1000:7.1f} ms   (median size {statistics.median(sizes):.2f} MB)")
    print(
        f"  biggest  {times[biggest] * 1000:7.1f} ms   {biggest.name[:40]} "
        f"({biggest.stat().st_size / 1e6:.2f} MB; JSON parse alone "
        f"{parse_time(biggest, args.repeat) * 1000:.1f} ms)"
    )
    print(
        f"           -> {len(patient.observations)} observations, {len(patient.conditions)} "
        f"conditions, {len(patient.treatments)} treatments, {len(result.warnings)} warnings"
    )
    slowest = max(times, key=lambda path: times[path])
    print(f"  slowest  {times[slowest] * 1000:7.1f} ms   {slowest.name[:40]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
