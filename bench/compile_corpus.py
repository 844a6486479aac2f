"""Compile every bullet of the corpus cold: speed, status shares, typed numeric share, flags.

Loads ../shared/corpus (or the paths given) with load_records, pins the process to one core
where the OS allows, and compiles all bullets `--repeat` times with compile_criterion's cache
cleared before each pass; prints the median pass time and throughput. A bullet is *numeric*
when it holds a comparator followed by a number (report.is_numeric_bullet); it is *typed* when
its predicate has a lab_compare, score_compare, age_compare, life_expectancy or time_since leaf,
or a has_concept leaf with within_days. compile_criterion must never raise: exceptions are
counted (the target is 0) and the first few printed with their bullet.

Run: python bench/compile_corpus.py [PATH ...] [-r N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from trialscreen.language.compiler import compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.report import is_numeric_bullet, leaves
from trialscreen.trials.load import load_records

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TYPED_KINDS = frozenset(
    {"lab_compare", "score_compare", "age_compare", "life_expectancy", "time_since"}
)
STATUSES = ("compiled", "partial", "unparsed")

Bullet = tuple[str, str]  # (text, kind)


def pin_one_core() -> str:
    """Run on a single CPU (Linux); returns which, or why not."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to cpu {cpu}"


def compile_pass(bullets: list[Bullet]) -> tuple[float, list[CompiledCriterion | None], list[Any]]:
    """One cold pass: seconds, results (None where it raised), and the exceptions."""
    compile_criterion.cache_clear()
    results: list[CompiledCriterion | None] = []
    errors: list[dict[str, str]] = []
    started = time.perf_counter()
    for text, kind in bullets:
        try:
            results.append(compile_criterion(text, kind))  # type: ignore[arg-type]
        except Exception as failure:  # a compiler bug: count it, go on
            results.append(None)
            errors.append({"kind": kind, "text": text, "error": _brief(failure)})
    return time.perf_counter() - started, results, errors


def _brief(failure: Exception) -> str:
    """The exception's type and its first three message lines, on one line."""
    return " | ".join(f"{type(failure).__name__}: {failure}".splitlines()[:3])


def is_typed(c: CompiledCriterion) -> bool:
    return any(
        leaf.kind in TYPED_KINDS
        or (leaf.kind == "has_concept" and getattr(leaf, "within_days", None) is not None)
        for leaf in leaves(c.predicate)
    )


def figures(bullets: list[Bullet], results: list[CompiledCriterion | None]) -> dict[str, Any]:
    """Status shares, numeric and typed counts, and flag counts over one pass's results."""
    done = [c for c in results if c is not None]
    status = Counter(c.status for c in done)
    numeric = [c for (text, _), c in zip(bullets, results, strict=True) if is_numeric_bullet(text)]
    typed = sum(1 for c in numeric if c is not None and is_typed(c))
    flags = Counter(f for c in done for f in set(c.flags))
    n = max(len(bullets), 1)
    return {
        "status": {k: status.get(k, 0) for k in STATUSES},
        "share": {k: round(status.get(k, 0) / n, 4) for k in STATUSES},
        "numeric_bullets": len(numeric),
        "numeric_share": round(len(numeric) / n, 4),
        "numeric_typed": typed,
        "numeric_typed_share": round(typed / max(len(numeric), 1), 4),
        "top_flags": [{"flag": f, "bullets": k} for f, k in flags.most_common(10)],
    }


def run(paths: list[Path], repeat: int) -> dict[str, Any]:
    pinned = pin_one_core()
    started = time.perf_counter()
    report = load_records(*paths)
    load_seconds = time.perf_counter() - started
    bullets = [(b.text, b.kind) for t in report.trials for b in t.bullets]
    times: list[float] = []
    for _ in range(repeat):
        seconds, results, errors = compile_pass(bullets)
        times.append(seconds)
    median = statistics.median(times)
    return {
        "paths": [str(p) for p in paths],
        "cpu": pinned,
        "repeat": repeat,
        "load_seconds": round(load_seconds, 2),
        "load_errors": len(report.errors),
        "trials": len(report.trials),
        "bullets": len(bullets),
        "seconds": [round(t, 3) for t in times],
        "median_seconds": round(median, 3),
        "bullets_per_second": round(len(bullets) / median, 1) if median else None,
        **figures(bullets, results),
        "exceptions": len(errors),
        "exception_examples": errors[:20],
    }


def print_plain(doc: dict[str, Any]) -> None:
    print(
        f"corpus: {', '.join(doc['paths'])} ({doc['cpu']}; load {doc['load_seconds']} s, "
        f"{doc['load_errors']} load errors)"
    )
    print(f"trials:          {doc['trials']}")
    print(f"bullets:         {doc['bullets']}")
    print(f"median seconds:  {doc['median_seconds']} (passes: {doc['seconds']})")
    print(f"bullets/s:       {doc['bullets_per_second']}")
    for k in STATUSES:
        print(f"  {k:9} {doc['status'][k]:8}  {doc['share'][k]:.1%}")
    print(
        f"numeric bullets (comparator + number): {doc['numeric_bullets']} "
        f"({doc['numeric_share']:.1%} of bullets)"
    )
    print(
        f"  with a typed numeric leaf: {doc['numeric_typed']} "
        f"({doc['numeric_typed_share']:.1%} of numeric bullets)"
    )
    print(f"exceptions: {doc['exceptions']}")
    for row in doc["exception_examples"]:
        print(f"  {row['error'][:300]}\n    [{row['kind']}] {row['text'][:300]}")
    print("top flags (bullets):")
    for row in doc["top_flags"]:
        print(f"  {row['bullets']:7}  {row['flag']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files, folders (default ../shared/corpus)")
    ap.add_argument("-r", "--repeat", type=int, default=3, help="cold passes (default 3)")
    ap.add_argument("--json", action="store_true", help="print a JSON document")
    args = ap.parse_args(argv)
    paths = args.paths or [DEFAULT_CORPUS]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"corpus not found: {', '.join(map(str, missing))} (pass paths as arguments)")
        return 2
    doc = run(paths, max(args.repeat, 1))
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print_plain(doc)
    return 1 if doc["exceptions"] else 0


if __name__ == "__main__":
    sys.exit(main())
