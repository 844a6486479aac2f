"""Criterion outcomes, trial verdicts, `needs`, and ranking of trials for a patient."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from trialscreen.evaluate import Result, evaluate_node
from trialscreen.facts import PatientFacts, build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.language.render import render
from trialscreen.language.structure import read_document
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.patient import Patient
from trialscreen.model.predicate import AgeCompare, AgeUnit, NoConstraint, Predicate, SexIs
from trialscreen.model.trial import AgeLimit, CriterionKind, Trial
from trialscreen.records import PatientError

Outcome = Literal["pass", "fail", "unknown", "no_constraint"]
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
    warning: bool = False  # unknown, but the part that was read fails: "likely fails"

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
            "warning": self.warning,
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
            "warn": sum(1 for c in self.criteria if c.warning),
            "no_constraint": self.count("no_constraint"),
            "criteria": [c.to_json() for c in self.criteria],
        }


def outcome_of(kind: CriterionKind, met: bool | None) -> Outcome:
    """Inclusion: met is pass. Exclusion: met is fail. Unknown stays unknown."""
    if met is None:
        return "unknown"
    return "pass" if met == (kind == "inclusion") else "fail"


def judge(compiled: CompiledCriterion, facts: PatientFacts) -> tuple[Result, Outcome]:
    """Evaluate a compiled criterion in its place in the document.

    A no-constraint bullet constrains nobody; a bullet for a group applies only to its members;
    a partly compiled bullet never decides on its own, but when its read part fails it is a
    warning ("likely fails").
    """
    if compiled.status == "no_constraint":
        return Result(None, no_constraint_reason(compiled)), "no_constraint"
    result = evaluate_node(compiled.predicate, facts)
    outcome = outcome_of(compiled.kind, result.met)
    sound = "sound_partial" in compiled.flags  # unread pieces are Unparsed nodes: Kleene holds
    if compiled.status == "partial" and outcome != "unknown" and not sound:
        warn = outcome == "fail" and can_warn(compiled)
        result = Result(
            None,
            f"{'likely fails' if warn else 'partly understood'}: the compiled part "
            f"says {outcome} ({result.reason}), but {unread_text(compiled)} was not understood; "
            "needs review",
            result.evidence,
            ["manual review"],
            warning=warn,
        )
        outcome = "unknown"
    if compiled.applies_if is None:
        return result, outcome
    member = evaluate_node(compiled.applies_if, facts)
    group = render(compiled.applies_if)
    if member.met is False and compiled.status == "compiled":
        return Result(None, f"no constraint: applies only to {group}", member.evidence), (
            "no_constraint"
        )
    if member.met is False:  # a bullet not read may not belong to the group at all
        return result, outcome
    if member.met is None and outcome != "pass":
        needs = list(dict.fromkeys([*member.needs, *result.needs])) or ["manual review"]
        reason = f"applies only to {group}, and membership is not known ({member.reason})"
        return Result(None, reason, member.evidence + result.evidence, needs), "unknown"
    return result, outcome


def can_warn(compiled: CompiledCriterion) -> bool:
    """A partly read bullet warns "likely fails" only when what it did not read are words, not
    operators: a cue word ("except", "other than", "unless") or a scope from the list around it
    could turn the failing part round, so then it just stays unknown."""
    return not any(
        f.startswith(("cue:", "structure:")) or f in DOUBTFUL_READINGS for f in compiled.flags
    )


# flags that say the read part itself may mean something else (not only that words are left
# over): "(1 day for hydroxyurea)" read as a second wait, two equivalent scales read as both
DOUBTFUL_READINGS = frozenset(
    {
        "wait_unread",
        "count_unread",
        "qualifier_list",
        "or_list",
        "and_or_mix",
        "recovery_unread",
        "scales_side_by_side",
        "combination_unread",
        "negated_exclusion",
        "group_scope",
        "plus_unread",
        "value_first",  # a value before a test's name: the words after it may say it is a change
        "requirement_in_exclusion",  # a requirement filed as an exclusion: which way is meant?
    }
)


def no_constraint_reason(compiled: CompiledCriterion) -> str:
    """Why a bullet constrains nobody, for reports."""
    node = compiled.predicate
    why = node.reason if isinstance(node, NoConstraint) else ""
    roles = [f.removeprefix("structure:") for f in compiled.flags if f.startswith("structure:")]
    return "no constraint: " + "; ".join(x for x in [why, *roles] if x)


_UNREAD = {
    "unread_definition": "a bracket that defines nothing read",
    "condition_tail": "a condition naming more than one group",
    "noncontiguous_set": "a set of scores with a gap (often a slip for a range)",
    "subject_or": "analytes joined by 'or' (either of them, or each?)",
    "truncated": "the text past the length limit",
    "test_window_unread": "a test to be done in a window before entry (no record shows it done)",
}


def unread_text(compiled: CompiledCriterion) -> str:
    """The words a partly compiled bullet did not account for, quoted, for reasons."""
    pieces = [f"'{t}'" for t in compiled.uncovered_text()]
    pieces += [
        f.removeprefix("structure:").replace("_", " ")
        for f in compiled.flags
        if f.startswith("structure:")
    ]
    pieces += [_UNREAD[f] for f in compiled.flags if f in _UNREAD]
    return "; ".join(pieces) or "part of the text"


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
        node = AgeCompare(op=">=", years=minimum.years, unit=_age_unit(minimum))
        out.append((f"minimum age {minimum}", node))
    if maximum is not None:
        node = AgeCompare(op="<=", years=maximum.years, unit=_age_unit(maximum))
        out.append((f"maximum age {maximum}", node))
    if sex in ("female", "male"):
        out.append((f"sex: {sex}", SexIs(sex="female" if sex == "female" else "male")))
    return out


def _age_unit(limit: AgeLimit) -> AgeUnit:
    """The registry's age unit as an AgeCompare unit (minutes are compared in hours)."""
    return "hours" if limit.unit == "minutes" else limit.unit


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
    for bullet, compiled in zip(trial.bullets, compiled_bullets(trial), strict=True):
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
                r.warning,
            )
        )
    return TrialResult(
        trial.id, trial.title, verdict_of(trial, results), needs_of(results), results
    )


_READ: dict[tuple[str, str, str, tuple[str, ...]], list[CompiledCriterion]] = {}


def _read_key(trial: Trial) -> tuple[str, str, str, tuple[str, ...]]:
    return (trial.id, trial.criteria_text, trial.title, tuple(trial.conditions))


def prime_read(trials: Sequence[Trial], read: Sequence[list[CompiledCriterion]]) -> None:
    """Bullets already read in place (from the store) for these trials: not read again."""
    for trial, bullets in zip(trials, read, strict=True):
        _READ[_read_key(trial)] = bullets


def compiled_bullets(trial: Trial) -> list[CompiledCriterion]:
    """Every bullet compiled, then read in its place in the list (language/structure.py)."""
    primed = _READ.get(_read_key(trial))
    if primed is not None:
        return primed
    return read_document(trial, [compile_criterion(b.text, b.kind) for b in trial.bullets])


def verdict_of(trial: Trial, results: list[CriterionResult]) -> Verdict:
    """eligible: all pass; ineligible: any fail; undetermined: no fail, some unknown."""
    return verdict_from({r.outcome for r in results}, bool(trial.bullets))


def verdict_from(outcomes: Collection[str], has_bullets: bool) -> Verdict:
    """The verdict from the outcomes present (shared with the hot path)."""
    if "fail" in outcomes:
        return "ineligible"
    if not has_bullets:
        return "no_criteria"
    return "undetermined" if ("unknown" in outcomes or "warn" in outcomes) else "eligible"


def needs_of(results: list[CriterionResult]) -> list[str]:
    """Data items that would decide the unknowns, the ones deciding most criteria first."""
    return rank_needs((r.outcome, r.needs) for r in results)


def rank_needs(outcomes: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
    """Needs of the unknown outcomes, most criteria decided first, `manual review` last."""
    counts: Counter[str] = Counter()
    for outcome, needs in outcomes:
        if outcome in ("unknown", "warn"):
            counts.update(dict.fromkeys(needs, 1))
    manual = counts.pop("manual review", 0)
    ranked = [item for item, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return ranked + (["manual review"] if manual else [])


def not_screened(patient: Patient) -> str | None:
    """Why a patient is not screened at all (None: screened): they died on or before the
    screening date. A trial's criteria say nothing about this; a list of trials "eligible" for
    a patient who has died would be a wrong answer, so every command refuses them (a cohort
    keeps a row saying so). Screening as of an earlier day is allowed."""
    if patient.death_date is not None and patient.death_date <= patient.as_of:
        return (
            f"patient {patient.id} died on {patient.death_date} (screening date "
            f"{patient.as_of}): not screened; a screening date before death screens as of then"
        )
    if patient.death_date is None and patient.deceased:
        return f"patient {patient.id} is recorded as deceased: not screened"
    return None


def screen(patient: Patient, trials: list[Trial]) -> list[TrialResult]:
    """Screen one patient against trials, in the given order; PatientError when the patient
    is not screened (`not_screened`)."""
    refused = not_screened(patient)
    if refused is not None:
        raise PatientError(refused)
    facts = build_facts(patient)
    return [screen_trial(trial, facts) for trial in trials]


_RANK = {"eligible": 0, "undetermined": 1, "no_criteria": 2, "ineligible": 3}


def rank(results: list[TrialResult], include_ineligible: bool = False) -> list[TrialResult]:
    """Eligible first, then undetermined without a "likely fails" warning, then with one, each
    by fewest unknowns; ineligible only when asked."""
    kept = [r for r in results if include_ineligible or r.verdict != "ineligible"]
    return sorted(
        kept,
        key=lambda r: (
            _RANK[r.verdict],
            any(c.warning for c in r.criteria),
            r.count("unknown"),
            r.trial_id,
        ),
    )
