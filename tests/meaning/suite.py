"""Run meaning-suite cases: each bullet, in its list where one is given, against its patient.

Used by `test_meaning.py` (the gate) and `bench/meaning.py` (the figures). See README.md here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trialscreen.facts import build_facts
from trialscreen.fastpath import criterion_plan
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.trial import Criterion, Trial
from trialscreen.records import load_patient
from trialscreen.screening import compiled_bullets, judge
from trialscreen.trials.segment import segment

CASES = Path(__file__).resolve().parent / "cases"
OUTCOMES = ("pass", "fail", "unknown", "no_constraint")
AS_OF = "2026-11-01"


@dataclass(frozen=True, slots=True)
class Case:
    file: str
    id: str
    trial: str
    source: str
    kind: str
    text: str
    context: str | None
    patient: dict[str, Any]
    expected: str
    note: str
    conditions: tuple[str, ...] = ()  # the trial's registry conditions, where they matter


def case_from(raw: dict[str, Any], file: str) -> Case:
    """One case as a case file writes it."""
    return Case(
        file,
        raw["id"],
        raw.get("trial") or "",
        raw.get("source", ""),
        raw["kind"],
        raw["text"],
        raw.get("context"),
        raw.get("patient") or {},
        raw["expected"],
        raw.get("note", ""),
        tuple(raw.get("conditions") or ()),
    )


def variant_cases(path: Path) -> list[Case]:
    """Cases judged like the suite's but kept out of it (invented wordings or contexts): a
    JSON file of the suite's shape, each case filed under the file's class."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [case_from(raw, data["class"]) for raw in data["cases"]]


def load_cases() -> list[Case]:
    """Every case of every file, in file order."""
    out: list[Case] = []
    for path in sorted(CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [case_from(raw, path.stem) for raw in data["cases"]]
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())


def _in_context(case: Case) -> tuple[Trial, int | None]:
    """The case's list as a trial, and the position of the case's bullet in it (None when the
    text is a heading line of the list: headings constrain nobody on their own)."""
    style = "markdown" if case.source == "ctgov-v2" else "plain"
    assert case.context is not None
    bullets, headings = segment(case.context, style=style)
    trial = Trial(
        id=case.trial or "case",
        format="ctgov_xml",
        conditions=list(case.conditions),
        criteria_text=case.context,
        bullets=bullets,
        headings=headings,
    )
    wanted = _squash(case.text)
    found = [i for i, b in enumerate(bullets) if _squash(b.text) == wanted]
    if not found:  # the bullet may have been written without its trailing punctuation
        found = [i for i, b in enumerate(bullets) if wanted in _squash(b.text)]
    if not found and any(_squash(h.text) == wanted for h in headings):
        return trial, None
    if not found:  # a run-on paragraph whose first label the segmenter read as a heading
        found = [i for i, b in enumerate(bullets) if _squash(b.text) in wanted]
        found.sort(key=lambda i: -len(bullets[i].text))
    if not found:
        raise LookupError(f"{case.id}: the bullet is not one bullet of its context")
    same_kind = [i for i in found if bullets[i].kind == case.kind]
    return trial, (same_kind or found)[0]


def read(case: Case) -> CompiledCriterion:
    """The case's bullet compiled and read in its place in the list."""
    if case.context:
        trial, position = _in_context(case)
        if position is None:
            return compile_criterion(case.text.rstrip().rstrip(":") + ":", "inclusion")
        return compiled_bullets(trial)[position]
    kind = "exclusion" if case.kind == "exclusion" else "inclusion"
    bullet = Criterion(index=0, kind=kind, text=case.text, span=(0, len(case.text)))
    trial = Trial(
        id=case.trial or "case",
        format="ctgov_xml",
        conditions=list(case.conditions),
        bullets=[bullet],
    )
    return compiled_bullets(trial)[0]


def outcome(case: Case) -> tuple[str, str]:
    """The engine's outcome for the case, and its reason."""
    record = {"id": "case", "as_of": AS_OF, **case.patient}
    facts = build_facts(load_patient(record))
    result, decided = judge(read(case), facts)
    return decided, result.reason


def fast_outcome(case: Case) -> str:
    """The same case through the screening hot path (fastpath's plans), which must agree."""
    record = {"id": "case", "as_of": AS_OF, **case.patient}
    facts = build_facts(load_patient(record))
    return criterion_plan(read(case))(facts)[0]


_SAME = {"pass": "pass", "no_constraint": "pass", "fail": "fail"}


def verdict(expected: str, got: str) -> str:
    """right, wrong or undecided (see README.md: wrong answers fail the build)."""
    if got == "unknown":
        return "right" if expected == "unknown" else "undecided"
    if expected == "unknown":
        return "wrong"
    return "right" if _SAME[got] == _SAME[expected] else "wrong"


def summary(results: list[tuple[Case, str, str]]) -> dict[str, Any]:
    """Counts overall and per file; decided share = right decisions / cases expecting one."""
    per: dict[str, Counter[str]] = {}
    for case, got, _ in results:
        tally = per.setdefault(case.file, Counter())
        tally[verdict(case.expected, got)] += 1
        tally["cases"] += 1
        if case.expected != "unknown":
            tally["expect_decision"] += 1
            if got != "unknown" and verdict(case.expected, got) == "right":
                tally["decided_right"] += 1
    total: Counter[str] = Counter()
    for tally in per.values():
        total.update(tally)
    return {"total": dict(total), "files": {k: dict(v) for k, v in sorted(per.items())}}
