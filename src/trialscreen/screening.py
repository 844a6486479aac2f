"""Criterion outcomes, trial verdicts, `needs`, and ranking of trials for a patient."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from trialscreen.evaluate import Result, evaluate_node
from trialscreen.facts import PatientFacts, build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.patient import Patient
from trialscreen.model.predicate import AgeCompare, Not, Predicate, SexIs
from trialscreen.model.trial import AgeLimit, CriterionKind, Trial

Outcome = Literal["pass", "fail", "unknown"]
Verdict = Literal["eligible", "ineligible", "undetermined", "no_criteria"]


@dataclass(slots=True)
class CriterionResult:
    """One criterion's outcome for one patient."""

    index: int | str
    kind: CriterionKind
    section: str | None
    text: str
    met: bool | None
    outcome: Outcome
    reason: str
    evidence: list[dict[str, Any]]
    needs: list[str]
    status: str
    canonical: str

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "section": self.section,
            "text": self.text,
            "met": self.met,
            "outcome": self.outcome,
            "reason": self.reason,
            "evidence": self.evidence,
            "needs": self.needs,
            "status": self.status,
            "canonical": self.canonical,
        }


@dataclass(slots=True)
class TrialResult:
    """A trial's verdict for one patient, with every criterion."""

    trial_id: str
    title: str
    verdict: Verdict
    needs: list[str]
    criteria: list[CriterionResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.criteria if c.outcome == outcome)

    def to_json(self) -> dict[str, Any]:
        return {
            "trial_id": self.trial_id,
            "title": self.title,
            "verdict": self.verdict,
            "needs": self.needs,
            "pass": self.count("pass"),
            "fail": self.count("fail"),
            "unknown": self.count("unknown"),
            "criteria": [c.to_json() for c in self.criteria],
        }


def outcome_of(kind: CriterionKind, met: bool | None) -> Outcome:
    """Inclusion: met is pass. Exclusion: met is fail. Unknown stays unknown."""
    if met is None:
        return "unknown"
    return "pass" if met == (kind == "inclusion") else "fail"


def judge(compiled: CompiledCriterion, facts: PatientFacts) -> tuple[Result, Outcome]:
    """Evaluate a compiled criterion; a partly compiled one never gives a verdict on its own."""
    result = evaluate_node(compiled.predicate, facts)
    outcome = outcome_of(compiled.kind, result.met)
    if compiled.status == "partial" and outcome != "unknown":
        missing = "; ".join(f"'{t}'" for t in compiled.uncovered_text())
        result = Result(
            None,
            f"partly understood: the compiled part says {outcome} ({result.reason}), "
            f"but {missing} was not understood",
            result.evidence,
            ["manual review"],
        )
        outcome = "unknown"
    return result, outcome


def structured_criteria(trial: Trial) -> list[tuple[str, Predicate]]:
    """The registry's structured eligibility (age limits, sex) as criteria of their own."""
    return _structured(trial.minimum_age, trial.maximum_age, trial.sex)


@lru_cache(maxsize=1024)
def _structured(
    minimum: AgeLimit | None, maximum: AgeLimit | None, sex: str
) -> list[tuple[str, Predicate]]:
    """Built once per distinct set of limits, not once per patient and trial."""
    out: list[tuple[str, Predicate]] = []
    if minimum is not None:
        out.append((f"minimum age {minimum}", AgeCompare(op=">=", years=minimum.years)))
    if maximum is not None:
        out.append((f"maximum age {maximum}", AgeCompare(op="<=", years=maximum.years)))
    if sex in ("female", "male"):
        out.append((f"sex: {sex}", SexIs(sex="female" if sex == "female" else "male")))
    return out


def healthy_volunteer_met(accepts: bool | None, patient: Patient) -> bool | None:
    """For a trial that does not accept healthy volunteers: is the patient not one? (None:
    not known; an active condition means not healthy.) Used by both evaluators."""
    healthy = patient.healthy_volunteer
    if healthy is None and any(c.status == "active" for c in patient.conditions):
        healthy = False
    return None if healthy is None else not healthy


def _healthy_volunteers(trial: Trial, facts: PatientFacts) -> CriterionResult | None:
    if trial.healthy_volunteers is not False:
        return None
    met = healthy_volunteer_met(trial.healthy_volunteers, facts.patient)
    reason = (
        "healthy volunteer status not known"
        if met is None
        else ("patient has an active condition" if met else "patient is a healthy volunteer")
    )
    return CriterionResult(
        "healthy_volunteers",
        "inclusion",
        "structured",
        "does not accept healthy volunteers",
        met,
        outcome_of("inclusion", met),
        reason,
        [],
        [] if met is not None else ["healthy volunteer status"],
        "compiled",
        "not healthy volunteer",
    )


def screen_trial(trial: Trial, facts: PatientFacts) -> TrialResult:
    """Every criterion of one trial against one patient, and the verdict."""
    results: list[CriterionResult] = []
    for label, node in structured_criteria(trial):
        r = evaluate_node(node, facts)
        results.append(
            CriterionResult(
                label,
                "inclusion",
                "structured",
                label,
                r.met,
                outcome_of("inclusion", r.met),
                r.reason,
                r.evidence,
                r.needs,
                "compiled",
                label,
            )
        )
    hv = _healthy_volunteers(trial, facts)
    if hv is not None:
        results.append(hv)
    negating = negating_parents(trial)
    for bullet in trial.bullets:
        if bullet.parent in negating:
            compiled = compile_negated(bullet.text, bullet.kind)
        else:
            compiled = compile_criterion(bullet.text, bullet.kind)
        r, outcome = judge(compiled, facts)
        results.append(
            CriterionResult(
                bullet.index,
                bullet.kind,
                bullet.section,
                bullet.text,
                r.met,
                outcome,
                r.reason,
                r.evidence,
                r.needs,
                compiled.status,
                compiled.canonical,
            )
        )
    return TrialResult(
        trial.id, trial.title, verdict_of(trial, results), needs_of(results), results
    )


_NEGATED_HEADER = re.compile(r"^\s*(?:no|not|none of|without|must not have)\b", re.IGNORECASE)


def negating_parents(trial: Trial) -> set[int]:
    """Bullets like "No clinically significant cardiac disease, including any of the following:"
    whose children are listed things the patient must NOT have."""
    return {
        b.index
        for b in trial.bullets
        if _NEGATED_HEADER.match(b.text) and b.text.rstrip().endswith(":")
    }


@lru_cache(maxsize=16384)
def compile_negated(text: str, kind: CriterionKind) -> CompiledCriterion:
    """Compiled once, like `compile_criterion`, so no model is built per patient."""
    return negate(compile_criterion(text, kind))


def negate(compiled: CompiledCriterion) -> CompiledCriterion:
    """A child of a negated list header: its predicate must not hold."""
    if compiled.predicate.kind == "unparsed":
        return compiled
    node = Not(item=compiled.predicate, span=compiled.predicate.span)
    return compiled.model_copy(
        update={
            "predicate": node,
            "canonical": f"no ({compiled.canonical})",
            "flags": compiled.flags + ("negated_by_parent",),
        }
    )


def verdict_of(trial: Trial, results: list[CriterionResult]) -> Verdict:
    """eligible: all pass; ineligible: any fail; undetermined: no fail, some unknown."""
    return verdict_from({r.outcome for r in results}, bool(trial.bullets))


def verdict_from(outcomes: Collection[str], has_bullets: bool) -> Verdict:
    """The verdict from the outcomes present (shared with the hot path)."""
    if "fail" in outcomes:
        return "ineligible"
    if not has_bullets:
        return "no_criteria"
    return "undetermined" if "unknown" in outcomes else "eligible"


def needs_of(results: list[CriterionResult]) -> list[str]:
    """Data items that would decide the unknowns, the ones deciding most criteria first."""
    return rank_needs((r.outcome, r.needs) for r in results)


def rank_needs(outcomes: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
    """Needs of the unknown outcomes, most criteria decided first, `manual review` last."""
    counts: Counter[str] = Counter()
    for outcome, needs in outcomes:
        if outcome == "unknown":
            counts.update(dict.fromkeys(needs, 1))
    manual = counts.pop("manual review", 0)
    ranked = [item for item, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return ranked + (["manual review"] if manual else [])


def screen(patient: Patient, trials: list[Trial]) -> list[TrialResult]:
    """Screen one patient against trials, in the given order."""
    facts = build_facts(patient)
    return [screen_trial(trial, facts) for trial in trials]


_RANK = {"eligible": 0, "undetermined": 1, "no_criteria": 2, "ineligible": 3}


def rank(results: list[TrialResult], include_ineligible: bool = False) -> list[TrialResult]:
    """Eligible first, then undetermined by fewest unknowns; ineligible only when asked."""
    kept = [r for r in results if include_ineligible or r.verdict != "ineligible"]
    return sorted(kept, key=lambda r: (_RANK[r.verdict], r.count("unknown"), r.trial_id))
