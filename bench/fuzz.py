"""Fuzz for longer: the targets of tests/robustness/test_fuzz.py, for N seconds in all.

Usage: python bench/fuzz.py [--seconds 120] [--target NAME ...] [--batch 100] [--seed N] [--list]

The time is shared equally between the targets. Each target runs hypothesis in batches of
`--batch` examples, a fresh random seed per batch (`--seed N` makes the run repeatable), with
no deadline and no example database, until its share of the time is used up. Prints, per
target: inputs tried (every call of the check, shrinking included), batches, seconds and
distinct failures; then each distinct failure once, with the smallest input hypothesis found.
The command-line targets use a temporary compiled-trial store ($TRIALSCREEN_STORE).
Exit 1 when any target failed. The targets also include `grammar_full_regex` (the real
parser's terminals, whose regexes take seconds to build), which the test suite leaves out.

The property tests have their own long run: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/property
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from robustness.test_fuzz import BENCH_ONLY, TARGETS, Target  # noqa: E402


@dataclass
class Outcome:
    """What one target's share of the run found."""

    name: str
    inputs: int = 0
    batches: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # signature -> smallest input


def _signature(failure: BaseException) -> str:
    """One line that tells failures apart: the exception type and its first line."""
    first = (str(failure).strip().splitlines() or [""])[0]
    return f"{type(failure).__name__}: {first[:160]}"


def _example(failure: BaseException) -> str:
    """The falsifying example hypothesis attached to the failure, as it printed it."""
    notes = [note for note in getattr(failure, "__notes__", []) if note.startswith("Falsifying")]
    return "\n".join(notes) or "(no example recorded)"


def _failures(failure: BaseException) -> list[BaseException]:
    """The distinct failures in one hypothesis run (several come as an exception group)."""
    if isinstance(failure, BaseExceptionGroup):
        return [leaf for inner in failure.exceptions for leaf in _failures(inner)]
    return [failure]


def run_target(target: Target, budget: float, batch: int, base_seed: int | None) -> Outcome:
    """Run one target in batches until its time is used up."""
    outcome = Outcome(target.name)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{target.name}-") as scratch:
        workdir = Path(scratch)

        def check(value: Any) -> None:
            outcome.inputs += 1
            target.check(value, workdir)

        while time.perf_counter() - started < budget:
            test = settings(
                max_examples=batch,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(target.strategy)(check))
            if base_seed is not None:
                test = hypothesis_seed(base_seed + outcome.batches)(test)
            outcome.batches += 1
            try:
                test()
            except Exception as failed:  # a property broke: keep the smallest input
                for failure in _failures(failed):
                    outcome.failures.setdefault(_signature(failure), _example(failure))
    outcome.seconds = time.perf_counter() - started
    return outcome


def report(outcomes: list[Outcome]) -> None:
    """The figures, one row per target, then each distinct failure."""
    width = max(len(o.name) for o in outcomes)
    print(f"{'target':<{width}}  {'inputs':>9}  {'batches':>7}  {'seconds':>7}  {'failures':>8}")
    for o in outcomes:
        row = f"{o.inputs:>9}  {o.batches:>7}  {o.seconds:>7.1f}  {len(o.failures):>8}"
        print(f"{o.name:<{width}}  {row}")
    inputs = sum(o.inputs for o in outcomes)
    failures = sum(len(o.failures) for o in outcomes)
    seconds = sum(o.seconds for o in outcomes)
    print(f"{'total':<{width}}  {inputs:>9}  {'':>7}  {seconds:>7.1f}  {failures:>8}")
    for o in outcomes:
        for signature, example in o.failures.items():
            print(f"\nFAILURE in {o.name}: {signature}\n{example}")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the chosen targets, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="total time (default 120)")
    parser.add_argument("--target", action="append", help="only this target (repeatable)")
    parser.add_argument("--batch", type=int, default=100, help="examples per hypothesis run")
    parser.add_argument("--seed", type=int, default=None, help="make the run repeatable")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    targets = {t.name: t for t in TARGETS + BENCH_ONLY}
    if args.list:
        print("\n".join(targets))
        return 0
    unknown = sorted(set(args.target or []) - set(targets))
    if unknown:
        print(f"unknown target(s): {', '.join(unknown)}; --list shows them", file=sys.stderr)
        return 2
    chosen = [targets[name] for name in args.target] if args.target else list(targets.values())
    budget = args.seconds / len(chosen)
    print(f"fuzzing {len(chosen)} targets for {args.seconds:.0f} s ({budget:.1f} s each)")
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-store-") as store:
        # the command-line targets compile through the trial store: a fresh one, not the user's
        os.environ["TRIALSCREEN_STORE"] = str(Path(store) / "store.sqlite3")
        try:
            for target in chosen:
                outcomes.append(run_target(target, budget, max(1, args.batch), args.seed))
        except KeyboardInterrupt:
            print("interrupted: figures so far", file=sys.stderr)
    if outcomes:
        report(outcomes)
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
