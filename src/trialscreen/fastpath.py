"""The hot path: predicate trees turned once into closures that return (met, needs).

A plan reads the same normalised `PatientFacts` as the reference evaluator (`evaluate.py`) and
gives the same `met` and `needs`, without building reasons or evidence: plain float, set and dict
operations, no pint, no pydantic validation, no regex in the per-trial loop. Reports for people
still come from the reference evaluator; `match` and cohort screening use this.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trialscreen import markers
from trialscreen.evaluate import (
    ANTICANCER,
    BLOCKING_FLAGS,
    _fact_matches,
    _score,
    age_met,
    began,
    chronic_under_generic,
    class_left_open,
    compare,
    count_met,
    excepted,
    in_band_gap,
    lab_met,
    lab_thresholds,
    lasted,
    narrowed,
    other_use,
    qualified_match,
    qualified_unknown,
    recovery_need,
    regimen_need,
    since_last,
    since_met,
    stale_days,
    which_one_open,
)
from trialscreen.facts import ConceptFact, PatientFacts, regimens_between
from trialscreen.language.render import analyte_label, concept_label, regimen_label
from trialscreen.language.structure import read_document
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.predicate import (
    BELOW_NORMAL_OPEN,
    EITHER_OR_BOTH,
    INTEGER_BAND,
    SCALES_PAIRED,
    AgeCompare,
    AllOf,
    AnyOf,
    BiomarkerStatus,
    BiomarkerValue,
    ConceptDuration,
    ConceptOnset,
    Conditional,
    HasConcept,
    LabCompare,
    LifeExpectancy,
    MeasureCompare,
    NormalMultiple,
    Not,
    Predicate,
    RegimenCount,
    ScoreCompare,
    SexIs,
    TimeSince,
)
from trialscreen.model.trial import Trial
from trialscreen.screening import (
    _RANK,
    can_warn,
    compiled_bullets,
    healthy_volunteer_met,
    rank_needs,
    structured_criteria,
    verdict_from,
)

Met = bool | None
Outcome = tuple[Met, tuple[str, ...]]
Plan = Callable[[PatientFacts], Outcome]
CriterionPlan = Callable[[PatientFacts], tuple[str, tuple[str, ...]]]
_NONE: tuple[str, ...] = ()
_MANUAL = ("manual review",)


def _const(met: Met, needs: tuple[str, ...] = _NONE) -> Plan:
    return lambda facts: (met, needs)


def _plan_lab_compare(node: LabCompare) -> Plan:
    blocked = any(f in BLOCKING_FLAGS for f in node.flags) or (
        "missing_comparator" in node.flags
        and not any(f.startswith("comparator_inferred") for f in node.flags)
    )
    if blocked:
        return _const(None)
    label = analyte_label(node.analyte)
    stale = stale_days(node.analyte, node.within_days)
    analyte, op = node.analyte, node.op
    missing, old, exact = (label,), (f"{label} (recent)",), (f"{label} (exact value)",)
    no_range = (f"{label} reference range",)
    below_open = BELOW_NORMAL_OPEN in node.flags
    band = INTEGER_BAND in node.flags
    t = node.threshold
    if not isinstance(t, NormalMultiple) and t.canonical is None:
        return _const(None)

    def plan(facts: PatientFacts) -> Outcome:
        fact = facts.labs.get(analyte)
        if fact is None or fact.value is None:
            return None, missing
        if fact.days_old is None or fact.days_old > stale:
            return None, old
        found = lab_thresholds(node, fact, facts.adult)
        if found is None:
            return None, no_range
        low, high = found
        met = lab_met(fact, op, low, high)
        if met is None:
            return None, (no_range if low != high else exact)
        if not met and (below_open or (band and in_band_gap(node, fact.value))):
            return None, _NONE
        return met, _NONE

    return plan


def _plan_score_compare(node: ScoreCompare) -> Plan:
    if any(f in BLOCKING_FLAGS for f in node.flags):
        return _const(None)
    scale, op, value = node.scale, node.op, node.value
    convert = SCALES_PAIRED not in node.flags
    needs = (analyte_label(scale),)
    recent = (f"{analyte_label(scale)} (recent)",)

    def plan(facts: PatientFacts) -> Outcome:
        interval, fact, _ = _score(facts, scale, convert)
        if interval is None:
            return None, (needs if fact is None else recent)
        if fact is None:
            return None, needs
        low, high = compare(interval[0], op, value), compare(interval[1], op, value)
        return (None, needs) if low != high else (low, _NONE)

    return plan


def _plan_age_compare(node: AgeCompare) -> Plan:
    op, years, unit, needs = node.op, node.years, node.unit, ("birth date or age",)

    def plan(facts: PatientFacts) -> Outcome:
        if facts.age_in(unit) is None:
            return None, needs
        met, _ = age_met(facts, op, years, unit)
        return (None, needs) if met is None else (met, _NONE)

    return plan


def _plan_life_expectancy(node: LifeExpectancy) -> Plan:
    op, months, needs = node.op, node.months, ("life expectancy",)

    def plan(facts: PatientFacts) -> Outcome:
        value = facts.patient.life_expectancy_months
        return (None, needs) if value is None else (compare(value, op, months), _NONE)

    return plan


def _plan_measure_compare(node: MeasureCompare) -> Plan:
    needs = (node.measure,)

    def plan(facts: PatientFacts) -> Outcome:
        return None, needs

    return plan


def _plan_sex_is(node: SexIs) -> Plan:
    sex, needs = node.sex, ("sex",)

    def plan(facts: PatientFacts) -> Outcome:
        have = facts.patient.sex
        return (None, needs) if have is None or have == "unknown" else (have == sex, _NONE)

    return plan


@dataclass(frozen=True, slots=True)
class _Want:
    """The fields of a HasConcept a plan needs, so that plans do not keep the tree alive."""

    timing: str
    within_days: float | None
    grade_op: str | None
    grade: int | None
    indication: str | None
    stages: tuple[str, ...]
    by_test: bool
    concept: str


def _plan_has_concept(tree_node: HasConcept) -> Plan:
    node = _Want(
        tree_node.timing,
        tree_node.within_days,
        tree_node.grade_op,
        tree_node.grade,
        tree_node.indication,
        tree_node.stages,
        tree_node.by_test,
        tree_node.concept,
    )
    label = concept_label(tree_node.concept)
    qualifiers = tree_node.qualifiers
    concept = tree_node.concept
    status = (f"{label} status",)
    qualified = (f"whether {label} is {' '.join(qualifiers)}",) if qualifiers else None
    dated = (f"{label} date/grade",)
    if tree_node.indication is not None:
        dated = (f"what {label} was given for",)
    elif tree_node.stages:
        dated = (f"{label} stage",)

    others = (f"other {label} status",)
    screened = bool(tree_node.except_concepts) or concept in ANTICANCER

    def plan(facts: PatientFacts) -> Outcome:
        found = facts.concepts.get(concept)
        if not found:
            return None, status
        present = [f for f in found if f.status != "absent"]
        if not present:
            return False, _NONE
        broader = False
        if screened:
            kinds = [excepted(tree_node, f) for f in present]
            broader = None in kinds
            present = [f for f, kind in zip(present, kinds, strict=True) if kind is False]
            if not present:
                return None, others
        verdicts = [_fact_matches(node, f, facts) for f in present]
        if True in verdicts:
            if qualified and not qualified_match(tree_node, present, verdicts, facts):
                return None, qualified
            return True, _NONE
        if None in verdicts:
            chronic = [f for f in present if chronic_under_generic(node, f)]
            if chronic and all(v is None for v in verdicts):
                return None, (f"whether {chronic[0].label} counts as {label}",)
            return None, dated
        if broader or class_left_open(tree_node, present):
            return None, others
        return False, _NONE

    return plan


def _plan_time_since(node: TimeSince) -> Plan:
    inner = _time_since_plan(node)
    anticancer = node.concept in ANTICANCER
    if not node.qualifiers and not node.recovered and not anticancer:
        return inner
    concept, doubt = node.concept, qualified_unknown(node.op)  # the plan keeps no tree
    qualified = (f"whether {concept_label(concept)} is {' '.join(node.qualifiers)}",)
    quals, recovered, recovery = bool(node.qualifiers), node.recovered, (recovery_need(concept),)
    for_cancer = (f"whether the {concept_label(concept)} was for cancer",)

    def plan(facts: PatientFacts) -> Outcome:
        met, needs = inner(facts)
        if met is None or not any(f.status != "absent" for f in facts.concepts.get(concept, ())):
            return met, needs
        if quals and met is doubt:
            return None, qualified
        if anticancer and met is doubt and other_use(concept, facts):
            return None, for_cancer
        if recovered and met is True:
            return None, recovery
        return met, needs

    return plan


def _time_since_plan(node: TimeSince) -> Plan:
    concept, op, days = node.concept, node.op, node.days
    needs = (f"{concept_label(concept)} dates",)

    def plan(facts: PatientFacts) -> Outcome:
        found = facts.concepts.get(concept)
        if not found:
            return None, needs
        present = [f for f in found if f.status != "absent"]
        if not present:
            return op in (">", ">="), _NONE
        if any(f.ongoing for f in present):
            return compare(0, op, days), _NONE
        since = since_last(present, facts.as_of)
        met = None if since is None else since_met(since, op, days)
        if met is not None and which_one_open(present, facts.as_of, op, days):
            return None, needs
        return (met, needs) if met is None else (met, _NONE)

    return plan


def _plan_concept_duration(node: ConceptDuration) -> Plan:
    op, days, current = node.op, node.days, node.current

    def measure(found: list[ConceptFact], as_of: dt.date) -> bool | None:
        return lasted(found, as_of, op, days, current)[0]

    return _timed_plan(node.concept, node.qualifiers, measure)


def _plan_regimen_count(node: RegimenCount) -> Plan:
    concept, op, count, some = node.concept, node.op, node.count, narrowed(node)
    needs = (regimen_need(regimen_label(node)),)

    def plan(facts: PatientFacts) -> Outcome:
        low, high, _ = regimens_between(facts, concept, some)
        met = count_met(low, high, op, count)
        return (met, needs) if met is None else (met, _NONE)

    return plan


def _plan_biomarker_status(node: BiomarkerStatus) -> Plan:
    needs = (markers.status_need(node),)

    def plan(facts: PatientFacts) -> Outcome:
        met = markers.status_met(node, facts)
        return (met, needs) if met is None else (met, _NONE)

    return plan


def _plan_biomarker_value(node: BiomarkerValue) -> Plan:
    needs = (markers.value_need(node),)

    def plan(facts: PatientFacts) -> Outcome:
        met = markers.value_met(node, facts)
        return (met, needs) if met is None else (met, _NONE)

    return plan


def _plan_concept_onset(node: ConceptOnset) -> Plan:
    op, days = node.op, node.days
    return _timed_plan(
        node.concept, node.qualifiers, lambda found, as_of: began(found, as_of, op, days)
    )


def _timed_plan(
    concept: str,
    qualifiers: tuple[str, ...],
    measure: Callable[[list[ConceptFact], dt.date], bool | None],
) -> Plan:
    """How long it lasted / how long ago it began: it must be there (known absent: not met);
    a measure met by an entry whose qualifiers the record cannot check is unknown."""
    label = concept_label(concept)
    status, dated = (f"{label} status",), (f"{label} dates",)
    qualified = (f"whether {label} is {' '.join(qualifiers)}",) if qualifiers else None

    def plan(facts: PatientFacts) -> Outcome:
        found = facts.concepts.get(concept)
        if not found:
            return None, status
        present = [f for f in found if f.status != "absent"]
        if not present:
            return False, _NONE
        met = measure(present, facts.as_of)
        if met is None:
            return None, dated
        if met and qualified:
            return None, qualified
        return met, _NONE

    return plan


def _unknown_needs(results: list[Outcome]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for met, needs in results if met is None for n in needs))


def _plan_all_of(node: AllOf) -> Plan:
    plans = [plan_for(item) for item in node.items]
    if EITHER_OR_BOTH in node.flags:
        return _either_or_both_plan(plans)

    def plan(facts: PatientFacts) -> Outcome:
        results = [p(facts) for p in plans]
        mets = [m for m, _ in results]
        if False in mets:
            return False, _NONE
        if all(m is True for m in mets):
            return True, _NONE
        return None, _unknown_needs(results)

    return plan


def _either_or_both_plan(plans: list[Plan]) -> Plan:
    """Every item met, or none met; otherwise unknown (evaluate._either_or_both)."""

    def plan(facts: PatientFacts) -> Outcome:
        results = [p(facts) for p in plans]
        mets = [m for m, _ in results]
        if all(m is True for m in mets):
            return True, _NONE
        if all(m is False for m in mets):
            return False, _NONE
        return None, _unknown_needs(results)

    return plan


def _plan_any_of(node: AnyOf) -> Plan:
    plans = [plan_for(item) for item in node.items]

    def plan(facts: PatientFacts) -> Outcome:
        results = [p(facts) for p in plans]
        mets = [m for m, _ in results]
        if True in mets:
            return True, _NONE
        if all(m is False for m in mets):
            return False, _NONE
        return None, _unknown_needs(results)

    return plan


def _plan_not(node: Not) -> Plan:
    inner = plan_for(node.item)

    def plan(facts: PatientFacts) -> Outcome:
        met, needs = inner(facts)
        return (None if met is None else not met), needs

    return plan


def _plan_conditional(node: Conditional) -> Plan:
    cond = _plan_has_concept(HasConcept(concept=node.condition))
    then, otherwise = plan_for(node.then), plan_for(node.otherwise)

    def plan(facts: PatientFacts) -> Outcome:
        c_met, c_needs = cond(facts)
        if c_met is True:
            return then(facts)
        if c_met is False:
            return otherwise(facts)
        t, o = then(facts), otherwise(facts)
        if t[0] is not None and t[0] == o[0]:
            return t[0], _NONE
        return None, c_needs + t[1] + o[1]

    return plan


def _plan_unparsed(node: Predicate) -> Plan:
    return _const(None, _MANUAL)


def _plan_no_constraint(node: Predicate) -> Plan:
    return _const(None)


PLANNERS: dict[str, Callable[..., Plan]] = {
    name.removeprefix("_plan_"): fn for name, fn in globals().items() if name.startswith("_plan_")
}


def plan_for(node: Predicate) -> Plan:
    """The closure for one predicate node (one `_plan_<kind>` per node kind)."""
    return PLANNERS[node.kind](node)


def criterion_plan(
    compiled: CompiledCriterion,
) -> Callable[[PatientFacts], tuple[str, tuple[str, ...]]]:
    """Outcome and needs of one criterion, as `screening.judge` gives: "pass", "fail",
    "unknown", "warn" (unknown, but the read part fails) or "no_constraint"."""
    if compiled.status == "no_constraint":
        return lambda facts: ("no_constraint", _NONE)
    inner = plan_for(compiled.predicate)
    inclusion = compiled.kind == "inclusion"
    partial = compiled.status == "partial" and "sound_partial" not in compiled.flags
    warns = can_warn(compiled)
    member = None if compiled.applies_if is None else plan_for(compiled.applies_if)
    read_fully = compiled.status == "compiled"

    def judged(facts: PatientFacts) -> tuple[str, tuple[str, ...]]:
        met, needs = inner(facts)
        if met is None:
            return "unknown", needs
        outcome = "pass" if met == inclusion else "fail"
        if partial:
            return ("warn" if outcome == "fail" and warns else "unknown"), _MANUAL
        return outcome, _NONE

    if member is None:
        return judged

    def grouped(facts: PatientFacts) -> tuple[str, tuple[str, ...]]:
        belongs, member_needs = member(facts)
        if belongs is False and read_fully:
            return "no_constraint", _NONE
        outcome, needs = judged(facts)
        if belongs is False:
            return outcome, needs
        if belongs is None and outcome != "pass":
            both = tuple(dict.fromkeys((*member_needs, *needs))) or _MANUAL
            return "unknown", both
        return outcome, needs

    return grouped


@dataclass(slots=True)
class TrialPlan:
    """A trial ready for the hot path: its structured and bullet plans."""

    trial_id: str
    title: str
    has_bullets: bool
    structured: list[Plan]
    bullets: list[CriterionPlan]


def trial_plan(
    trial: Trial,
    compiled: list[CompiledCriterion] | None = None,
    read: list[CompiledCriterion] | None = None,
) -> TrialPlan:
    """Plan a trial once, after the document pass. Given its compiled bullets (from the store),
    nothing is compiled; given them already read in place (`read`), nothing is read again; the
    trees can be dropped once planned."""
    if read is None:
        read = compiled_bullets(trial) if compiled is None else read_document(trial, compiled)
    bullets = [criterion_plan(c) for c in read]
    structured = [plan_for(node) for _, node in structured_criteria(trial)]
    return TrialPlan(trial.id, trial.title, bool(trial.bullets), structured, bullets)


def plans_from_store(trials: Sequence[Trial], batch: int = 500) -> list[TrialPlan]:
    """Plans for every trial, reading compiled bullets from the store a batch at a time, so the
    decoded trees of the whole set are never in memory at once."""
    from trialscreen.store import TrialStore

    plans: list[TrialPlan] = []
    with TrialStore.open() as store:
        for start in range(0, len(trials), batch):
            chunk = trials[start : start + batch]
            for trial, read in zip(chunk, store.documents_for(chunk), strict=True):
                plans.append(trial_plan(trial, read=read))
    return plans


@dataclass(slots=True)
class FastResult:
    """A trial's verdict for one patient, with counts and needs (no per-criterion detail)."""

    trial_id: str
    title: str
    verdict: str
    passed: int
    failed: int
    unknown: int
    needs: list[str]
    warn: int = 0  # of the unknown: partly read bullets whose read part fails
    no_constraint: int = 0
    manual: int = 0  # of the unknown: those only a person can decide (text not fully read)

    def to_json(self) -> dict[str, object]:
        return {
            "trial_id": self.trial_id,
            "title": self.title,
            "verdict": self.verdict,
            "pass": self.passed,
            "fail": self.failed,
            "unknown": self.unknown,
            "needs": self.needs,
            "warn": self.warn,
            "no_constraint": self.no_constraint,
            "manual": self.manual,
        }


def _healthy(trial_hv: bool | None, facts: PatientFacts) -> tuple[str, tuple[str, ...]] | None:
    if trial_hv is not False:
        return None
    met = healthy_volunteer_met(trial_hv, facts.patient)
    if met is None:
        return "unknown", ("healthy volunteer status",)
    return ("pass" if met else "fail"), _NONE


def screen_plan(
    plan: TrialPlan,
    facts: PatientFacts,
    healthy_volunteers: bool | None,
    prefilter: bool = False,
) -> FastResult:
    """Verdict, counts and needs of one planned trial: what `screening.screen_trial` gives.

    With `prefilter`, a trial whose structured age or sex already fails is returned as
    ineligible without evaluating its bullets (its counts then cover the structured part only).
    """
    outcomes: list[tuple[str, tuple[str, ...]]] = []
    for p in plan.structured:
        met, needs = p(facts)
        outcomes.append(("unknown", needs) if met is None else ("pass" if met else "fail", _NONE))
    if prefilter and any(o == "fail" for o, _ in outcomes):
        failed = sum(1 for o, _ in outcomes if o == "fail")
        passed = sum(1 for o, _ in outcomes if o == "pass")
        return FastResult(
            plan.trial_id,
            plan.title,
            "ineligible",
            passed,
            failed,
            len(outcomes) - failed - passed,
            [],
        )
    hv = _healthy(healthy_volunteers, facts)
    if hv is not None:
        outcomes.append(hv)
    outcomes.extend(p(facts) for p in plan.bullets)
    counts = Counter(o for o, _ in outcomes)
    verdict = verdict_from(counts, plan.has_bullets)
    return FastResult(
        plan.trial_id,
        plan.title,
        verdict,
        counts["pass"],
        counts["fail"],
        counts["unknown"] + counts["warn"],
        rank_needs(outcomes),
        counts["warn"],
        counts["no_constraint"],
        sum(1 for o, needs in outcomes if o in ("unknown", "warn") and needs == _MANUAL),
    )


def rank_fast(results: list[FastResult], include_ineligible: bool = False) -> list[FastResult]:
    """As `screening.rank`: eligible, undetermined without then with a warning, by fewest
    unknowns; ineligible only when asked."""
    kept = [r for r in results if include_ineligible or r.verdict != "ineligible"]
    return sorted(kept, key=lambda r: (_RANK[r.verdict], r.warn > 0, r.unknown, r.trial_id))
