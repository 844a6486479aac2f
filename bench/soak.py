"""Soak: a long cohort run, killed at random points and resumed, gives the same output as a
run left alone; and its memory stays flat as the cohort grows.

For each set (the seeds with 20,000 generated patients, the corpus with 200 by default), it
writes the cohort NDJSON, runs `screen-cohort` once uninterrupted (timing it and reading its
peak memory), then runs it again on a second output, killing the process (SIGKILL) after a
random time and starting it again until it finishes by itself, and compares the two outputs
byte for byte. Memory: the peak resident size of a run of a tenth of the patients beside the
full run's.

Run: python bench/soak.py [--seeds-patients 20000] [--corpus-patients 200] [--kills 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = sorted((ROOT / "patients").glob("*.json"))


def cohort(path: Path, n: int, seed: int) -> None:
    """n patients varied from the example records: new ids, lab values scaled, ages moved."""
    rng = random.Random(seed)
    bases = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            record = json.loads(json.dumps(rng.choice(bases)))
            record["id"] = f"soak-{i:06d}"
            for obs in record.get("observations", []):
                if isinstance(obs.get("value"), (int, float)) and obs.get("unit"):
                    obs["value"] = round(obs["value"] * rng.uniform(0.6, 1.4), 3)
            if "birth_date" in record:
                year = int(record["birth_date"][:4]) + rng.randint(-15, 15)
                record["birth_date"] = f"{year}{record['birth_date'][4:]}"
            out.write(json.dumps(record) + "\n")


def command(patients: Path, trials: Path, out: Path) -> list[str]:
    cli = [sys.executable, "-m", "trialscreen", "screen-cohort", str(patients)]
    return [*cli, "--trials", str(trials), "--out", str(out), "--as-of", "2026-11-01"]


def peak_mb(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident MB of one run to its end (that process's own peak)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        err = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"run failed ({code}): {err[-500:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def interrupted(
    args: list[str], env: dict[str, str], kills: int, rng: random.Random, span: float
) -> int:
    """Run to the end, killing the process `kills` times at random points; the kills made."""
    made = 0
    while True:
        process = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if made < kills:
            try:
                process.wait(timeout=rng.uniform(0.1, 0.6) * span)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                made += 1
                continue
        else:
            process.wait()
        if process.returncode in (0, 2):
            return made
        raise SystemExit(f"resumed run failed ({process.returncode})")


def soak(name: str, trials: Path, n: int, kills: int, folder: Path, seed: int) -> None:
    env = {**os.environ, "TRIALSCREEN_STORE": str(folder / "store.sqlite3")}
    patients, small = folder / f"{name}.ndjson", folder / f"{name}-small.ndjson"
    cohort(patients, n, seed)
    cohort(small, max(n // 10, 1), seed)
    subprocess.run(
        [sys.executable, "-m", "trialscreen", "index", "--trials", str(trials)],
        env=env,
        capture_output=True,
        check=False,
    )  # a warm store, as a registry user has
    ref, test, tenth = (
        folder / f"{name}-ref.ndjson",
        folder / f"{name}-test.ndjson",
        folder / f"{name}-s.ndjson",
    )
    seconds, peak = peak_mb(command(patients, trials, ref), env)
    _, peak_small = peak_mb(command(small, trials, tenth), env)
    made = interrupted(command(patients, trials, test), env, kills, random.Random(seed), seconds)
    same = ref.read_bytes() == test.read_bytes()
    rows = sum(1 for _ in ref.open(encoding="utf-8"))
    print(
        f"{name:6s} patients {n:6d}  rows {rows:8d}  uninterrupted {seconds:6.1f} s  "
        f"peak {peak:6.0f} MB (a tenth of the patients: {peak_small:6.0f} MB)  "
        f"killed {made} times, resumed: {'identical' if same else 'DIFFERENT'}"
    )
    if not same:
        raise SystemExit(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seeds-patients", type=int, default=20_000)
    ap.add_argument("--corpus-patients", type=int, default=200)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        soak("seeds", ROOT / "seeds", args.seeds_patients, args.kills, folder, args.seed)
        if CORPUS.is_dir() and args.corpus_patients:
            soak("corpus", CORPUS, args.corpus_patients, args.kills, folder, args.seed)
        elif args.corpus_patients:
            print("corpus: skipped (../shared/corpus not found)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
