"""`match`: the trials a patient might qualify for, the relevant ones first, with why not and
what to collect next.

Sections, in this order (README, "Match"):
- relevant: the trial's conditions fit the patient's (relevance >= `min_relevance`, default
  0.5; relevance.py): first the trials the patient may still join, then the ineligible ones,
  each in three tiers: the patient's own disease (>= 0.9), a disease holding it (>= 0.7), the
  rest; within a tier: eligible, undetermined without a warning, undetermined with a
  likely-fail warning; ties by fewest unknowns only a person can decide, then fewest
  unknowns, then relevance.
- not relevant: screened, but for other conditions (listed with `--all`).
- no criteria: records with no eligibility text (listed with `--all`).
A patient with no condition on record has no relevance: every trial with criteria is in one
"screened" section, ranked by verdict.

Filters (registry fields, applied before screening): status, phase, condition text, country,
minimum relevance.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from trialscreen.facts import PatientFacts
from trialscreen.fastpath import FastResult, TrialPlan, screen_plan
from trialscreen.model.trial import Trial, TrialStatus
from trialscreen.relevance import Relevance, patient_conditions, relevance
from trialscreen.trials.registration import phases_of, status_of

# relevance tiers, best first: the patient's own disease (or made of the patient's conditions),
# a disease holding it, anything else relevant
TIERS = (0.9, 0.7, 0.0)
DEFAULT_MIN_RELEVANCE = 0.5
SECTIONS = ("relevant", "screened", "not_relevant", "no_criteria")
LISTED = ("relevant", "screened")  # the sections listed without --all
STATUSES = get_args(TrialStatus)
_VERDICT_RANK = {"eligible": 0, "undetermined": 1, "ineligible": 3, "no_criteria": 4}


@dataclass(frozen=True)
class Filters:
    """Registry filters: a trial is kept when it passes every one given."""

    status: tuple[str, ...] = ()  # "recruiting", "not_yet_recruiting", ...
    phase: tuple[str, ...] = ()  # "phase2", "2", "Phase 2"
    condition: str | None = None  # text in the trial's conditions, MeSH terms, keywords or title
    country: tuple[str, ...] = ()
    min_relevance: float = DEFAULT_MIN_RELEVANCE

    def __post_init__(self) -> None:
        """Each status and phase in the registry's one spelling; one not understood is a
        ValueError naming it (the command line makes it a usage error)."""
        statuses = []
        for written in self.status:
            status = status_of(written)
            if status is None:
                raise ValueError(f"--status {written!r}: use one of {', '.join(STATUSES)}")
            statuses.append(status)
        phases: list[str] = []
        for written in self.phase:
            spelled = re.sub(
                r"(?i)^\s*early[\s_-]*(?:phase)?[\s_-]*1\s*$", "Early Phase 1", written
            )
            if not re.search(r"(?i)phase|^\s*n/?a\s*$", spelled):
                spelled = f"Phase {spelled}"  # "2", "II", "1/2"
            read = phases_of(spelled)
            if not read:
                raise ValueError(f"--phase {written!r}: use 1, 2, 3, 4, early1, 1/2 or na")
            phases += read
        if any(not c.strip() for c in self.country):
            raise ValueError("--country: a country name, e.g. 'United States'")
        object.__setattr__(self, "status", tuple(statuses))
        object.__setattr__(self, "phase", tuple(phases))

    def keeps(self, trial: Trial) -> bool:
        reg = trial.registration
        if self.status and reg.status not in self.status:
            return False
        if self.phase and not set(self.phase) & set(reg.phases):
            return False
        if self.condition:
            text = " ".join((*trial.conditions, *reg.mesh_terms, *reg.keywords, trial.title))
            if self.condition.lower() not in text.lower():
                return False
        if self.country:
            wanted = {c.strip().lower() for c in self.country}
            if not wanted & {c.lower() for c in reg.countries}:
                return False
        return True


@dataclass
class MatchRow:
    """One trial in the ranking."""

    trial: Trial
    result: FastResult
    relevance: Relevance | None
    section: str
    why_not: dict[str, Any] | None = None  # ineligible: the criterion that failed

    @property
    def warned(self) -> bool:
        return self.result.verdict == "undetermined" and self.result.warn > 0

    def key(self) -> tuple[Any, ...]:
        r = self.result
        score = self.relevance.score if self.relevance else 0.0
        tier = next(i for i, floor in enumerate(TIERS) if score >= floor)
        verdict = _VERDICT_RANK[r.verdict] + (1 if self.warned else 0)
        joinable = r.verdict != "ineligible"  # below every trial the patient may still join
        return (not joinable, tier, verdict, r.manual, r.unknown, -score, r.trial_id)

    def to_json(self) -> dict[str, Any]:
        r, reg = self.result, self.trial.registration
        return {
            "trial_id": r.trial_id,
            "title": r.title,
            "section": self.section,
            "verdict": r.verdict,
            "likely_fails": self.warned,
            "relevance": self.relevance.score if self.relevance else None,
            "relevance_because": self.relevance.because if self.relevance else None,
            "pass": r.passed,
            "fail": r.failed,
            "unknown": r.unknown,
            "unknown_manual": r.manual,
            "needs": r.needs[:5],
            "why_not": self.why_not,
            "status": reg.status,
            "phases": list(reg.phases),
            "conditions": self.trial.conditions,
            "countries": list(reg.countries),
            "url": self.trial.url,
        }


@dataclass
class MatchReport:
    """The ranked rows by section, the counts, and what to collect next."""

    rows: list[MatchRow]
    counts: dict[str, int]
    filtered_out: int
    collect_next: list[dict[str, Any]] = field(default_factory=list)
    has_relevance: bool = True

    def shown(self, show_all: bool, limit: int = 0) -> list[MatchRow]:
        """The rows to list: by default the relevant (or screened) ones; `--all`: every one."""
        rows = [r for r in self.rows if show_all or r.section in LISTED]
        return rows[:limit] if limit > 0 else rows


Planner = Callable[[Sequence[Trial]], Sequence[TrialPlan]]


def match(
    facts: PatientFacts,
    trials: Sequence[Trial],
    plans: Sequence[TrialPlan] | Planner,
    filters: Filters = Filters(),
    screen_all: bool = True,
) -> MatchReport:
    """Screen the kept trials on the hot path and rank them (module docstring). `plans`: one
    per trial, or a planner that plans the trials it is given (only those screened). Without
    `screen_all` only the listed sections are screened; the others are counted, not listed."""
    mine = patient_conditions(facts)
    placed: list[tuple[int, Trial, Relevance | None, str]] = []
    filtered_out = 0
    for i, trial in enumerate(trials):
        if not filters.keeps(trial):
            filtered_out += 1
            continue
        fit = relevance(trial, facts, mine) if mine else None
        if fit is not None and (fit.score <= 0 or fit.score < filters.min_relevance):
            section = "not_relevant"
        else:
            section = "relevant" if mine else "screened"
        if not trial.bullets:
            section = "no_criteria"
        placed.append((i, trial, fit, section))
    counts = Counter(section for *_, section in placed)
    chosen = [p for p in placed if screen_all or p[3] in LISTED]
    if callable(plans):
        planned = list(plans([trial for _, trial, _, _ in chosen]))
    else:
        planned = [plans[i] for i, *_ in chosen]
    rows = [
        MatchRow(trial, screen_plan(plan, facts, trial.healthy_volunteers), fit, section)
        for (_, trial, fit, section), plan in zip(chosen, planned, strict=True)
    ]
    order = {name: i for i, name in enumerate(SECTIONS)}
    rows.sort(key=lambda row: (order[row.section], *row.key()))
    listed = [r for r in rows if r.section in LISTED]
    return MatchReport(
        rows=rows,
        counts={name: counts.get(name, 0) for name in SECTIONS},
        filtered_out=filtered_out,
        collect_next=collect_next(r.result for r in listed),
        has_relevance=bool(mine),
    )


def collect_next(results: Iterable[FastResult], top: int = 10) -> list[dict[str, Any]]:
    """Across undetermined trials: each data item with the number of trials that need it and
    the number it alone would settle (it is their only open item), most trials first."""
    needed: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for r in results:
        if r.verdict != "undetermined":
            continue
        items = [n for n in r.needs if n != "manual review"]
        needed.update(items)
        if len(r.needs) == 1 and items:
            alone[items[0]] += 1
    return [
        {"item": item, "trials": n, "settles": alone.get(item, 0)}
        for item, n in sorted(needed.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]


def explain_failures(rows: Sequence[MatchRow], facts: PatientFacts) -> None:
    """Fill `why_not` of the ineligible rows: the first criterion that failed, with its reason
    and evidence (the reference evaluator, for these trials only)."""
    from trialscreen.screening import screen_trial

    for row in rows:
        if row.result.verdict != "ineligible":
            continue
        for criterion in screen_trial(row.trial, facts).criteria:
            if criterion.outcome == "fail":
                row.why_not = {
                    "criterion": criterion.text,
                    "kind": criterion.kind,
                    "reason": criterion.reason,
                    "evidence": criterion.evidence,
                }
                break
