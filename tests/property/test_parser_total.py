"""The compiler is total: any text gives a CompiledCriterion whose positions are sound.

Text comes from three sources: arbitrary unicode, seed bullets mutated with the tokens criteria
are made of ("≥", "x ULN", "10^9/L", "(", "or", ...), and soup of those tokens.
"""

from __future__ import annotations

import re

from hypothesis import example, given

from trialscreen.language.compiler import UNREAD_FLAGS, compile_criterion
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.trial import CriterionKind

from .strategies import bullet_texts, children, kinds, leaves, walk

STATUSES = ("compiled", "partial", "unparsed", "no_constraint")


def _compile(text: str, kind: CriterionKind) -> CompiledCriterion:
    compiled = compile_criterion(text, kind)
    assert isinstance(compiled, CompiledCriterion)
    return compiled


@given(bullet_texts, kinds)
@example("", "inclusion")
@example("ALT and AST ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver metastases)", "inclusion")
@example("ANC ≥ 1.5 × 10⁹/L", "exclusion")
def test_compile_never_raises_and_status_is_one_of_three(text: str, kind: CriterionKind) -> None:
    compiled = _compile(text, kind)
    assert compiled.status in STATUSES
    assert compiled.text == text
    assert compiled.kind == kind
    assert (compiled.status == "unparsed") == (compiled.predicate.kind == "unparsed")
    if compiled.status == "compiled":
        assert compiled.uncovered == ()
    if compiled.status == "partial":  # unread text, or a flag saying what was not understood
        unread = UNREAD_FLAGS | {"sound_partial", "negated_exclusion"}
        assert compiled.uncovered != () or unread & set(compiled.flags), compiled.flags


@given(bullet_texts, kinds)
@example("ANC ≥ 1,500/mm³ and " * 300, "inclusion")  # longer than the compiler reads
def test_every_node_span_lies_inside_the_text(text: str, kind: CriterionKind) -> None:
    compiled = _compile(text, kind)
    for node in walk(compiled.predicate):
        start, end = node.span
        assert 0 <= start <= end <= len(text), (node.kind, node.span, len(text))


@given(bullet_texts, kinds)
@example("ALT and AST ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver metastases)", "inclusion")
def test_children_lie_inside_their_parent(text: str, kind: CriterionKind) -> None:
    compiled = _compile(text, kind)
    for parent in walk(compiled.predicate):
        for child in children(parent):
            assert parent.span[0] <= child.span[0] <= child.span[1] <= parent.span[1], (
                parent.kind,
                parent.span,
                child.kind,
                child.span,
                text,
            )


@given(bullet_texts, kinds)
def test_uncovered_spans_are_in_the_text_in_order_and_disjoint(
    text: str, kind: CriterionKind
) -> None:
    compiled = _compile(text, kind)
    previous_end = 0
    for start, end in compiled.uncovered:
        assert 0 <= start < end <= len(text), ((start, end), len(text))
        assert start >= previous_end, compiled.uncovered
        previous_end = end


@given(bullet_texts, kinds)
@example("≥ hemoglobin x ULN", "inclusion")
@example("NO A0 METASTASES", "inclusion")
@example("NO A00 ANTIEPILEPTIC", "inclusion")
def test_uncovered_spans_do_not_overlap_leaf_spans(text: str, kind: CriterionKind) -> None:
    compiled = _compile(text, kind)
    for leaf in leaves(compiled.predicate):
        if leaf.kind == "unparsed":
            continue  # an Unparsed node stands for the whole bullet, uncovered text included
        for start, end in compiled.uncovered:
            overlap = min(end, leaf.span[1]) - max(start, leaf.span[0])
            # inside a leaf, only words the clause read past may be uncovered ("No [familial]
            # amyloidosis"): never a number, a comparator or a unit the leaf used
            inner = text[max(start, leaf.span[0]) : min(end, leaf.span[1])]
            unread_number = re.search(r"[<>=]|(?<![A-Za-z\d])\d", inner)  # "A0", "A00": words
            assert overlap <= 0 or not unread_number, (leaf.kind, leaf.span, text)
