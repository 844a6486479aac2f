"""Round trips: canonical text compiles back to the same tree; thresholds survive unit changes.

A tree is compared with spans and flags removed (`strategies.shape`): the canonical text is a
different string from the bullet, so positions differ, and flags record how the bullet was
written ("unit_inferred", "missing_comparator"), which canonical text need not repeat.

Seed bullets whose canonical text does not compile back are listed in KNOWN_FAILURES with the
reason, and marked xfail(strict=True): fixing one makes its test fail until it leaves the list.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from trialscreen.language.compiler import compile_criterion
from trialscreen.language.render import analyte_label
from trialscreen.language.thresholds import _criterion_band
from trialscreen.model.predicate import AllOf, AnyOf, LabCompare, Predicate, Quantity
from trialscreen.model.trial import CriterionKind
from trialscreen.units import analytes
from trialscreen.units.registry import conversion_factor

from .strategies import generated_criteria, kinds, seed_bullets, shape, single_criteria

# Why canonical text may not compile back to the same tree (the engine defects found so far).
AND_LIST = "an AllOf of concepts renders as 'A and B', which reads back as one concept list: AnyOf"
SPREAD = "a word on the first item of a list ('history of A or B') reads back on every item"
LOST = "a word on a later item of a list ('A or current B') is dropped when read back"
REPEAT = "repeats kept by compiler._combine are dropped when read back (transformer._flat)"
NESTED = "compiler._combine does not flatten the clauses it joins; all_of/any_of do"
NOT_SCOPE = "Not over AnyOf renders as 'no A or B', which reads back as AnyOf(Not(A), B)"
PARENS = "an AnyOf inside an AllOf renders without parentheses ('A or B and C')"

# (trial id, first PREFIX characters of the bullet) -> why its canonical text does not compile
# back to the same tree.
PREFIX = 50
KNOWN_FAILURES: dict[tuple[str, str], str] = {}  # every seed bullet round-trips now


def _round_trip_failure(kind: CriterionKind, text: str) -> str:
    compiled = compile_criterion(text, kind)
    again = compile_criterion(compiled.canonical, kind)
    if shape(again.predicate) == shape(compiled.predicate):
        return ""
    return f"{compiled.canonical!r} compiles to {again.canonical!r}"


def _seed_cases() -> list[object]:
    cases: list[object] = []
    for trial_id, index, kind, text in seed_bullets():
        if compile_criterion(text, kind).status in ("unparsed", "no_constraint"):
            continue  # nothing to compile back: its canonical text describes, it is no criterion
        reason = KNOWN_FAILURES.get((trial_id, text[:PREFIX]))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(kind, text, id=f"{trial_id}-{index}", marks=marks))
    return cases


@pytest.mark.parametrize(("kind", "text"), _seed_cases())
def test_seed_canonical_text_compiles_back_to_the_same_tree(kind: CriterionKind, text: str) -> None:
    assert _round_trip_failure(kind, text) == ""


def test_known_failures_name_seed_bullets_that_compile() -> None:
    compiled = {
        (trial_id, text[:PREFIX])
        for trial_id, _, kind, text in seed_bullets()
        if compile_criterion(text, kind).status != "unparsed"
    }
    assert set(KNOWN_FAILURES) <= compiled, set(KNOWN_FAILURES) - compiled


@given(single_criteria)
@example("ALT <= 2.5 x ULN")
@example("ECOG <= 1")
@example("age >= 18 years")
@example("18 years of age or older")
def test_generated_criteria_compile_fully(text: str) -> None:
    compiled = compile_criterion(text)
    assert compiled.status == "compiled", (compiled.status, compiled.uncovered_text())


@given(generated_criteria, kinds)
@example("ALT <= 2.5 x ULN", "inclusion")
@example("ANC ≥ 1,500/mm³", "inclusion")
@example("hemoglobin < 9.0 g/dL or platelets < 100 x 10^9/L", "exclusion")
@example("ALT >= 0 U/L and ALT >= 0 U/L", "inclusion")
def test_generated_canonical_text_compiles_back_to_the_same_tree(
    text: str, kind: CriterionKind
) -> None:
    assume(compile_criterion(text, kind).status != "unparsed")  # see the test above
    assert _round_trip_failure(kind, text) == ""


# ---- joining: "A or B" means AnyOf(A, B), "A and B" AllOf(A, B) ------------------------------


def _joined(cls: type[AllOf] | type[AnyOf], nodes: list[Predicate]) -> Predicate:
    """The tree "A or B" (AnyOf) or "A and B" (AllOf) should compile to: same-kind children
    flattened, repeats dropped, a single item standing alone."""
    items: list[Predicate] = []
    for node in nodes:
        for item in node.items if isinstance(node, cls) else (node,):
            if all(shape(item) != shape(kept) for kept in items):
                items.append(item)
    return items[0] if len(items) == 1 else cls(items=tuple(items))


@given(single_criteria, single_criteria, st.sampled_from(("or", "and")), kinds)
@example("ECOG performance status 0", "Karnofsky >= 70", "or", "inclusion")
@example("ECOG performance status 0", "18 years of age or older", "or", "inclusion")
@example("ALT <= 2.5 x ULN", "AST <= 3 x ULN", "and", "exclusion")
def test_criteria_joined_by_or_and_and_compile_to_any_of_and_all_of(
    first: str, second: str, word: str, kind: CriterionKind
) -> None:
    a, b = compile_criterion(first, kind), compile_criterion(second, kind)
    assume(a.status == b.status == "compiled" and shape(a.predicate) != shape(b.predicate))
    joined = compile_criterion(f"{first} {word} {second}", kind)
    expected = _joined(AnyOf if word == "or" else AllOf, [a.predicate, b.predicate])
    assert shape(joined.predicate) == shape(expected), joined.canonical


# ---- units ---------------------------------------------------------------------------------

COUNT_UNITS = ("/uL", "/mm3", "10^9/L", "10^3/uL", "cells/uL")
UNITS: dict[str, tuple[str, ...]] = {
    "anc": COUNT_UNITS,
    "platelets": COUNT_UNITS,
    "creatinine": ("mg/dL", "umol/L", "µmol/L", "mg/L"),
    "hemoglobin": ("g/dL", "g/L", "mmol/L"),
    "total_bilirubin": ("mg/dL", "umol/L", "mg/L"),
    "alt": ("U/L", "IU/L"),
    "ast": ("U/L", "IU/L"),
}
unit_pairs = st.sampled_from(sorted(UNITS)).flatmap(
    lambda a: st.tuples(st.just(a), st.sampled_from(UNITS[a]), st.sampled_from(UNITS[a]))
)
magnitudes = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("analyte", "unit"), [(a, u) for a, units in sorted(UNITS.items()) for u in units]
)
def test_listed_units_are_compatible_with_the_canonical_unit(analyte: str, unit: str) -> None:
    assert analytes.unit_allowed(analytes.get(analyte), unit)


@given(unit_pairs, magnitudes)
def test_a_value_converted_to_another_unit_and_back_is_exact(
    pair: tuple[str, str, str], value: float
) -> None:
    analyte, unit, other = pair
    there = value * conversion_factor(unit, other, analyte)
    back = there * conversion_factor(other, unit, analyte)
    assert abs(back - value) <= 1e-9 * abs(value), (value, there, back)


def _plain(value: float) -> str:
    """A float as positional decimal text ("0.000125", never "1.25e-04")."""
    return format(Decimal(repr(value)), "f")


@st.composite
def thresholds_in_units(draw: st.DrawFn) -> tuple[str, str, float]:
    """(analyte, unit, canonical value) with the value well inside the range where criteria put
    thresholds (a written "creatinine >= 0.25 mg/dL" is flagged implausible, by design)."""
    analyte = draw(st.sampled_from(sorted(UNITS)))
    info = analytes.get(analyte)
    low, high = _criterion_band(info)
    value = draw(st.floats(low + (high - low) * 1e-6, high - (high - low) * 1e-6))
    return analyte, draw(st.sampled_from(UNITS[analyte])), value


@given(thresholds_in_units())
def test_a_threshold_written_in_any_compatible_unit_compiles_to_the_same_canonical_value(
    case: tuple[str, str, float],
) -> None:
    analyte, unit, value = case
    written = value * conversion_factor(analytes.get(analyte).canonical_unit, unit, analyte)
    text = f"{analyte_label(analyte)} >= {_plain(written)} {unit}"
    node = compile_criterion(text).predicate
    assert isinstance(node, LabCompare), (text, node)
    assert isinstance(node.threshold, Quantity)
    canonical = node.threshold.canonical
    assert canonical is not None, (text, node.flags)
    assert abs(canonical - value) <= 1e-9 * abs(value), (text, canonical, value)
