"""The meaning suite: no wrong pass, no wrong fail, on verbatim corpus criteria (README.md)."""

from __future__ import annotations

import json
import re

import pytest
from suite import OUTCOMES, Case, fast_outcome, load_cases, outcome, verdict

from conftest import CORPUS, SEEDS

CASES = load_cases()
RESULTS: list[tuple[Case, str, str]] = []


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 800
    assert len({(c.file, c.id) for c in CASES}) == len(CASES), "case ids repeat"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.id}" for c in CASES])
def test_case(case: Case) -> None:
    assert case.expected in OUTCOMES, f"{case.id}: expected must be one of {OUTCOMES}"
    assert case.kind in ("inclusion", "exclusion")
    got, reason = outcome(case)
    RESULTS.append((case, got, reason))
    assert verdict(case.expected, got) != "wrong", (
        f"{case.id} ({case.trial}, {case.kind}): {case.text!r}\n"
        f"expected {case.expected}, engine says {got}: {reason}\nnote: {case.note}"
    )
    fast = fast_outcome(case)
    assert fast == got or {fast, got} == {"warn", "unknown"}, f"hot path says {fast}, not {got}"


def _record_text(trial: str, source: str) -> str | None:
    """The raw criteria text of a case's trial, from ../shared/corpus or seeds/."""
    if source == "seed":
        for path in SEEDS.glob("*.txt"):
            text = path.read_text(encoding="utf-8")
            if trial in text or trial in path.name:
                return text
        return None
    if source == "ctgov-v2":
        path = CORPUS / "ctgov-v2" / f"{trial}.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["protocolSection"]["eligibilityModule"].get("eligibilityCriteria", ""))
    found = list((CORPUS / "ctgov-xml").glob(f"*/{trial}.xml"))
    return found[0].read_text(encoding="utf-8") if found else None


def _squash(text: str) -> str:
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>~|=^])", r"\1", text)  # Markdown escapes
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = text.replace("&quot;", '"').replace("&apos;", "'").replace("&#xD;", "")
    return " ".join(text.split())


@pytest.mark.corpus
@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.id}" for c in CASES])
def test_case_is_verbatim(case: Case) -> None:
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is absent: the verbatim check needs ../shared")
    record = _record_text(case.trial, case.source)
    assert record is not None, f"{case.id}: no record {case.trial} ({case.source})"
    squashed = _squash(record)
    assert _squash(case.text) in squashed, f"{case.id}: text is not verbatim in {case.trial}"
    for line in (case.context or "").splitlines():
        assert _squash(line) in squashed, f"{case.id}: context line {line!r} not in {case.trial}"


# decided right at the last session's end (1347): a reading lost on the way shows here, since a
# case that turns undecided is no failure of its own (a lengthened terminal once made 18 cases
# undecided by lexing "prior" of "prior to study entry" first). Raise it as readings are added.
DECIDED_FLOOR = 1347


def test_no_decision_is_lost() -> None:
    if len(RESULTS) != len(CASES):
        pytest.skip("runs after the whole suite (a selection of cases ran)")
    from suite import summary

    decided = summary(RESULTS)["total"].get("decided_right", 0)
    assert decided >= DECIDED_FLOOR, f"{decided} cases decided right, fewer than {DECIDED_FLOOR}"
