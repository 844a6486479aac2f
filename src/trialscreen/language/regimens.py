"""Counts of prior regimens in their bullet: the kind a count of lines of any kind counts
under a treatment label ("Chemotherapy: No more than 2 prior regimens"), after a heading or a
treatment named before it, and a limit written in an exclusion list."""

from __future__ import annotations

import re

from lark import Token

from trialscreen.language.render import render
from trialscreen.lexicon import concepts
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.predicate import (
    LINES_OF_THERAPY,
    AllOf,
    AnyOf,
    HasConcept,
    Not,
    Predicate,
    RegimenCount,
    TimeSince,
    leaves,
)


def lines_after_a_kind(kept: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "Prior chemotherapy: no more than 2 regimens", "Chemotherapy allowed; no more than 2
    prior regimens": a count of lines of any kind after a heading or a treatment named before
    it may count that kind only."""
    for i, (start, _, node) in enumerate(kept):
        if not any(
            isinstance(leaf, RegimenCount) and leaf.concept == LINES_OF_THERAPY
            for leaf in leaves(node)
        ):
            continue
        if any(t.type == "COLON" for t in tokens[:start]):
            return True
        before = [leaf for _, _, n in kept[:i] for leaf in leaves(n)]
        if any(
            isinstance(leaf, (HasConcept, TimeSince, RegimenCount))
            and concepts.category(leaf.concept) in concepts.TREATMENT_CATEGORIES
            for leaf in before
        ):
            return True
    return False


def limit_as_exclusion(kept: list[tuple[int, int, Predicate]], text: str) -> bool:
    """ "No more than 2 prior regimens" in an exclusion list: excluded with 0-2, or a limit
    written in the wrong list? Not read (as "No prior X" there)."""
    return any(
        isinstance(leaf, RegimenCount)
        and re.match(r"(?i)\s*(?:no|not)\b", text[leaf.span[0] :]) is not None
        for _, _, node in kept
        for leaf in leaves(node)
    )


def counted_under(label: str, part: CompiledCriterion) -> CompiledCriterion:
    """ "Chemotherapy: No more than 2 prior regimens": a count of lines of any kind under a
    treatment label counts that treatment; under any other label ("Other:") it is not read."""
    if not any(
        isinstance(leaf, RegimenCount) and leaf.concept == LINES_OF_THERAPY
        for leaf in leaves(part.predicate)
    ):
        return part
    found = concepts.lookup(label)
    if found is None or found.category not in concepts.TREATMENT_CATEGORIES:
        return part.model_copy(update={"status": "partial", "flags": (*part.flags, "count_unread")})
    node = _count_of(part.predicate, found.id)
    return part.model_copy(update={"predicate": node, "canonical": render(node)})


def _count_of(node: Predicate, concept: str) -> Predicate:
    """The tree with its counts of lines of any kind made counts of `concept`."""
    if isinstance(node, RegimenCount) and node.concept == LINES_OF_THERAPY:
        return node.model_copy(update={"concept": concept})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_count_of(i, concept) for i in node.items)})
    if isinstance(node, Not):
        return node.model_copy(update={"item": _count_of(node.item, concept)})
    return node
