"""How the clauses of one bullet join, where the grammar alone cannot say: "or" between two
measurements with an article before the second, a list of measurements ending in "or", "and"
and "or" together without brackets, and an exception after a bound ("unless Gilbert's")."""

from __future__ import annotations

from lark import Token

from trialscreen.model.predicate import AllOf, AnyOf, HasConcept, Predicate, leaves, walk

MEASUREMENTS = frozenset({"lab_compare", "score_compare"})

_ARTICLES = frozenset({"a", "an", "the"})


MARKER_TOKENS = frozenset({"MARKER_RESULT", "MARKER_PHRASE", "MARKER_DASH", "VARIANT"})


def marker_of_disease(
    kept: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """ "HER2-positive breast cancer", "EGFR-mutant NSCLC": a marker status right before a
    disease is the status of that disease, one thing (both, in an exclusion too: "HER2-positive
    breast cancer" excludes neither every HER2-positive patient nor every breast cancer)."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in kept:
        if out:
            p_start, p_end, p_node = out[-1]
            if (
                p_end == start
                and tokens[p_end - 1].type in MARKER_TOKENS
                and isinstance(node, HasConcept)
            ):
                both = AllOf(items=(p_node, node), span=(p_node.span[0], node.span[1]))
                out[-1] = (p_start, end, both)
                continue
        out.append((start, end, node))
    return out


def or_between_measures(
    kept: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """ "Serum creatinine of =< 1.5 mg/dL or a calculated creatinine clearance >= 60 mL/min",
    "ECOG 0, 1, or 2; or Karnofsky >= 60%": two measurements joined by "or" with only an
    article or a word such as "calculated" before the second (which the grammar's "or" does
    not take) are one alternative, as written."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in kept:
        if out:
            p_start, p_end, p_node = out[-1]
            gap = tokens[p_end:start]
            at = next((i for i, t in enumerate(gap) if t.type not in ("COMMA", "COLON")), None)
            fillers = gap[at + 1 :] if at is not None else []
            if (
                at is not None
                and gap[at].type == "_OR"
                and str(gap[at]).lower() == "or"
                and all(t.type == "WORD_LEVEL" or str(t).lower() in _ARTICLES for t in fillers)
                and measures_only(p_node)
                and measures_only(node)
                # "ANC >= 1500 and creatinine <= 1.5 or a creatinine clearance >= 60": which
                # does the "or" join? one test each side only (a range is one test)
                and len({_tested(leaf) for leaf in leaves(p_node)}) == 1
                and len({_tested(leaf) for leaf in leaves(node)}) == 1
            ):
                either = AnyOf(items=(p_node, node), span=(p_node.span[0], node.span[1]))
                out[-1] = (p_start, end, either)
                continue
        out.append((start, end, node))
    return out


def or_ends_a_list(kept: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "Serum creatinine <= 1.5 x ULN, creatinine clearance >= 50 mL/min, or a measured GFR >=
    50 mL/min": any one of the three, or the first and either of the others ("ANC >= 1500,
    hemoglobin >= 9 or hematocrit >= 27%")? A measurement listed with a comma before an "or"
    of measurements is not read (in an exclusion all of them exclude either way)."""
    for (_, p_end, p_node), (start, _, node) in zip(kept, kept[1:], strict=False):
        if (
            isinstance(node, AnyOf)
            and measures_only(node)
            and measures_only(p_node)
            and tokens[p_end:start]
            and all(t.type == "COMMA" for t in tokens[p_end:start])
        ):
            return True
    return False


def and_or_mixed(kept: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "ANC >= 1500 and creatinine <= 1.5 mg/dL or creatinine clearance >= 60 mL/min": the
    grammar binds "and" first ("(ANC and creatinine) or clearance"); the writer most likely
    meant "ANC, and creatinine or clearance". Measurements joined by both, with no bracket
    saying how: not read. ("AST and ALT <= 2.5 x ULN": one bound for two tests, not this.)
    Any clauses, not only measurements: "X and Y or Z" is as open."""
    for start, end, node in kept:
        if any(t.type == "LPAR" for t in tokens[start:end]):
            continue
        for part in walk(node):
            if not isinstance(part, AnyOf):
                continue
            for item in part.items:
                # two clauses (their own spans), not one bound for several tests (one span)
                if isinstance(item, AllOf) and len({leaf.span for leaf in leaves(item)}) > 1:
                    return True
    return False


def _tested(leaf: Predicate) -> str:
    """What a measurement measures (analyte or scale)."""
    return str(getattr(leaf, "analyte", None) or getattr(leaf, "scale", ""))


def _bounds(node: Predicate) -> set[str]:
    """The distinct bounds of a node's measurements (one per "AST and ALT <= 2.5 x ULN")."""
    return {
        str(leaf.model_dump(exclude={"analyte", "scale", "span", "flags"})) for leaf in leaves(node)
    }


def measures_only(node: Predicate) -> bool:
    found = leaves(node)
    return bool(found) and all(leaf.kind in MEASUREMENTS for leaf in found) and not node.flags


# words between "unless" and the condition it names ("unless due to", "unless history of")
_UNLESS_WORDS = frozenset(
    """due to secondary attributable related caused by considered thought felt deemed judged
    documented known the a presence of patient has have history""".split()
)


def unless_tail(
    kept: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> tuple[tuple[int, int], Predicate] | None:
    """ "Bilirubin <= 1.5 x ULN (unless Gilbert's syndrome)", "AST and ALT <= 2.5 x ULN unless
    due to liver metastases": a measurement that applies to patients without the condition
    named after "unless" (the bullet's `applies_if`: not that condition, as the cause of the
    value, which the record does not say: with the condition, unknown unless the value meets
    the bound anyway). Only one measurement clause, then "unless", then one condition that
    ends the bullet. Returns the tokens read ("unless" … end) and the condition."""
    at = [i for i, t in enumerate(tokens) if t.type == "WORD" and str(t).lower() == "unless"]
    if len(at) != 1 or len(kept) != 2:
        return None
    (m_start, m_end, measure), (c_start, c_end, cond) = kept
    u = at[0]
    if not (m_end <= u < c_start) or any(t.type not in ("LPAR", "COMMA") for t in tokens[m_end:u]):
        return None
    measured = leaves(measure)
    if {leaf.kind for leaf in measured} - MEASUREMENTS:
        return None
    # one bound for one or more tests ("AST and ALT <= 2.5 x ULN"), not several bounds: which
    # of them would the exception be about?
    if len(_bounds(measure)) != 1:
        return None
    words = [str(t).lower() for t in tokens[u + 1 : c_start]]
    if any(w not in _UNLESS_WORDS for w in words):
        return None
    rest = tokens[c_end:]
    if any(t.type != "RPAR" and str(t) not in ".;" for t in rest):
        return None
    conds = cond.items if isinstance(cond, AnyOf) and not cond.flags else (cond,)
    if not all(
        isinstance(c, HasConcept)
        and not c.flags
        and c.within_days is None
        and c.grade is None
        and not c.except_concepts
        for c in conds
    ):
        return None
    # "unless due to liver metastases", and also a plain "unless Gilbert's syndrome": the
    # exception is meant for a value the condition explains ("AST and ALT <= 1.5 x ULN (unless
    # Gilbert's)": Gilbert's raises bilirubin only), which the record does not say; so a patient
    # with the condition is unknown, one without it meets the bound
    conds = tuple(
        c.model_copy(update={"qualifiers": (*c.qualifiers, "causing it")})  # type: ignore[union-attr]
        for c in conds
    )
    cond = conds[0] if len(conds) == 1 else AnyOf(items=conds, span=cond.span)
    return (u, len(tokens)), cond
