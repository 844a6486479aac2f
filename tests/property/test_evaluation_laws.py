"""Evaluation laws: Kleene logic, monotonicity in knowledge, unit invariance, determinism.

Kleene laws are checked twice: on random Result lists combined by evaluate._all/_any, and on
random AllOf/AnyOf/Not trees over leaves whose value is fixed (SexIs of a female patient is
true, of a male false, LifeExpectancy unknown) evaluated by evaluate_node.

The patient laws use the lab and concept bullets of two seed trials plus a few examples, against
patients drawn by `strategies.patients`.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from trialscreen.evaluate import Result, _all, _any, evaluate_node
from trialscreen.facts import PatientFacts, build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.predicate import AllOf, AnyOf, LifeExpectancy, Not, Predicate, SexIs
from trialscreen.model.trial import CriterionKind
from trialscreen.records import read_patient
from trialscreen.screening import judge
from trialscreen.units import analytes
from trialscreen.units.registry import conversion_factor

from .strategies import PATIENT_UNITS, patients, seed_bullets, walk

Met = bool | None
mets = st.sampled_from([True, False, None])
results = mets.map(lambda m: Result(m, f"leaf {m}"))
result_lists = st.lists(results, max_size=5)
RANK = {False: 0, None: 1, True: 2}  # Kleene order: false < unknown < true


def kleene_and(values: list[Met]) -> Met:
    return min(values, key=RANK.__getitem__, default=True)


def kleene_or(values: list[Met]) -> Met:
    return max(values, key=RANK.__getitem__, default=False)


# ---- Kleene laws on Results ----------------------------------------------------------------


@given(result_lists)
def test_all_and_any_follow_the_kleene_tables(xs: list[Result]) -> None:
    values = [x.met for x in xs]
    assert _all(xs).met is kleene_and(values)
    assert _any(xs).met is kleene_or(values)


@given(result_lists.flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))))
def test_all_and_any_are_commutative(pair: tuple[list[Result], list[Result]]) -> None:
    xs, shuffled = pair
    assert _all(shuffled).met is _all(xs).met
    assert _any(shuffled).met is _any(xs).met


@given(results, results, results)
def test_all_and_any_are_associative(x: Result, y: Result, z: Result) -> None:
    assert _all([x, _all([y, z])]).met is _all([_all([x, y]), z]).met is _all([x, y, z]).met
    assert _any([x, _any([y, z])]).met is _any([_any([x, y]), z]).met is _any([x, y, z]).met


@given(results)
def test_identity_and_idempotence(x: Result) -> None:
    true, false = Result(True, "true"), Result(False, "false")
    assert _all([x, true]).met is x.met
    assert _any([x, false]).met is x.met
    assert _all([x]).met is _any([x]).met is x.met
    assert _all([x, x]).met is _any([x, x]).met is x.met
    assert _all([]).met is True
    assert _any([]).met is False


@given(results)
def test_annihilators(x: Result) -> None:
    assert _all([x, Result(False, "false")]).met is False
    assert _any([x, Result(True, "true")]).met is True


@given(results, results)
def test_absorption(x: Result, y: Result) -> None:
    assert _all([x, _any([x, y])]).met is x.met
    assert _any([x, _all([x, y])]).met is x.met


@given(result_lists)
def test_unknown_results_carry_their_needs(xs: list[Result]) -> None:
    xs = [Result(x.met, x.reason, [], [f"need {i}"]) for i, x in enumerate(xs)]
    for combined in (_all(xs), _any(xs)):
        if combined.met is None:
            wanted = {f"need {i}" for i, x in enumerate(xs) if x.met is None}
            assert set(combined.needs) == wanted
        else:
            assert combined.needs == []


# ---- Kleene laws through evaluate_node -----------------------------------------------------

LEAF_OF: dict[Met, Predicate] = {
    True: SexIs(sex="female"),
    False: SexIs(sex="male"),
    None: LifeExpectancy(op=">=", months=3),
}


@cache
def _female() -> PatientFacts:
    return build_facts(read_patient({"id": "kleene", "as_of": "2026-11-01", "sex": "female"}))


def _met(node: Predicate) -> Met:
    return evaluate_node(node, _female()).met


def _expected(node: Predicate) -> Met:
    if isinstance(node, AllOf):
        return kleene_and([_expected(item) for item in node.items])
    if isinstance(node, AnyOf):
        return kleene_or([_expected(item) for item in node.items])
    if isinstance(node, Not):
        inner = _expected(node.item)
        return None if inner is None else not inner
    return next(m for m, leaf in LEAF_OF.items() if leaf == node)


predicates = st.recursive(
    mets.map(LEAF_OF.__getitem__),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map(lambda xs: AllOf(items=tuple(xs))),
        st.lists(inner, min_size=1, max_size=4).map(lambda xs: AnyOf(items=tuple(xs))),
        inner.map(lambda x: Not(item=x)),
    ),
    max_leaves=12,
)


def test_the_leaves_have_the_values_the_laws_assume() -> None:
    assert {m: _met(leaf) for m, leaf in LEAF_OF.items()} == {True: True, False: False, None: None}


@given(predicates)
def test_trees_evaluate_by_the_kleene_tables(node: Predicate) -> None:
    assert _met(node) is _expected(node)


@given(predicates)
def test_double_negation(node: Predicate) -> None:
    assert _met(Not(item=Not(item=node))) is _met(node)


@given(st.lists(predicates, min_size=1, max_size=4))
def test_de_morgan(nodes: list[Predicate]) -> None:
    negated = tuple(Not(item=n) for n in nodes)
    assert _met(Not(item=AllOf(items=tuple(nodes)))) is _met(AnyOf(items=negated))
    assert _met(Not(item=AnyOf(items=tuple(nodes)))) is _met(AllOf(items=negated))


@given(predicates)
def test_x_and_not_x_is_never_true_and_x_or_not_x_never_false(node: Predicate) -> None:
    x = _met(node)
    contradiction = _met(AllOf(items=(node, Not(item=node))))
    excluded_middle = _met(AnyOf(items=(node, Not(item=node))))
    assert contradiction is (None if x is None else False)
    assert excluded_middle is (None if x is None else True)


# ---- laws over patients --------------------------------------------------------------------

SEED_TRIALS = ("NCT00573755", "NCT01444807")
LAB_AND_CONCEPT_KINDS = frozenset(
    {"lab_compare", "score_compare", "has_concept", "conditional", "time_since"}
)
EXAMPLES: tuple[tuple[str, CriterionKind], ...] = (
    ("ANC >= 1500 /uL", "inclusion"),
    ("ANC ≥ 1.5 × 10⁹/L", "inclusion"),
    ("ANC < 1000/mm3", "exclusion"),
    ("Platelets >= 100 x 10^9/L", "inclusion"),
    ("Platelet count ≥ 100,000/mm³", "inclusion"),
    ("Hemoglobin >= 9 g/dL", "inclusion"),
    ("Hemoglobin < 90 g/L", "exclusion"),
    ("Creatinine <= 1.5 mg/dL", "inclusion"),
    ("Creatinine <= 133 umol/L", "inclusion"),
    ("Creatinine <= 1.5 x ULN", "inclusion"),
    ("ALT <= 2.5 x ULN", "inclusion"),
    ("ALT <= 2.5 x ULN (<= 5 x ULN for patients with liver metastases)", "inclusion"),
    ("ALT > 100 U/L", "exclusion"),
    ("ECOG <= 1", "inclusion"),
    ("ECOG performance status 0-1", "inclusion"),
    ("age >= 18 years", "inclusion"),
    ("No known HIV infection", "inclusion"),
    ("HIV infection", "exclusion"),
    ("Active brain metastases", "exclusion"),
    ("Liver metastases", "exclusion"),
    ("Metastatic disease", "inclusion"),
)


@cache
def criteria() -> tuple[CompiledCriterion, ...]:
    """The lab and concept bullets of the two seed trials, then the examples, compiled."""
    seeds = [
        compile_criterion(text, kind)
        for trial_id, _, kind, text in seed_bullets()
        if trial_id in SEED_TRIALS
    ]
    chosen = [c for c in seeds if any(n.kind in LAB_AND_CONCEPT_KINDS for n in walk(c.predicate))]
    return tuple(chosen) + tuple(compile_criterion(text, kind) for text, kind in EXAMPLES)


def outcomes(record: dict[str, Any]) -> list[tuple[Met, str]]:
    """(met, outcome) of every criterion for the patient record."""
    facts = build_facts(read_patient(record))
    out = []
    for compiled in criteria():
        result, outcome = judge(compiled, facts)
        out.append((result.met, outcome))
    return out


def label(compiled: CompiledCriterion) -> str:
    return f"{compiled.kind}: {compiled.text[:70]!r}"


def test_the_criteria_include_seed_labs_and_concepts() -> None:
    kinds = {n.kind for c in criteria()[: -len(EXAMPLES)] for n in walk(c.predicate)}
    assert {"lab_compare", "has_concept", "conditional"} <= kinds


def _removals(record: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each record with one observation or one condition removed, and what was removed."""
    out = []
    for field in ("observations", "conditions"):
        for i, entry in enumerate(record[field]):
            smaller = copy.deepcopy(record)
            del smaller[field][i]
            out.append((f"{field}[{i}] {entry}", smaller))
    return out


@given(patients())
def test_removing_an_entry_never_turns_pass_into_fail_or_fail_into_pass(
    record: dict[str, Any],
) -> None:
    before = outcomes(record)
    problems = []
    for removed, smaller in _removals(record):
        after = outcomes(smaller)
        for compiled, (_, was), (_, now) in zip(criteria(), before, after, strict=True):
            if was != "unknown" and now not in (was, "unknown"):
                problems.append(f"{label(compiled)}: {was} -> {now} without {removed}")
    assert not problems, "\n".join(problems)


def _reexpressed(record: dict[str, Any], i: int, unit: str) -> dict[str, Any]:
    """The record with observation i given in `unit` (its reference range converted too)."""
    changed = copy.deepcopy(record)
    obs = changed["observations"][i]
    analyte = analytes.lookup(obs["name"])
    assert analyte is not None
    factor = conversion_factor(obs["unit"], unit, analyte.id)
    obs["value"] *= factor
    obs["unit"] = unit
    for bound in ("low", "high"):
        if obs.get("reference_range", {}).get(bound) is not None:
            obs["reference_range"][bound] *= factor
    return changed


@given(patients(), st.data())
def test_re_expressing_a_value_in_another_unit_never_changes_an_outcome(
    record: dict[str, Any], data: st.DataObject
) -> None:
    before = outcomes(record)
    problems = []
    for i, obs in enumerate(record["observations"]):
        if obs.get("unit") is None:
            continue
        analyte = analytes.lookup(obs["name"])
        assert analyte is not None
        unit = data.draw(st.sampled_from(PATIENT_UNITS[analyte.id]), label=f"unit of {i}")
        after = outcomes(_reexpressed(record, i, unit))
        for compiled, was, now in zip(criteria(), before, after, strict=True):
            if was != now:
                problems.append(f"{label(compiled)}: {was} -> {now} with {obs} in {unit}")
    assert not problems, "\n".join(problems)


def test_compilation_is_deterministic() -> None:
    for compiled in criteria():
        assert compile_criterion.__wrapped__(compiled.text, compiled.kind) == compiled


@given(patients())
@example({"id": "empty", "as_of": "2026-11-01", "observations": [], "conditions": []})
def test_evaluation_is_deterministic(record: dict[str, Any]) -> None:
    first, second = build_facts(read_patient(record)), build_facts(read_patient(record))
    for compiled in criteria():
        assert judge(compiled, first) == judge(compiled, first) == judge(compiled, second)
