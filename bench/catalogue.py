"""The catalogue: wall time and peak memory of the commands a user runs against the registry.

Runs each command as a user would (`trialscreen ...` in a fresh process) against
../shared/corpus with a store of its own: once to fill the store (not counted), then
`--repeat` times warm; prints the median wall time and the largest peak RSS of the warm runs.
`--cold` also times indexing the corpus into an empty store (every file read and every bullet
compiled; minutes).

    python bench/catalogue.py [--repeat 5] [--cold] [--store FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
PATIENT = ROOT / "patients" / "pt-0001-example.json"
ONE_TRIAL = "NCT00006413"
COMMANDS = {
    "match (relevant trials listed)": ["match", str(PATIENT), "--trials", str(CORPUS), "--json"],
    "match --all (every trial screened)": [
        "match",
        str(PATIENT),
        "--trials",
        str(CORPUS),
        "--all",
        "--json",
    ],
    "audit ID": ["audit", ONE_TRIAL, "--trials", str(CORPUS)],
    "screen --trial ID": [
        "screen",
        str(PATIENT),
        "--trial",
        ONE_TRIAL,
        "--trials",
        str(CORPUS),
        "--json",
    ],
    "start-up only (--help)": ["--help"],
}


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `trialscreen` process."""
    command = [sys.executable, "-c", _RUNNER, *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"trialscreen {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return wall, float(done.stderr.strip().splitlines()[-1])


# the command itself, then its own peak RSS on the last line of stderr
_RUNNER = """
import resource, sys
from trialscreen.cli import main
sys.argv = ["trialscreen", *sys.argv[1:]]
try:
    main()
except SystemExit as stop:
    if stop.code not in (0, None):
        raise
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", "-r", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also time a cold index")
    parser.add_argument("--store", type=Path, help="store file (default: a new temporary one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS}: absent (this bench needs ../shared beside the checkout)")
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store.sqlite3"
        env = {**os.environ, "TRIALSCREEN_STORE": str(store)}
        doc: dict[str, Any] = {"trials": str(CORPUS), "repeat": args.repeat, "commands": {}}
        if args.cold:
            wall, rss = run(["index", "--trials", str(CORPUS)], env)
            doc["cold index"] = {"seconds": round(wall, 2), "peak_mb": round(rss)}
        for name, command in COMMANDS.items():
            run(command, env)  # fills the store
            runs = [run(command, env) for _ in range(args.repeat)]
            doc["commands"][name] = {
                "median_seconds": round(statistics.median(w for w, _ in runs), 2),
                "peak_mb": round(max(r for _, r in runs)),
            }
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    if "cold index" in doc:
        cold = doc["cold index"]
        print(f"cold index of the corpus: {cold['seconds']} s, peak {cold['peak_mb']} MB")
    print(f"warm runs over {CORPUS.name} (median of {args.repeat}):")
    for name, figures in doc["commands"].items():
        print(f"  {name:38s} {figures['median_seconds']:6.2f} s  peak {figures['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
