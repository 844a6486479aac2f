"""The compiled-trial store: cold index time, load time, file size and the loader's peak memory.

Loads ../shared/corpus (or the paths given; `--limit N` keeps the first N trials), indexes them
cold into a new store (compile caches cleared: every bullet compiles), indexes again
(everything reused), then, in a fresh process, opens the store and loads every trial's compiled
bullets `--repeat` times (median). Peak memory is that process's ru_maxrss, after loading the
trials and after loading their compiled bullets. The full corpus takes a few minutes to index.

Run: python bench/store.py [PATH ...] [--limit N] [--store FILE] [-r 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trialscreen.language.compiler import clear_caches, compile_criterion
from trialscreen.model.trial import Trial
from trialscreen.store import TrialStore
from trialscreen.trials.load import load_records

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load(paths: list[Path], limit: int | None) -> tuple[list[Trial], float]:
    """The trials (the first `limit` of them) and the seconds loading took."""
    started = time.perf_counter()
    trials = load_records(*paths).trials[:limit]
    return trials, time.perf_counter() - started


def peak_mb() -> float:
    """This process's peak resident memory in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float | None:
    """This process's current resident memory in MB (Linux /proc), else None."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
    return round(int(line.split()[1]) / 1024, 1) if line else None


def load_child(paths: list[Path], limit: int | None, store: Path, repeat: int) -> dict[str, Any]:
    """Run in a fresh process: open the store and load every trial's compiled bullets."""
    trials, _ = load(paths, limit)
    after_trials = peak_mb(), rss_mb()
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        with TrialStore.open(store) as opened:
            compiled = opened.compiled_for(trials)
        times.append(time.perf_counter() - started)
    assert compile_criterion.cache_info().currsize == 0, "loading compiled a bullet"
    return {
        "load_seconds": [round(t, 3) for t in times],
        "bullets": sum(map(len, compiled)),
        "peak_mb_trials": round(after_trials[0], 1),
        "peak_mb_loaded": round(peak_mb(), 1),
        "rss_mb_trials": after_trials[1],
        "rss_mb_loaded": rss_mb(),
    }


def run(paths: list[Path], limit: int | None, store: Path, repeat: int) -> dict[str, Any]:
    """Index cold and warm here; load in a child process; gather the figures."""
    trials, load_seconds = load(paths, limit)
    bullets = sum(len(t.bullets) for t in trials)
    clear_caches()
    with TrialStore.open(store) as opened:
        cold = opened.index(trials)
        warm = opened.index(trials)
        stats = opened.stats()
    command = [sys.executable, __file__, *map(str, paths), "--store", str(store)]
    command += ["-r", str(repeat), "--child"] + (["--limit", str(limit)] if limit else [])
    child = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    return {
        "trials": len(trials),
        "bullets": bullets,
        "corpus_load_seconds": round(load_seconds, 2),
        "cold": cold,
        "warm": warm,
        "bytes": stats.bytes,
        "engine": stats.engine,
        **child,
    }


def print_plain(doc: dict[str, Any], store: Path) -> None:
    cold, warm = doc["cold"], doc["warm"]
    median = statistics.median(doc["load_seconds"])
    print(f"store:              {store} (engine {doc['engine']})")
    print(f"trials:             {doc['trials']} ({doc['bullets']} bullets)")
    print(f"corpus load:        {doc['corpus_load_seconds']} s (records read and segmented)")
    print(
        f"index cold:         {cold.seconds} s ({cold.compiled} compiled, {cold.reused} reused; "
        f"{doc['bullets'] / max(cold.seconds, 1e-9):.0f} bullets/s)"
    )
    print(f"index again:        {warm.seconds} s ({warm.compiled} compiled, {warm.reused} reused)")
    print(f"open + load all:    {median:.3f} s median (runs: {doc['load_seconds']})")
    print(f"  per trial:        {median / max(doc['trials'], 1) * 1e6:.0f} µs")
    print(f"file size:          {doc['bytes'] / 1e6:.1f} MB")
    print(
        f"loader peak RSS:    {doc['peak_mb_loaded']} MB "
        f"({doc['peak_mb_trials']} MB after loading the trials alone)"
    )
    before = f"{doc['rss_mb_trials']} MB before the store"
    print(f"loader RSS now:     {doc['rss_mb_loaded']} MB ({before})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files, folders (default ../shared/corpus)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N trials")
    ap.add_argument("--store", type=Path, default=None, help="store file (default: a temp file)")
    ap.add_argument("-r", "--repeat", type=int, default=3, help="load runs (default 3)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    paths = args.paths or [DEFAULT_CORPUS]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"corpus not found: {', '.join(map(str, missing))} (pass paths as arguments)")
        return 2
    repeat = max(args.repeat, 1)
    if args.child:
        print(json.dumps(load_child(paths, args.limit, args.store, repeat)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        store = args.store or Path(folder) / "store.sqlite3"
        if store.exists():
            print(f"{store} exists: the cold index needs a new file")
            return 2
        print_plain(run(paths, args.limit, store, repeat), store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
