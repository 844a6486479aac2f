"""Compile one bullet into a predicate tree: lex, find clauses, combine, map spans back.

From every token that can start a clause the LALR parser is fed tokens one by one; the longest
prefix after which the parse table accepts end-of-input is the clause. Clauses of an inclusion
bullet combine with AND, of an exclusion bullet with OR (either way the safe reading when a
bullet lists several things). Text outside clauses that carries meaning makes the bullet
`partial`; a bullet with no clause is `unparsed`. Nothing here raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from lark import Token
from lark.exceptions import LarkError
from lark.lexer import LexerThread

from trialscreen.language.cues import (
    Cue,
    disqualifying_frame,
    no_constraint,
    other_treatment,
    unaccounted,
)
from trialscreen.language.joins import (
    MEASUREMENTS,
    and_or_mixed,
    marker_of_disease,
    or_between_measures,
    or_ends_a_list,
    unless_tail,
)
from trialscreen.language.measures import merge_measures
from trialscreen.language.normalize import Normalized, normalize
from trialscreen.language.parser import get_parser
from trialscreen.language.regimens import counted_under, limit_as_exclusion, lines_after_a_kind
from trialscreen.language.render import render
from trialscreen.language.runon import Piece, split_run_on
from trialscreen.language.transformer import _all, _any
from trialscreen.language.unnamed import UNNAMED_REASON, example_intro, member_of, merge_unnamed
from trialscreen.language.values import AFTER_CONCEPT
from trialscreen.lexicon import concepts
from trialscreen.model.compiled import CompiledCriterion, Status
from trialscreen.model.predicate import (
    EITHER_OR_BOTH,
    SCALES_PAIRED,
    AgeCompare,
    AllOf,
    AnyOf,
    Conditional,
    HasConcept,
    LabCompare,
    LifeExpectancy,
    NoConstraint,
    NormalMultiple,
    Not,
    Predicate,
    ScoreCompare,
    SexIs,
    Span,
    TimeSince,
    Unparsed,
    leaves,
    map_leaves,
    walk,
)
from trialscreen.model.trial import CriterionKind
from trialscreen.units import analytes

# node flags that say some written text was read past without meaning: never `compiled`
UNREAD_FLAGS = frozenset(
    {
        "method_unread",
        "bounds_contradict",
        "unread_definition",
        "recovery_unread",
        "wait_unread",
        "count_unread",
        "qualifier_list",
        "or_list",
        "and_or_mix",
        "combination_unread",
        "scales_side_by_side",
        "unknown_concept",
        "condition_tail",
        "noncontiguous_set",
        "subject_or",
        "alias_mismatch",
        "tests_counted",
        "value_of_something_else",
        "requirement_in_exclusion",
        "result_of_untested",
        "result_list",
        "hypersensitivity_target",
        "unit_pair",
        "bp_side",
        "lookback_window",
        "window_after",
        "duration_unread",
        "sex_branch_alone",
        "partial_window",
        "bracket_unread",
        "exception_unrelated",
        "other_unread",
        "indication_unread",
        "therapy_of_condition",
        "needing_list",
        "transaminases_either",
        "result_in_context",
        "marker_list",
        "exposure_unread",
        "stage_unread",
        "window_reach",
        "label_unread",
        "budget",  # the compile budget was spent: the rest of the bullet is not read
        "target_unread",
        "test_window_unread",
    }
)
MAX_BULLET_CHARS = 5000  # longer text is compiled only up to here and flagged
_NOISE_TYPES = frozenset(
    {
        "COMMA",
        "OR_NUM",
        "OR_CMP",
        "AND_CMP",
        "COLON",
        "LPAR",
        "RPAR",
        "DASH",
        "SLASH",
        "OTHER",
        "_AND",
        "_OR",
        "CLASS",
        "WORD_LEVEL",
        "WITHIN",
        "FEMALE",
        "MALE",
        "HISTORY",
        "CURRENT",
        "COND_INTRO",
        "TO",
    }
)
_STOPWORDS = frozenset(
    """a an the of to be is are was were been must should will may can have has had having
    with who whom which that this these those in on at by as any all each
    patient patients subject subjects participant participants person persons individual
    individuals people adult adults child children eligibility criteria criterion
    following etc required study inclusive incl
    also than their there they them its it do does e g specified""".split()
)  # never a word that can change meaning: those are cues (language/cues.py)


@cache
def _machinery() -> tuple[Any, Any, frozenset[str]]:
    """The lexer (built once), a fresh interactive parser to copy, and the clause starters."""
    parser = get_parser()
    base = parser.parse_interactive(None, start="clause")
    table = base.parser_state.parse_conf.parse_table
    starters = frozenset(table.states[table.start_states["clause"]].keys())
    return parser._build_lexer(), base, starters


def _lex(text: str) -> list[Token]:
    lexer, _, _ = _machinery()
    return list(LexerThread.from_text(lexer, text).lex(None))  # type: ignore[no-untyped-call]


# The compile budget. The scan tries, at each token, the longest clause that starts there, so
# its work is the bullet's length times how far a clause may reach. Over the corpus a clause is
# at most ~45 tokens and completes within 13 tries; these caps are about three times that, so
# only adversarial text ("ANC/ANC/ANC/...", "X or X or X ...") meets them: the scan then keeps
# what it read, and the bullet is flagged `budget` (partial: it cannot pass alone).
CLAUSE_REACH = 120  # tokens a clause may span
CLAUSE_TRIES = 32  # end points tried, longest first, before giving up at a start
SCAN_BUDGET = 30_000  # tokens fed to the parser for one bullet


@dataclass
class _Budget:
    """Parser work left for one bullet; `spent` once a cap cut a search short."""

    left: int = SCAN_BUDGET
    spent: bool = False


def _longest_clause(
    base: Any, tokens: list[Token], start: int, budget: _Budget | None = None
) -> tuple[int, Any] | None:
    """The longest clause starting at `start`, as (end token index, value), or None.

    The parse table says where end-of-input may follow; LALR lookahead merging can say so
    wrongly, so candidates are tried longest first until one really completes (within the
    compile budget, which marks itself spent when it cuts the search short).
    """
    budget = budget if budget is not None else _Budget()
    state = base.copy(deepcopy_values=False)
    accept_states = state.parser_state.parse_conf.parse_table.states
    candidates: list[tuple[int, Any]] = []
    for j in range(start, len(tokens)):
        if j - start >= CLAUSE_REACH or budget.left <= 0:
            budget.spent = True
            break
        budget.left -= 1
        try:
            state.feed_token(tokens[j])
        except LarkError:
            break
        if "$END" in accept_states[state.parser_state.position]:
            candidates.append((j + 1, state.copy(deepcopy_values=False)))
    for tried, (end, snapshot) in enumerate(reversed(candidates)):
        if tried >= CLAUSE_TRIES:
            budget.spent = True
            break
        try:
            return end, snapshot.feed_eof()
        except LarkError:
            continue
    return None


def _map_spans(node: Any, move: Callable[[Span], Span]) -> Any:
    """A node (and its children) with every span moved by `move`."""
    update: dict[str, Any] = {"span": move(node.span)}
    if isinstance(node, (AllOf, AnyOf)):
        update["items"] = tuple(_map_spans(item, move) for item in node.items)
    elif isinstance(node, Not):
        update["item"] = _map_spans(node.item, move)
    elif isinstance(node, Conditional):
        update["then"] = _map_spans(node.then, move)
        update["otherwise"] = _map_spans(node.otherwise, move)
    return node.model_copy(update=update)


def _remap(node: Any, norm: Normalized) -> Any:
    """Map a node's spans (and its children's) from normalised text to the bullet text."""
    return node if norm.identity else _map_spans(node, lambda span: norm.span(*span))


_FILLER_OK = frozenset({"systolic", "diastolic", "sbp", "dbp"})


def _read_past(token: Token) -> bool:
    """A word a clause swallowed as filler ("No [familial] amyloidosis", "for patients with
    [hepatic] ..."): a modifier the lexicon does not know, so the clause must not decide."""
    return (
        token.type == "WORD"
        and _is_content(token)
        and str(token).lower().strip("'") not in _FILLER_OK
    )


_PAST_WORDS = re.compile(r"(?i)\b(?:past|last|previous|preceding|prior)\b")


def _is_content(token: Token) -> bool:
    if token.type == "WITHIN" and _PAST_WORDS.search(str(token)):
        return True  # "Creatinine > 2 mg/dL within the past": when, which no clause read
    if token.type in _NOISE_TYPES:
        return False
    if token.type in ("WORD", "NEG"):
        return str(token).lower().strip("'") not in _STOPWORDS and token.type == "WORD"
    return True


def _scan(
    tokens: list[Token], budget: _Budget | None = None
) -> tuple[list[tuple[int, int, Predicate]], list[int]]:
    """Clauses as (first token, end token, node), and indexes of tokens outside them. Once
    the budget is used up, the rest of the tokens are outside (unread)."""
    _, base, starters = _machinery()
    budget = budget if budget is not None else _Budget()
    clauses: list[tuple[int, int, Predicate]] = []
    outside: list[int] = []
    i = 0
    while i < len(tokens):
        if budget.left <= 0:
            budget.spent = True
            outside.extend(range(i, len(tokens)))
            break
        found = _longest_clause(base, tokens, i, budget) if tokens[i].type in starters else None
        if found is not None and hasattr(found[1], "kind"):
            clauses.append((i, found[0], found[1]))
            i = found[0]
            continue
        outside.append(i)
        i += 1
    return clauses, outside


def _keep_sex(
    clauses: list[tuple[int, int, Predicate]], kind: CriterionKind
) -> list[tuple[int, int, Predicate]]:
    """SexIs stands only in a bullet about sex ("Female", "postmenopausal women"); elsewhere the
    sex word is left out of the tree, and the cue guard decides whether that loses meaning."""
    nodes = [node for _, _, node in clauses]
    others = [c for c in clauses if not isinstance(c[2], SexIs)]
    if len(others) == len(clauses) or not others:
        return clauses
    states_only = all(
        isinstance(n, HasConcept) and n.concept in concepts.MENOPAUSAL_STATES for _, _, n in others
    )
    if (
        isinstance(nodes[0], SexIs)
        and len(others) == len(clauses) - 1
        and all(_ages_only(n) for _, _, n in others)
    ):  # "Women aged 40 to 70", "Males 18-65 years": who the trial takes, sex and age (a
        # sibling bullet of the other sex makes them alternatives: structure's
        # _sexes_side_by_side); both at once in either list: "Women aged over 75" excludes
        # old women, not every woman and everyone over 75
        items = tuple(
            n for node in nodes for n in (node.items if isinstance(node, AllOf) else (node,))
        )
        span = (nodes[0].span[0], nodes[-1].span[1])
        both = AllOf(items=items, span=span, flags=("sex_and_age",))
        return [(clauses[0][0], clauses[-1][1], both)]
    if (
        kind == "exclusion"
        and isinstance(nodes[0], SexIs)
        and len(clauses) == 2
        and not all(  # "Women who are pregnant": the women are the pregnant ones (cues)
            isinstance(n, HasConcept) and n.concept in concepts.WOMEN_ONLY for n in leaves(nodes[1])
        )
    ):
        # "Women with hemoglobin less than 11 g/dL": excluded are the women who have it (a
        # scope or a requirement, the exclusion is the same); an inclusion's "Women with X"
        # may be one sex's rule beside the other's, not read
        span = (nodes[0].span[0], nodes[1].span[1])
        both = AllOf(items=(nodes[0], nodes[1]), span=span, flags=("sex_and_other",))
        return [(clauses[0][0], clauses[1][1], both)]
    return clauses if (kind == "inclusion" and states_only and nodes) else others


def _ages_only(node: Predicate) -> bool:
    """An age bound, or bounds all of age ("aged 18 to 65")."""
    if isinstance(node, AllOf):
        return all(_ages_only(item) for item in node.items)
    return isinstance(node, AgeCompare)


_LIST_GAP = frozenset({"COMMA", "_OR", "_AND", "SLASH"})


def _frame(
    text: str,
    tokens: list[Token],
    clauses: list[tuple[int, int, Predicate]],
    cues: list[Cue],
) -> tuple[int, int] | None:
    """A disqualifying frame ("Patients with X or Y are not eligible", "Must not have X")
    that holds every cue of the bullet, around clauses joined by "or" or commas only."""
    span = disqualifying_frame(text)
    if span is None or not clauses:
        return None
    if any(not (span[0] <= c.span[0] < span[1]) for c in cues):
        return None
    starts = [tokens[s].start_pos or 0 for s, _, _ in clauses]
    ends = [tokens[e - 1].end_pos or 0 for _, e, _ in clauses]
    if any(s < span[1] and e > span[0] for s, e in zip(starts, ends, strict=True)):
        return None
    between = [
        t for (_, e, _), (s, _, _) in zip(clauses, clauses[1:], strict=False) for t in tokens[e:s]
    ]
    # only a list ("X, Y or Z are not eligible"): "HIV-positive patients on ART" is one thing
    if any(t.type not in ("COMMA", "_OR", "SLASH") for t in between) or any(
        isinstance(c[2], Not) for c in clauses
    ):
        return None
    return span


def _negates(node: Predicate) -> bool:
    """Is the node, or one of the items it joins, a negation?"""
    items = getattr(node, "items", ())
    return isinstance(node, Not) or any(isinstance(item, Not) for item in items)


_NO_X_ALLOWED = re.compile(r"(?i)^\s*no\b.*\b(?:is\s+|are\s+)?(?:allowed|permitted)\s*[.;]?\s*$")


def _no_x_allowed(text: str, clauses: list[tuple[int, int, Predicate]], cues: list[Cue]) -> bool:
    """ "No prior treatment with an anti-VEGF agent allowed": the negation says it; "allowed"
    at the end only repeats it (one negated clause, no other cue)."""
    if not (
        _NO_X_ALLOWED.match(text)
        and len(clauses) == 1
        and isinstance(clauses[0][2], Not)
        and [c.word for c in cues] in (["allowed"], ["permitted"])
        and cues[-1].span[1] >= len(text.rstrip(" .;"))
    ):
        return False
    # something taken, then or now ("No prior …", "No concurrent … allowed"): not a condition
    # ("No viral hepatitis allowed": ever, or now?) nor a treatment without a time
    named = list(leaves(clauses[0][2]))
    return all(
        isinstance(leaf, HasConcept)
        and leaf.timing in ("history", "current")
        and concepts.category(leaf.concept) in concepts.TREATMENT_CATEGORIES
        for leaf in named
    )


_REPEAT_GAP = frozenset({"LPAR", "RPAR", "_OR", "_AND", "COMMA", "SLASH"})


def _other_than_the_study(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """ "Other antifungal agents within the past 3 days", "No other concurrent chemotherapy":
    other than the study's own treatment, which a patient may already take (nystatin in a
    nystatin trial, zidovudine in an AZT trial; review 27). The treatment is marked "other": an
    entry of it on record cannot tell which it is (unknown), none still decides. Not after "or"
    ("prednisone or other corticosteroids": any of them), and not for investigational agents
    (the study's own is not given before enrolment)."""
    marks = [
        (tokens[i].start_pos or 0)
        for i in range(len(tokens))
        if other_treatment(tokens, i) and not (i > 0 and tokens[i - 1].type in ("_OR", "COMMA"))
    ]
    if not marks:
        return clauses
    out = []
    taken: set[int] = set()
    for start, end, node in clauses:
        stop = tokens[end - 1].end_pos or 0 if end > start else 0
        mine = [m for m in marks if m not in taken and m < stop]
        taken |= set(mine)
        if not mine:
            out.append((start, end, node))
            continue
        first = min(mine)

        def mark(leaf: Predicate, first: int = first) -> Predicate:
            if (
                not isinstance(leaf, HasConcept)
                or leaf.span[1] <= first
                or leaf.concept == "investigational_agent"
                or "other" in leaf.qualifiers
                or not concepts.known(leaf.concept)
                or concepts.get(leaf.concept).category not in concepts.TREATMENT_CATEGORIES
            ):
                return leaf
            return leaf.model_copy(update={"qualifiers": ("other", *leaf.qualifiers)})

        out.append((start, end, map_leaves(node, mark)))
    return out


def _repeats(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """Neighbouring clauses that read the same ("Myositis (polymyositis or dermatomyositis)",
    all one concept) joined only by brackets or connectives: one clause spanning both."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in clauses:
        if out:
            p_start, p_end, p_node = out[-1]
            same = p_node.model_dump_json(exclude={"span"}) == node.model_dump_json(
                exclude={"span"}
            )
            if same and all(t.type in _REPEAT_GAP for t in tokens[p_end:start]):
                span = (min(p_node.span[0], node.span[0]), max(p_node.span[1], node.span[1]))
                out[-1] = (p_start, end, p_node.model_copy(update={"span": span}))
                continue
        out.append((start, end, node))
    return out


_PERFORMANCE = frozenset({"ecog", "karnofsky", "lansky"})


def _scales_side_by_side(clauses: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "Karnofsky 70-100% SWOG 0 or 1": two performance scales with no word between them,
    the same requirement said twice (either?) or both required? Not read."""
    for (_, end, a), (start, _, b) in zip(clauses, clauses[1:], strict=False):
        scales = [{getattr(leaf, "scale", None) for leaf in leaves(n)} for n in (a, b)]
        if (
            all(x and x <= _PERFORMANCE for x in scales)
            and scales[0] != scales[1]
            and not any(
                t.type in ("_AND", "_OR", "OR_NUM", "OR_CMP", "AND_CMP", "_OR_ELSE")
                for t in tokens[end:start]
            )
        ):
            return True
    return False


def _group_label(clauses: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "Age 6 to 10 years: Creatinine less than 1.5 mg/dL": an age (or sex) group and a colon
    before the rest — the rest applies to that group only, not both to everyone."""
    if len(clauses) < 2:
        return False
    _, end, first = clauses[0]
    kinds = {leaf.kind for leaf in leaves(first)}
    return (
        bool(kinds)
        and kinds <= {"age_compare", "sex_is"}
        and end < len(tokens)
        and tokens[end].type == "COLON"
    )


_GROUP_MUST = re.compile(
    r"(?i)^\W*(?:(?:any|all|every|each)\s+)?(?:patients?|subjects?|participants?|individuals?"
    r"|those|persons?|women|men)\s+"
    r"(?:with|who\s+have|having)\b(?P<group>[^.;]*?)\b(?:must|should|need|needs|are\s+required"
    r"|will\s+need|have\s+to)\b"
)


def _group_then_rule(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], text: str
) -> bool:
    """ "Patients with CD4 count >= 200 cells/mm3 must have no prior opportunistic infection":
    the first clause names whom the rule is for, not a requirement on everyone."""
    found = _GROUP_MUST.match(text)
    if found is None or len(clauses) < 2:
        return False
    must = found.end("group")
    before = [c for c in clauses if (tokens[c[1] - 1].end_pos or 0) <= must]
    return bool(before) and len(before) < len(clauses)


_EXPOSURE_FOR = re.compile(
    r"(?i)\b(?:received|receiving|taken|taking|treated\s+with|used|using|been\s+on|exposed\s+to)"
    r"\b[^.;]{0,80}?\bfor\s+(?:a\s+(?:total|period|duration)\s+of\s+)?(?:greater\s+than\s+or"
    r"\s+equal\s+to|greater\s+than|more\s+than|at\s+least|over|longer\s+than|>=|≥|>|less\s+than"
    r"|up\s+to|<=|≤|<)\s*\d+(?:\.\d+)?\s*(?:days?|weeks?|months?|years?)\b"
)


def _exposure_for(clauses: list[tuple[int, int, Predicate]], text: str) -> bool:
    """ "received alkylating agents for >= 1 year": how long it was taken, not how recently;
    a window read from it would be another rule."""
    windowed = any(
        isinstance(leaf, TimeSince) or getattr(leaf, "within_days", None) is not None
        for _, _, node in clauses
        for leaf in leaves(node)
    )
    return windowed and _EXPOSURE_FOR.search(text) is not None


_COUNT_PERCENT = re.compile(r"(?i)\bcounts?\b[^.;%\d]{0,25}\d+(?:\.\d+)?\s*%")


# percentages that labs never report as "counts" (a reticulocyte count is usually given in %)
_NOT_COUNTS = frozenset({"cd4_percent"})


def _count_in_percent(clauses: list[tuple[int, int, Predicate]], text: str) -> bool:
    """ "CD4 count at least 50%": a count written with a per cent sign is read as the
    percentage, which the word "count" contradicts (a slip either way: 50 cells, or 50%?)."""
    percent = any(
        isinstance(leaf, LabCompare) and leaf.analyte in _NOT_COUNTS
        for _, _, node in clauses
        for leaf in leaves(node)
    )
    return percent and _COUNT_PERCENT.search(text) is not None


def _list_after_wait(tokens: list[Token]) -> bool:
    """ "At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas) or radiotherapy":
    the list of what is waited for goes on after the bracket, which the clause did not read."""
    for i, token in enumerate(tokens):
        if token.type != "LPAR_WAIT":
            continue
        close = next((j for j in range(i, len(tokens)) if tokens[j].type == "RPAR"), None)
        after = tokens[close + 1 : close + 3] if close is not None else []
        if after and after[0].type in (
            "_OR",
            "_AND",
            "COMMA",
            "OR_NUM",
            "OR_CMP",
            "AND_CMP",
            "_OR_OTHER",
        ):
            if any(t.type == "CONCEPT" for t in after[1:]) or after[0].type != "COMMA":
                return True
    return False


def _graded(score: Predicate, disease: Predicate) -> bool:
    """Is `score` a NYHA class (set, range) and `disease` a heart disease it grades?"""
    if not isinstance(disease, HasConcept) or disease.flags:
        return False
    scored = list(leaves(score))
    return (
        bool(scored)
        and concepts.graded_by_nyha(disease.concept)
        and all(isinstance(leaf, ScoreCompare) and leaf.scale == "nyha" for leaf in scored)
    )


def _graded_now(score: Predicate, disease: Predicate) -> bool:
    """`_graded`, and the disease is now or any time (a class "History of CHF (NYHA II-IV)"
    had then is not today's)."""
    return (
        _graded(score, disease)
        and isinstance(disease, HasConcept)
        and disease.timing in _NOW_OR_ANY
    )


def _unread_pair(first: Predicate, second: Predicate, flag: str) -> AnyOf:
    """Two clauses whose relation is not read, kept side by side under a flag that says so."""
    return AnyOf(items=(first, second), span=(first.span[0], second.span[1]), flags=(flag,))


def _of_class(written: Predicate, disease: Predicate, score: Predicate) -> Predicate:
    """The disease of a NYHA class: both, negated where the disease was ("No CHF (NYHA III or
    IV)" is no CHF of that class)."""
    span = (written.span[0], score.span[1])
    parts = score.items if isinstance(score, AllOf) else (score,)
    node: Predicate = AllOf(items=(disease, *parts), span=span)
    return Not(item=node, span=span) if isinstance(written, Not) else node


_FOR_THE_FERTILE = frozenset(
    """in for of among required is must have a all women woman females female patients test tests
    subjects participants""".split()
)


def _test_of_the_fertile(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], kind: CriterionKind
) -> list[tuple[int, int, Predicate]]:
    """ "Negative pregnancy test in women of childbearing potential", "Women of childbearing
    potential must have a negative pregnancy test": the test is required of those who could be
    pregnant, not childbearing potential of everyone. An inclusion's reading: if of
    childbearing potential, not pregnant; otherwise met (the "otherwise" is true whenever it is
    taken, as for the fertile rule). Not with a time for the test ("within 7 days"), which a
    record's pregnancy status does not date."""
    if kind != "inclusion" or len(clauses) != 2:
        return clauses
    nodes = [node for _, _, node in clauses]
    tests = [
        n
        for n in nodes
        if isinstance(n, Not)
        and isinstance(n.item, HasConcept)
        and "test_result" in (*n.flags, *n.item.flags)
        and n.item.concept == "pregnancy"
        and n.item.within_days is None
    ]
    able = [
        n
        for n in nodes
        if isinstance(n, HasConcept)
        and n.concept == "childbearing_potential"
        and n.within_days is None
        and not n.qualifiers
    ]
    if len(tests) != 1 or len(able) != 1:
        return clauses
    between = tokens[clauses[0][1] : clauses[1][0]]
    if any(str(t).lower() not in _FOR_THE_FERTILE for t in between):
        return clauses
    span = (min(n.span[0] for n in nodes), max(n.span[1] for n in nodes))
    able_now = HasConcept(concept="childbearing_potential", span=able[0].span)
    node = Conditional(
        condition="childbearing_potential",
        then=tests[0],
        otherwise=Not(item=able_now, span=able[0].span),
        span=span,
    )
    return [(clauses[0][0], clauses[1][1], node)]


def _graded_disease(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """ "NYHA class III or IV heart failure": the disease of that class, one clause (both),
    not a class and a disease side by side; "No NYHA class III or IV heart disease": none of
    that class (a "no" right before it, at the start of the bullet or after a boundary)."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in clauses:
        if out and start == out[-1][1] and _graded(out[-1][2], node):
            p_start, _, p_node = out[-1]
            span = (p_node.span[0], node.span[1])
            both = (*(p_node.items if isinstance(p_node, AllOf) else (p_node,)), node)
            graded: Predicate = AllOf(items=both, span=span)
            neg = p_start - 1
            if (
                neg >= 0
                and tokens[neg].type == "NEG"
                and " ".join(str(tokens[neg]).lower().split()) in ("no", "without", "not")
                and (neg == 0 or tokens[neg - 1].type in ("COMMA", "COLON", "LPAR", "_AND"))
            ):
                span = (tokens[neg].start_pos or 0, span[1])
                graded, p_start = Not(item=graded, span=span), neg
            out[-1] = (p_start, end, graded)
            continue
        if out and start == out[-1][1]:  # "(No) congestive heart failure NYHA class III or IV"
            p_start, _, p_node = out[-1]
            disease = p_node.item if isinstance(p_node, Not) else p_node
            if _graded_now(node, disease):
                out[-1] = (p_start, end, _of_class(p_node, disease, node))
                continue
            if _graded(node, disease):  # "History of CHF NYHA class III or IV": a past class
                out[-1] = (p_start, end, _unread_pair(p_node, node, "unread_definition"))
                continue
        out.append((start, end, node))
    return out


def _defined_by_brackets(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], kind: CriterionKind
) -> list[tuple[int, int, Predicate]]:
    """ "Thrombocytopenia (platelet count less than 100,000/mm3)", "Heart failure (EF < 50%)":
    a condition with the measurements that define it in the bracket right after it. The
    bracket decides; the diagnosis alone does not (one clause spanning both)."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in clauses:
        inside = (  # a clause alone in the bracket after the last one: "CHF (NYHA ... disease)"
            out
            and [t.type for t in tokens[out[-1][1] : start]] == ["LPAR"]
            and end < len(tokens)
            and tokens[end].type == "RPAR"
        )
        unclosed = (  # "must not have renal disease (creatinine > 2 x ULN.": never closed
            out
            and [t.type for t in tokens[out[-1][1] : start]] == ["LPAR"]
            and not any(t.type == "RPAR" for t in tokens[start:])
        )
        if unclosed and set(leaf.kind for leaf in leaves(node)) & MEASUREMENTS:
            p_start, _, p_node = out[-1]
            out[-1] = (p_start, end, _unread_pair(p_node, node, "bracket_unread"))
            continue
        if inside and set(leaf.kind for leaf in leaves(node)) & MEASUREMENTS:
            p_start, _, p_node = out[-1]
            concept = p_node.item if isinstance(p_node, Not) else p_node
            if _graded_now(node, concept):
                out[-1] = (p_start, end, _of_class(p_node, concept, node))
            else:
                out[-1] = (p_start, end, _unread_pair(p_node, node, "bracket_unread"))
            continue
        if out and start == out[-1][1] and tokens[start].type == "LPAR":
            p_start, _, p_node = out[-1]
            concept = p_node.item if isinstance(p_node, Not) else p_node
            measured = [leaf.kind for leaf in leaves(node)]
            if tokens[end - 1].type == "RPAR" and _graded_now(node, concept):
                # "Congestive heart failure (NYHA class III or IV)": the disease of that class
                out[-1] = (p_start, end, _of_class(p_node, concept, node))
                continue
            if measured and tokens[end - 1].type != "RPAR" and set(measured) & MEASUREMENTS:
                # "Thrombocytopenia (platelet count < 50,000/mm3) or coagulopathy": the bracket
                # and what follows it were read as one clause; its grouping is not the text's
                out[-1] = (p_start, end, _unread_pair(p_node, node, "bracket_unread"))
                continue
            if measured and set(measured) <= MEASUREMENTS:
                span = (p_node.span[0], node.span[1])
                analytes = {getattr(leaf, "analyte", "") for leaf in leaves(node)}
                if (
                    kind == "exclusion"  # required, the diagnosis may still be required too
                    and isinstance(concept, HasConcept)
                    and not isinstance(p_node, Not)
                    and concept.timing in _NOW_OR_ANY
                    and analytes <= _DEFINED_BY.get(concept.concept, frozenset())
                    and _on_its_side(concept.concept, node)
                ):
                    flags = (*node.flags, "defined_by_bracket")
                    out[-1] = (p_start, end, node.model_copy(update={"span": span, "flags": flags}))
                    continue
                # "Alzheimer's disease (MMSE >= 18)": a further requirement, an example or a
                # definition? "No anemia (Hb >= 10)": the bracket describes the other side.
                # "History of kidney disease (creatinine > 2)": values of the past. Not read.
                out[-1] = (p_start, end, _unread_pair(p_node, node, "bracket_unread"))
                continue
            if set(measured) & MEASUREMENTS:
                # "CHF (NYHA class III or IV heart disease)": a measure among other things in
                # the bracket: what it says of the concept is not read
                out[-1] = (p_start, end, _unread_pair(p_node, node, "bracket_unread"))
                continue
        out.append((start, end, node))
    return out


# the side of its measurement a condition lies on ("anemia": a low hemoglobin); a definition
# that states the other side ("No anemia (i.e., Hb >= 10)") describes the patient who is free of
# it, and one stating a normal value ("Heart failure (i.e., LVEF >= 45%)") names a subtype: not
# read (review 23)
_LOW_SIDE = frozenset(
    {
        "hemoglobin",
        "hematocrit",
        "platelets",
        "anc",
        "lvef",
        "creatinine_clearance",
        "egfr",
        "potassium",
    }
)
_LOW_CONDITIONS = frozenset({"hypotension"})
# words on a defined condition that the definition states ("uncontrolled hypertension (i.e., BP
# >= 160/100)"); any other ("requiring insulin") is a further requirement: not read
_DEFINED_WORDS = re.compile(
    r"(?i)^(?:uncontrolled|(?:poorly|inadequately)\s+controlled|severe|(?:clinically\s+)?"
    r"significant|serious)$"
)


def _on_its_side(concept: str, node: Predicate) -> bool:
    """Does every bound of the measurement lie on the condition's side?"""
    for leaf in leaves(node):
        if not isinstance(leaf, LabCompare):
            return False
        low = concept in _LOW_CONDITIONS or leaf.analyte in _LOW_SIDE
        if leaf.op not in (("<", "<=") if low else (">", ">=")):
            return False
    return True


def _definition_words(gap: list[Token]) -> bool:
    """Are these the words that open a definition: "(i.e.,", ", defined as", "(defined by",
    "as defined by"? (An optional bracket or comma first, an optional comma last.)"""
    words = [str(t).lower() for t in gap]
    if words[:1] in (["("], ["["], [","]):
        words = words[1:]
    if words[-1:] == [","]:
        words = words[:-1]
    if words[:1] == ["as"]:  # "as defined by"
        words = words[1:]
    return words in (
        ["i", ".", "e", "."],
        ["i", ".", "e"],
        ["ie"],
        ["defined", "as"],
        ["defined", "by"],
    )


def _defined_as(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], kind: CriterionKind
) -> tuple[list[tuple[int, int, Predicate]], set[int]]:
    """ "No uncontrolled hypertension (i.e., blood pressure >= 150/100 mm Hg)", "Renal
    impairment defined as eGFR <= 30 mL/min": the text defines the condition by the
    measurements that follow, which then decide in its place. Only a condition that such
    measurements define (`_DEFINED_BY`), now or at any time, the definition closed by its
    bracket or ending the bullet. Returns the clauses and the definition's words (read)."""
    out: list[tuple[int, int, Predicate]] = []
    read: set[int] = set()
    for start, end, node in clauses:
        if not out:
            out.append((start, end, node))
            continue
        p_start, p_end, p_node = out[-1]
        gap = tokens[p_end:start]
        concept = p_node.item if isinstance(p_node, Not) else p_node
        bracket = bool(gap) and gap[0].type == "LPAR"
        closes = end < len(tokens) and tokens[end].type == "RPAR"
        rest = [t for t in tokens[end + 1 if bracket else end :] if str(t) not in ".;"]
        measured = {leaf.kind for leaf in leaves(node)}
        analytes = {getattr(leaf, "analyte", "") for leaf in leaves(node)}
        if not (
            gap
            and _definition_words(gap)
            and (closes if bracket else not rest)
            and measured
            and measured <= MEASUREMENTS
            and not isinstance(node, Not)
            and isinstance(concept, HasConcept)
            and concept.timing in _NOW_OR_ANY
            and not concept.except_concepts
            and not concept.indication
            and all(_DEFINED_WORDS.match(q) for q in concept.qualifiers)
            and analytes <= _DEFINED_BY.get(concept.concept, frozenset())
            and _on_its_side(concept.concept, node)
        ):
            out.append((start, end, node))
            continue
        stop = end + 1 if bracket else end
        span = (p_node.span[0], node.span[1])
        flags = (*node.flags, "defined_by_bracket")
        defined: Predicate = node.model_copy(update={"span": span, "flags": flags})
        if isinstance(p_node, Not):  # "No uncontrolled hypertension (i.e., ...)"
            defined = Not(item=defined, span=span)
        out[-1] = (p_start, stop, defined)
        read |= set(range(p_end, start)) | set(range(end, stop))
    return out, read


# values whose reading is the latest one on record, which is the value at screening
_VALUE_KINDS = frozenset(
    {"lab_compare", "score_compare", "age_compare", "life_expectancy", "measure_compare"}
)


def _moment_after_values(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> set[int]:
    """ "Age 22 to 75 years (inclusive) at the time of enrollment", ">= 18 years of age
    inclusive, at the time of signing the informed consent": the moment of screening after a
    value, past the word "inclusive", says what the value's reading already is. The tokens read
    (the moment and the words before it), or none."""
    read: set[int] = set()
    for k, (_, end, node) in enumerate(clauses):
        if not all(leaf.kind in _VALUE_KINDS for leaf in leaves(node)):
            continue
        stop = clauses[k + 1][0] if k + 1 < len(clauses) else len(tokens)
        i = end
        while i < stop and (
            tokens[i].type in ("COMMA", "LPAR", "RPAR")
            or (tokens[i].type == "WORD" and str(tokens[i]).lower() == "inclusive")
        ):
            i += 1
        if i > end and i < stop and tokens[i].type == "_AT_NOW":
            read |= set(range(end, i + 1))
    return read


_EXAMPLE_GAP = frozenset({"COMMA", "_OR", "_AND"})  # not "/": "carboplatin/paclitaxel" is one


def _kind_of(example: str, head: str) -> bool:
    """Can the example stand as a kind of the head? Filed under it in the lexicon; or a drug
    the lexicon files under no class at all, after a class ("CYP3A4 inhibitors (e.g., X)"):
    the text says what it is. Never a drug the lexicon files elsewhere ("topical
    corticosteroids such as hydrocortisone": hydrocortisone is mostly not topical), a relation
    made of a concept ("hypersensitivity to azoles"), or a condition that is not a kind of it
    ("terminal illness such as cancer", "hepatic failure (e.g., ascites)")."""
    if concepts.unnamed(head):  # "Immunomodulating agents (e.g., interferon)"
        return member_of(example, head)
    if not concepts.known(example) or not concepts.known(head) or ":" in head:
        return False
    if head in concepts.ancestors(example):
        return True
    return (
        concepts.get(head).category == "drug_class"
        and concepts.get(example).category == "drug"
        and concepts.ancestors(example) == {example}
    )


def _examples(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], kind: CriterionKind, text: str
) -> tuple[list[tuple[int, int, Predicate]], set[int]]:
    """ "Autoimmune disease (e.g., rheumatoid arthritis, lupus)", "CYP3A4 inhibitors such as
    ketoconazole": the examples are kinds of the concept before them, whatever the lexicon
    files them under, so the clause is the concept or any example, each example with the
    concept's timing, window and qualifiers. Only a concept right before the examples, only
    concepts as examples, each a kind of it (`_kind_of`), the list closed by its bracket or by
    the end of the bullet; "including" never where the concept is required ("Prior endocrine
    therapy (including aromatase inhibitors)" may require them). Returns the
    clauses and the tokens of the example words (read)."""
    out: list[tuple[int, int, Predicate]] = []
    read: set[int] = set()
    i = 0
    while i < len(clauses):
        start, end, node = clauses[i]
        head = node.item if isinstance(node, Not) else node
        merged = None
        required = kind == "inclusion" and not isinstance(node, Not)
        if isinstance(head, HasConcept) and not head.except_concepts:
            merged = _examples_after(clauses, i, tokens, head, required)
        if merged is None:
            out.append((start, end, node))
            i += 1
            continue
        last, stop, items, words = merged
        assert isinstance(head, HasConcept)  # _examples_after reads only a concept's examples
        timed = _window_after(clauses[i], stop, tokens, head)
        if timed is not None:  # "CYP3A4 inhibitors (e.g., ketoconazole) within 3 days"
            head, stop = timed
            update = {"within_days": head.within_days, "timing": head.timing}
            items = [x.model_copy(update=update) for x in items]
        # every example was the concept's own name: the concept's phrase runs over them
        reach = (head.span[0], max(clauses[last][2].span[1], head.span[1]))
        new: Predicate = head.model_copy(update={"span": reach})
        if isinstance(node, Not):
            new = Not(item=new, span=(node.span[0], reach[1]))
        if items:
            first: Predicate = head
            if concepts.unnamed(head.concept):  # the class itself: not read, never decided
                first = _class_unread(head, tokens, text)
            either = AnyOf(items=(first, *items), span=(head.span[0], items[-1].span[1]))
            either = either.model_copy(update={"flags": ("examples",)})
            new = either
            if isinstance(node, Not):
                new = Not(item=either, span=(node.span[0], either.span[1]))
        out.append((start, stop, new))
        read |= words
        i = last + 1
    return out, read


def _class_unread(leaf: Predicate, tokens: list[Token], text: str) -> Unparsed:
    """The Unparsed leaf for a class no lexicon holds: its words (the UNNAMED token in the
    leaf's span), its span the leaf's."""
    a, b = leaf.span
    named = [t for t in tokens if t.type == "UNNAMED" and a <= (t.start_pos or 0) < b]
    words = text[named[0].start_pos : named[0].end_pos] if named else text[a:b]
    return Unparsed(text=words, reason=UNNAMED_REASON, span=leaf.span)


_WINDOW_STARTS = frozenset({"WITHIN", "DURING_STUDY", "NUMBER"})


def _window_after(
    clause: tuple[int, int, Predicate], stop: int, tokens: list[Token], head: HasConcept
) -> tuple[HasConcept, int] | None:
    """A window after the examples' closing bracket, which the class and its examples share
    ("Immunosuppressive drugs (e.g., tacrolimus) within 2 weeks"): the class read again with the
    window in place of the bracket, as (the head with its window, end token), or None."""
    if stop >= len(tokens) or tokens[stop].type not in _WINDOW_STARTS or head.within_days:
        return None
    start, end, _ = clause
    joined = tokens[start:end] + tokens[stop:]
    found = _longest_clause(_machinery()[1], joined, 0)
    if found is None or found[0] <= end - start:
        return None
    node = found[1]
    timed = node.item if isinstance(node, Not) else node
    if not isinstance(timed, HasConcept) or timed.within_days is None:
        return None
    same = {"span", "within_days", "timing"}
    if timed.model_dump(exclude=same) != head.model_dump(exclude=same):
        return None  # the words after the bracket changed more than the window
    return timed, stop + found[0] - (end - start)


def _examples_after(
    clauses: list[tuple[int, int, Predicate]],
    i: int,
    tokens: list[Token],
    head: HasConcept,
    required: bool,
) -> tuple[int, int, list[HasConcept], set[int]] | None:
    """The examples after clause i: (last clause, end token, examples, example-word tokens)."""
    pos = clauses[i][1]
    bracket = pos < len(tokens) and tokens[pos].type == "LPAR"
    opened = pos + 1 if bracket else pos
    if not bracket and opened < len(tokens) and tokens[opened].type == "COMMA":
        opened += 1
    intro = example_intro(tokens, opened) if opened < len(tokens) else None
    including = intro is not None and str(tokens[opened]).lower() == "including"
    # "including" where the concept is required ("Prior endocrine therapy, including aromatase
    # inhibitors") may require the examples: not read
    if intro is None or (including and required):
        return None
    words = set(range(pos, intro))
    items: list[HasConcept] = []
    j, at = i + 1, intro
    while j < len(clauses) and clauses[j][0] >= at:
        gap = tokens[at : clauses[j][0]]
        if gap and not (j > i + 1 and all(t.type in _EXAMPLE_GAP for t in gap)):
            break
        node = clauses[j][2]
        listed = node.items if isinstance(node, AnyOf) and not node.flags else (node,)
        for example in listed:
            if (
                not isinstance(example, HasConcept)
                or example.flags
                or example.except_concepts
                or example.within_days is not None
                or example.grade is not None
                or example.timing not in ("any", "unstated", head.timing)
                or not _kind_of(example.concept, head.concept)
                # "Active infection including tuberculosis requiring systemic therapy": does
                # "requiring ..." qualify the last example only, or all of them?
                or any(q.startswith(AFTER_CONCEPT) for q in example.qualifiers)
            ):
                return None
            if example.concept == head.concept or any(x.concept == example.concept for x in items):
                continue  # "proton pump inhibitors (e.g., omeprazole)": the lexicon's own name
            qualifiers = tuple(dict.fromkeys(head.qualifiers + example.qualifiers))
            update = {"concept": example.concept, "span": example.span, "qualifiers": qualifiers}
            items.append(head.model_copy(update=update))
        words |= set(range(at, clauses[j][0]))
        at = clauses[j][1]
        j += 1
    if j == i + 1:  # no example clause
        return None
    k = at
    rest = [str(t).lower() for t in tokens[at:]]
    if rest[:2] == [",", "etc"]:
        k, rest = k + 1, rest[1:]
    if rest[:1] == ["etc"]:
        k += 2 if rest[1:2] == ["."] else 1
    if bracket:
        if k >= len(tokens) or tokens[k].type != "RPAR":
            return None
        k += 1
    elif any(t.type not in ("OTHER", "COLON") or str(t) not in ".;" for t in tokens[k:]):
        return None  # the list must end the bullet: where else would it end?
    return j - 1, k, items, words | set(range(at, k))


_NOW_OR_ANY = frozenset({"any", "unstated", "current"})
# conditions that a measurement defines, and the analytes that define them: "Thrombocytopenia
# (platelets < 100,000)" names the thrombocytopenia meant. A bracket of other measurements may be
# a further requirement ("Alzheimer's disease (MMSE >= 18)"), so it is not read as a definition.
_BP = frozenset({"systolic_bp", "diastolic_bp"})
_KIDNEY = frozenset({"creatinine", "creatinine_clearance", "egfr"})
_DEFINED_BY: dict[str, frozenset[str]] = {
    "thrombocytopenia": frozenset({"platelets"}),
    "neutropenia": frozenset({"anc"}),
    "anemia": frozenset({"hemoglobin", "hematocrit"}),
    "hypertension": _BP,
    "hypotension": _BP,
    "congestive_heart_failure": frozenset({"lvef"}),
    "renal_disease": _KIDNEY,
    "renal_failure": _KIDNEY,
    "diabetes": frozenset({"hba1c", "glucose", "fasting_glucose"}),
    "hyperglycemia": frozenset({"glucose", "fasting_glucose"}),
    "qt_prolongation": frozenset({"qtc"}),
    "hypokalemia": frozenset({"potassium"}),
    "hypercalcemia": frozenset({"calcium"}),
    "obesity": frozenset({"bmi"}),
}


def _shared_relation(clauses: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "Intolerance or hypersensitivity to X", "hypersensitivity to X (AZT) or other nucleoside
    analogues": a relation that may belong to the clause beside it too, which was read alone."""

    def allergy(node: Predicate) -> bool:
        return any(
            isinstance(n, HasConcept) and n.concept.startswith(concepts.HYPERSENSITIVITY_TO)
            for n in walk(node)
        )

    for (_, end, before), (start, _, after) in zip(clauses, clauses[1:], strict=False):
        joined = any(
            t.type in ("_OR", "OR_NUM", "OR_CMP", "_AND", "AND_CMP", "COMMA", "SLASH")
            for t in tokens[end:start]
        )
        if joined and allergy(before) != allergy(after):
            return True
    return False


def _window_use(clauses: list[tuple[int, int, Predicate]], kind: CriterionKind) -> list[str]:
    """A window on a lab says how recent the value must be, where the lab is required
    ("ANC >= 1500 within 14 days prior to registration"). Ruled out ("creatinine > 150 in the
    preceding 6 months") it asks about every value in the window, which is not read; and a
    window on one lab of several may be meant for all of them."""
    labs: list[tuple[LabCompare, bool]] = []

    def visit(node: Predicate, negated: bool) -> None:
        if isinstance(node, LabCompare):
            labs.append((node, negated))
        elif isinstance(node, Not):
            visit(node.item, not negated)
        else:
            for child in getattr(node, "items", ()):
                visit(child, negated)
            for name in ("then", "otherwise"):
                if getattr(node, name, None) is not None:
                    visit(getattr(node, name), negated)

    for _, _, node in clauses:
        visit(node, kind == "exclusion")
    windowed = [negated for lab, negated in labs if lab.within_days is not None]
    flags = ["lookback_window"] if any(windowed) else []
    if windowed and len(windowed) < len(labs):
        flags.append("partial_window")
    return flags


_TRANSAMINASES = re.compile(r"(?i)\btransaminases\b")
_PERFORMANCE = frozenset({"ecog", "karnofsky", "lansky"})


def _pair_scales(nodes: list[Predicate]) -> list[Predicate]:
    """A bullet that names two performance scales pairs them itself ("ECOG 0-1, or Karnofsky
    > 70"): each is then read from the patient's own score on it, not converted."""
    scales = {
        leaf.scale for n in nodes for leaf in leaves(n) if isinstance(leaf, ScoreCompare)
    } & _PERFORMANCE
    if len(scales) < 2:
        return nodes

    def mark(leaf: Predicate) -> Predicate:
        if isinstance(leaf, ScoreCompare) and leaf.scale in _PERFORMANCE:
            return leaf.model_copy(update={"flags": (*leaf.flags, SCALES_PAIRED)})
        return leaf

    return [map_leaves(n, mark) for n in nodes]


def _either_or_both(node: Predicate, excluding: bool) -> Predicate:
    """Tests joined by "and" where meeting them excludes ("AST and ALT > 2 x ULN" in an
    exclusion, "No ANC < 1,000 and platelets < 75,000"): both, or either? Such an AllOf is
    flagged to decide only where the two readings agree (every test met, or none)."""
    if isinstance(node, Not):
        return node.model_copy(update={"item": _either_or_both(node.item, not excluding)})
    if isinstance(node, AnyOf):
        items = tuple(_either_or_both(item, excluding) for item in node.items)
        return node.model_copy(update={"items": items})
    if not isinstance(node, AllOf):
        return node
    tests = {item.analyte for item in node.items if isinstance(item, LabCompare)}
    if excluding and len(tests) > 1 and all(isinstance(i, LabCompare) for i in node.items):
        return node.model_copy(update={"flags": (*node.flags, EITHER_OR_BOTH)})
    items = tuple(_either_or_both(item, excluding) for item in node.items)
    return node.model_copy(update={"items": items})


def _transaminases_each(clauses: list[tuple[int, int, Predicate]], kind: CriterionKind) -> bool:
    """ "Transaminases <= 2.5 x ULN" as a requirement: each of ALT and AST. Read only so: an
    inclusion, no negation, upper bounds only ("Must not have ... transaminases > 4 x ULN" or
    "transaminases > 150 U/L" mean either one, most likely)."""
    if kind != "inclusion":
        return False
    for _, _, node in clauses:
        if any(isinstance(n, Not) for n in walk(node)):
            return False
        for leaf in leaves(node):
            if isinstance(leaf, LabCompare) and leaf.op not in ("<", "<="):
                return False
    return True


_POPULATION = frozenset(
    "patients subjects participants women men children people individuals cases".split()
)


def _indication_unread(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token], kind: CriterionKind
) -> bool:
    """A treatment for an indication is read where it rules something out ("No prior
    chemotherapy for metastatic disease", an exclusion "Prior chemotherapy for NSCLC"); as a
    requirement ("Diuretics for renal insufficiency" in an inclusion) it is more often an example
    cut from a list than a rule. "for breast cancer patients" names a population."""
    for _, end, node in clauses:
        given = [n for n in leaves(node) if isinstance(n, HasConcept) and n.indication]
        if not given:
            continue
        after = str(tokens[end]).lower() if end < len(tokens) else ""
        if after in _POPULATION or (kind == "inclusion" and not isinstance(node, Not)):
            return True
    return False


def _age_of_a_thing(clauses: list[tuple[int, int, Predicate]], tokens: list[Token]) -> bool:
    """ "fracture over 3 days old", "surgery less than 30 days old": an age that belongs to
    the thing named just before it, not to the patient."""
    for (_, end, before), (start, _, node) in zip(clauses, clauses[1:], strict=False):
        ages = [n for n in getattr(node, "items", (node,)) if isinstance(n, AgeCompare)]
        if not ages or tokens[start].type in ("AGE", "OLDER", "YOUNGER"):
            continue
        if isinstance(before, (HasConcept, AnyOf, AllOf, Not)) and not any(
            _is_content(t) for t in tokens[end:start]
        ):
            return True
    return False


def _both_sexes(node: Predicate) -> bool:
    """ "Men and women", "male or female": both sexes named, so no constraint on sex."""
    items = getattr(node, "items", ())
    return (
        bool(items)
        and all(isinstance(i, SexIs) for i in items)
        and len({i.sex for i in items if isinstance(i, SexIs)}) == 2
    )


def _negate_rest(clauses: list[tuple[int, int, Predicate]], tokens: list[Token]) -> list[Predicate]:
    """In a bullet that opens with a negation ("No chronic hepatitis B or hepatitis C
    infection"), the concepts listed right after it are negated too: the patient must have none
    of them. Only concept clauses joined by commas, "or" or "and" are; anything else stands."""
    nodes = [node for _, _, node in clauses]
    if len(nodes) < 2 or clauses[0][0] != 0 or not isinstance(nodes[0], Not):
        return nodes
    out: list[Predicate] = [nodes[0]]
    listing = True
    for (_, end, _), (start, _, node) in zip(clauses, clauses[1:], strict=False):
        gap = tokens[end:start]
        # "No X (systolic BP > 150 ...)": the bracket defines X, so it is negated with it
        bracketed = [t.type for t in gap] == ["LPAR"] or (not gap and tokens[start].type == "LPAR")
        listing = listing and (bracketed or all(t.type in _LIST_GAP for t in gap))
        concept = bracketed or (
            isinstance(node, (HasConcept, AnyOf))
            and all(isinstance(x, HasConcept) for x in getattr(node, "items", (node,)))
        )
        out.append(Not(item=node, span=node.span) if listing and concept else node)
        listing = listing and concept
    return out


def _combine(nodes: list[Predicate], kind: CriterionKind, span: Span) -> Predicate:
    """Clauses of one bullet: AND for an inclusion, OR for an exclusion (flattened, no repeats)."""
    return _all(nodes, span) if kind == "inclusion" else _any(nodes, span)


_PRIMED: dict[tuple[str, str], CompiledCriterion] = {}


def prime(compiled: list[CompiledCriterion]) -> None:
    """Make `compile_criterion` answer these bullets without compiling (from the store)."""
    for item in compiled:
        _PRIMED[(item.text, item.kind)] = item


def clear_caches() -> None:
    """Forget every compiled bullet (for cold timings)."""
    _PRIMED.clear()
    compile_criterion.cache_clear()


# a requirement written in an exclusion list ("Must be at least 18 years old", "Creatinine
# clearance >= 60 mL/min is required", "At least 28 days since prior chemotherapy", "ECOG 0-1"):
# misfiled, not something whose presence excludes; read literally it would exclude the eligible
_REQUIREMENT = re.compile(
    r"(?i)(?<!\bwho )\b(?:must|should|shall|(?:has|have|needs?)\s+to)\s+(?:(?:have\s+)?(?:be|been|"
    r"have|had|show|demonstrate|meet|elapsed|use|agree|provide|sign))\b|\b(?:is|are)\s+"
    r"(?:required|mandatory)\b|^\W*required\b|\brequired\W*$|^\W*minimum\s+age\b"
)
_BETTER_LOW = frozenset({"ecog", "who", "zubrod"})  # performance: low is well (not NYHA: a class
# of heart failure names the disease)
_BETTER_HIGH = frozenset({"karnofsky", "lansky"})


# the organ-function tests of eligibility lists, where a minimum (counts, clearance, ejection
# fraction) or a maximum (liver and kidney tests) on the normal side is a requirement wherever
# it is filed; other tests are excluded on normal values too ("CD4 >= 500" in a trial of low
# counts, "BMI < 30" in an obesity trial) and are left as written
_MINIMUM_REQUIRED = frozenset(
    {
        "anc",
        "platelets",
        "hemoglobin",
        "wbc",
        "albumin",
        "lvef",
        "egfr",
        "creatinine_clearance",
        "fev1_predicted",
        "dlco_predicted",
    }
)
_MAXIMUM_REQUIRED = frozenset(
    {"total_bilirubin", "ast", "alt", "alkaline_phosphatase", "creatinine"}
)


def _normal_side(leaf: LabCompare) -> bool:
    """Does the bound take in the normal range ("ANC >= 1500", "Hemoglobin > 9 g/dL",
    "Bilirubin <= 1.5 x ULN", "CrCl >= 50")? Then, in an exclusion list, it is a requirement:
    at or above a lower normal limit, or at or below an upper one."""
    t = leaf.threshold
    low = leaf.op in (">", ">=") and leaf.analyte in _MINIMUM_REQUIRED
    high = leaf.op in ("<", "<=") and leaf.analyte in _MAXIMUM_REQUIRED
    if isinstance(t, NormalMultiple):
        return (high and t.limit == "ULN" and t.factor >= 1) or (
            low and t.limit == "LLN" and t.factor <= 1
        )
    if t.canonical is None:
        return False
    info = analytes.get(leaf.analyte) if analytes.lookup(leaf.analyte) else None
    if info is None:
        return False
    return bool(
        # a minimum of a test with no lower limit recorded (clearance, % predicted): more is
        # better, so any minimum is a requirement
        (low and (info.default_lln is None or t.canonical <= info.default_lln))
        or (high and info.default_uln is not None and t.canonical >= info.default_uln)
    )


def requirement_in_exclusion(kept: list[tuple[int, int, Predicate]], text: str) -> bool:
    """Is this exclusion bullet a requirement in the wrong list? Requirement wording, a wait
    since a treatment, a long enough life expectancy, or a good performance score."""
    if _REQUIREMENT.search(text):
        return True
    for _, _, node in kept:
        found = list(leaves(node))
        labs = [leaf for leaf in found if isinstance(leaf, LabCompare)]
        for leaf in labs:
            both_ways = any(
                other.analyte == leaf.analyte and (other.op in "<=") != (leaf.op in "<=")
                for other in labs
            )  # "CD4 < 100 or > 350": outside a band, a real exclusion
            if not both_ways and _normal_side(leaf):
                return True
        for node_leaf in found:
            if isinstance(node_leaf, (TimeSince, LifeExpectancy)) and node_leaf.op in (">", ">="):
                return True
        scores = [leaf for leaf in found if isinstance(leaf, ScoreCompare)]
        for scale in {s.scale for s in scores}:
            upper = [s.value for s in scores if s.scale == scale and s.op in ("<", "<=")]
            lower = [s.value for s in scores if s.scale == scale and s.op in (">", ">=")]
            # "ECOG 0-1", "ECOG < 2", "Karnofsky >= 70", "Karnofsky 60-100": the good end of
            # the scale ("ECOG 3 or 4", "Karnofsky < 50" are real exclusions)
            if scale in _BETTER_LOW and upper and not any(v > 0 for v in lower):
                return True
            if scale in _BETTER_HIGH and lower and not any(v < 100 for v in upper):
                return True
    return False


# words around a value written before a test's name that make the number something else:
# "> 5 kg weight loss", "> 10% LVEF decline", "more than one PSA blood test", "<5 WBC/uL in
# CSF" (after); "Grade > 1 creatinine" (before)
_NOT_THE_VALUE_AFTER = re.compile(
    r"(?i)^[\s),]*(?:loss|gain|decline|decrease|increase|reduction|rise|drop|fall|change|"
    r"doubling|elevation|variation|blood\s+tests?|values?|levels?|results?|tests?|"
    r"measurements?|determinations?|counts?|titers?|in\s+(?:the\s+)?(?:csf|cerebrospinal|urine|"
    r"spinal|pleural|ascit|peritoneal|synovial))\b"
)
_NOT_THE_VALUE_BEFORE = re.compile(r"(?i)\b(?:grade|stage|class|score)\s*[:(]?\s*$")


def _value_first_guard(
    kept: list[tuple[int, int, Predicate]], tokens: list[Token], text: str
) -> list[tuple[int, int, Predicate]]:
    """A value written before a test's name that the words around it make a change, a count
    of tests or another specimen's value: flagged `value_of_something_else` (not decided)."""
    out: list[tuple[int, int, Predicate]] = []
    for start, end, node in kept:
        if any("value_first" in n.flags for n in walk(node) if isinstance(n, LabCompare)):
            after = text[(tokens[end - 1].end_pos or 0) :]
            before = text[: (tokens[start].start_pos or 0)]
            if _NOT_THE_VALUE_AFTER.match(after) or _NOT_THE_VALUE_BEFORE.search(before):
                node = _flag_value_first(node)
        out.append((start, end, node))
    return out


_BRAIN = ("brain_metastases", "brain_tumor", "cns_involvement")
_BARE_EDEMA = frozenset({"edema", "oedema"})


def _edema_of_the_brain(
    clauses: list[tuple[int, int, Predicate]], text: str
) -> list[tuple[int, int, Predicate]]:
    """ "No active brain metastases or edema": beside the brain, a bare "edema" is the
    brain's (cerebral edema), not ankle swelling."""
    named = [leaf for _, _, node in clauses for leaf in leaves(node)]
    if not any(
        isinstance(leaf, HasConcept)
        and concepts.known(leaf.concept)
        and any(concepts.is_a(leaf.concept, b) for b in _BRAIN)
        for leaf in named
    ):
        return clauses

    def cerebral(node: Predicate) -> Predicate:
        if isinstance(node, HasConcept):
            written = text[node.span[0] : node.span[1]].strip().lower()
            if node.concept == "edema" and written in _BARE_EDEMA:
                return node.model_copy(update={"concept": "cerebral_edema"})
            return node
        if isinstance(node, (AllOf, AnyOf)):
            return node.model_copy(update={"items": tuple(cerebral(i) for i in node.items)})
        if isinstance(node, Not):
            return node.model_copy(update={"item": cerebral(node.item)})
        return node

    return [(start, end, cerebral(node)) for start, end, node in clauses]


def _label_before_colon(
    clauses: list[tuple[int, int, Predicate]], tokens: list[Token]
) -> list[tuple[int, int, Predicate]]:
    """ "History of cardiac disease: congestive heart failure > NYHA class 2": a broader
    concept before a colon labels what follows (kinds of it), it is not one more alternative.
    Not read (flag `label_unread`)."""
    if len(clauses) < 2:
        return clauses
    start, end, first = clauses[0]
    if not (end < len(tokens) and tokens[end].type == "COLON"):
        return clauses
    head = first.item if isinstance(first, Not) else first
    if not isinstance(head, HasConcept) or not concepts.known(head.concept):
        return clauses
    later = [
        leaf.concept
        for _, _, node in clauses[1:]
        for leaf in leaves(node)
        if isinstance(leaf, HasConcept) and concepts.known(leaf.concept)
    ]
    if not any(concepts.is_a(c, head.concept) for c in later):
        return clauses
    flagged = first.model_copy(update={"flags": (*first.flags, "label_unread")})
    return [(start, end, flagged), *clauses[1:]]


def _flag_value_first(node: Predicate) -> Predicate:
    if isinstance(node, LabCompare):
        if "value_first" not in node.flags:
            return node
        return node.model_copy(update={"flags": (*node.flags, "value_of_something_else")})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_flag_value_first(i) for i in node.items)})
    return node


class _ClassNotRead(Exception):
    """A class no lexicon holds that no examples clause took: the bullet is read again without
    it (its words stay words), so no clause stands on it."""


@lru_cache(maxsize=65536)
def compile_criterion(text: str, kind: CriterionKind = "inclusion") -> CompiledCriterion:
    """Compile one bullet. Total: any text gives a CompiledCriterion, never an exception."""
    primed = _PRIMED.get((text, kind))
    if primed is not None:
        return primed
    try:
        return _compile(text, kind, classes=True)
    except _ClassNotRead:
        return _compile(text, kind, classes=False)


def _compile(text: str, kind: CriterionKind, classes: bool) -> CompiledCriterion:
    """Compile one bullet; `classes`: read a class no lexicon holds before its examples."""
    flags: list[str] = []
    source = text
    if len(source) > MAX_BULLET_CHARS:
        source = source[:MAX_BULLET_CHARS]
        flags.append("truncated")
    pieces = split_run_on(source) if kind == "inclusion" else None
    if pieces is not None:
        return _compile_run_on(text, pieces, kind, flags)
    norm = normalize(source)
    try:
        tokens = merge_measures(_lex(norm.text), norm.text)
        tokens = merge_unnamed(tokens) if classes else tokens
    except LarkError:  # pragma: no cover - OTHER matches any character
        tokens = []
    budget = _Budget()
    clauses, _ = _scan(tokens, budget)
    if budget.spent:  # adversarial text: what was read stands, and the bullet cannot decide
        flags.append("budget")
    either_sex = [c for c in clauses if _both_sexes(c[2])]
    clauses = [c for c in clauses if not _both_sexes(c[2])]
    kept = _repeats(_keep_sex(clauses, kind), tokens)
    kept = _defined_by_brackets(_graded_disease(kept, tokens), tokens, kind)
    kept = _test_of_the_fertile(kept, tokens, kind)
    kept, defined = _defined_as(kept, tokens, kind)
    kept, exemplified = _examples(kept, tokens, kind, norm.text)
    exemplified |= defined | _moment_after_values(kept, tokens)
    if any(t.type == "UNNAMED" for t in tokens) and any(
        concepts.unnamed(str(getattr(leaf, "concept", "")))
        for _, _, node in kept
        for leaf in leaves(node)
    ):
        raise _ClassNotRead
    kept = _other_than_the_study(kept, tokens)
    kept = or_between_measures(marker_of_disease(kept, tokens), tokens)
    kept = _value_first_guard(kept, tokens, norm.text)
    kept = _edema_of_the_brain(kept, norm.text)
    kept = _label_before_colon(kept, tokens)
    unless = unless_tail(kept, tokens)
    applies_if: Predicate | None = None
    if unless is not None:  # "Bilirubin <= 1.5 x ULN (unless Gilbert's syndrome)"
        kept, (u_start, u_end), condition = kept[:1], unless[0], unless[1]
        reach = (tokens[u_start].start_pos or 0, condition.span[1])  # "unless ..."
        applies_if = _remap(Not(item=condition, span=reach), norm)
        exemplified |= set(range(u_start, u_end))
    nodes = [_remap(node, norm) for node in _negate_rest(kept, tokens)]
    nodes = [_either_or_both(node, kind == "exclusion") for node in nodes]
    nodes = _pair_scales(nodes)
    used = sorted([(start, end) for start, end, _ in kept + either_sex])
    if unless is not None:
        used = sorted([*used, unless[0]])
    inside = {i for start, end in used for i in range(start, end)}
    cues = unaccounted(tokens, used, kind, norm.text)
    if exemplified:  # "e.g.", "such as" read by an examples clause
        said = [(tokens[i].start_pos or 0, tokens[i].end_pos or 0) for i in exemplified]
        cues = [c for c in cues if not any(a <= c.span[0] < b for a, b in said)]
    if _age_of_a_thing(kept, tokens):
        flags.append("age_of_a_thing")
    if _list_after_wait(tokens):
        flags.append("wait_unread")
    if _group_label(kept, tokens) or _group_then_rule(kept, tokens, norm.text):
        flags.append("group_scope")
    if _exposure_for(kept, norm.text):
        flags.append("duration_unread")
    if _count_in_percent(kept, norm.text):
        flags.append("alias_mismatch")
    if lines_after_a_kind(kept, tokens):
        flags.append("count_unread")
    if kind == "inclusion" and or_ends_a_list(kept, tokens):
        flags.append("or_list")
    if and_or_mixed(kept, tokens):
        flags.append("and_or_mix")
    if kind == "exclusion" and limit_as_exclusion(kept, norm.text):
        flags.append("negated_exclusion")
    if kind == "exclusion" and requirement_in_exclusion(kept, norm.text):
        flags.append("requirement_in_exclusion")
    if any(
        str(t) == "+" and norm.text[max((t.start_pos or 0) - 1, 0) : (t.start_pos or 0)] == " "
        for (_, e, _), (b, _, _) in zip(kept, kept[1:], strict=False)
        for t in tokens[e:b]
    ):  # "HIV-1 or HIV-1 + HIV-2 infection": a pair named with "+" (not a dipstick "1+")
        flags.append("plus_unread")
    if _scales_side_by_side(kept, tokens):
        flags.append("scales_side_by_side")
    if _shared_relation(kept, tokens):
        flags.append("shared_relation")
    if len(kept) > 1 and any("test_result" in n.flags for _, _, c in kept for n in walk(c)):
        # "Women of childbearing potential must have a negative pregnancy test", "HIV positive
        # or HIV negative": a result among other clauses may be for some of them only
        flags.append("result_in_context")
    flags += _window_use(kept, kind)
    if _TRANSAMINASES.search(source) and not _transaminases_each(kept, kind):
        flags.append("transaminases_either")  # "> 3 x ULN": both, or either?
    if _indication_unread(kept, tokens, kind):
        flags.append("indication_unread")
    all_leaves = [leaf for _, _, c in kept for leaf in leaves(c)]
    excepting = [n for n in all_leaves if isinstance(n, HasConcept) and n.except_concepts]
    if excepting and len(excepting) < len(all_leaves):
        # "No concurrent chemotherapy (except hydroxyurea) or radiotherapy", "Antiretroviral
        # agents (other than AZT) or immunomodulating agents within 15 days": what follows the
        # exception may share its negation or its window
        flags.append("exception_in_list")
    repeated: set[int] = set()  # "No prior anti-VEGF agent allowed": "allowed" repeats "no"
    not_allowed = _no_x_allowed(norm.text, kept, cues)
    if not_allowed:
        last = cues.pop()
        repeated = {i for i, t in enumerate(tokens) if (t.start_pos or 0) == last.span[0]}
        start, end = norm.span(*last.span)
        # the clause's nodes reach over "(is) allowed", the words that repeat its negation
        nodes = [
            _map_spans(
                n,
                lambda sp: (
                    (sp[0], end)
                    if re.fullmatch(r"(?i)\s*(?:is|are)?\s*", text[sp[1] : start])
                    else sp
                ),
            )
            for n in nodes
        ]
    frame = _frame(norm.text, tokens, kept, cues)
    framed: set[int] = set(repeated)
    if frame is not None:  # "... are not eligible": the words of the frame are read
        cues = [c for c in cues if not (frame[0] <= c.span[0] < frame[1])]
        framed = {i for i, t in enumerate(tokens) if frame[0] <= (t.start_pos or 0) < frame[1]}
        nodes = [_any(nodes, (0, len(text)))]
        nodes = [Not(item=nodes[0], span=nodes[0].span)] if kind == "inclusion" else nodes
        flags.append("disqualifying_frame")
    flags += sorted({f"cue:{c.word}" for c in cues})
    spans = [
        (t.start_pos or 0, t.end_pos or 0)
        for i, t in enumerate(tokens)
        if i not in framed
        and i not in exemplified
        and not other_treatment(tokens, i)
        and ((i not in inside and _is_content(t)) or (i in inside and _read_past(t)))
    ]
    spans += [c.span for c in cues]
    uncovered = _merge([norm.span(a, b) for a, b in sorted(set(spans))], text)
    if len(text) > len(source):  # the truncated tail was not read
        uncovered.append((len(source), len(text)))
    free = no_constraint(
        norm.text,
        [t for i, t in enumerate(tokens) if not (i in inside and t.type == "COND_INTRO")],
        cues,
        bool(uncovered),
        bool(either_sex) and not nodes,
        bool(nodes),
        kind=kind,
    )
    if free is not None:
        return _free(text, kind, free, tuple(f for f in flags if not f.startswith("cue:")))
    if not nodes:
        reason = "no computable clause" if tokens else "empty"
        node: Predicate = Unparsed(text=text, reason=reason, span=(0, len(text)))
        status: Status = "unparsed"
    else:
        node = _combine(nodes, kind, (0, len(text)))
        if kind == "exclusion" and isinstance(node, Not) and not_allowed:
            # "No X allowed" says X is not allowed, in either list
            node = node.item.model_copy(update={"span": node.span})
        elif kind == "exclusion" and _negates(node):
            # "No prior herpes zoster", "Negative HIV test", "Age 18 or older and no prior
            # chemotherapy" in an exclusion list: does X exclude, or its absence?
            flags.append("negated_exclusion")
        node_flags = sorted({f for f in _all_flags(node)})
        # "and"/"or" before a comparator that joined two clauses: read as the list reads them
        # ("and" in an exclusion, "or" in an inclusion) it might mean the other way round
        wrong_join = "and_clauses" if kind == "exclusion" else "or_clauses"
        if wrong_join in node_flags:
            flags.append(f"cue:{wrong_join.split('_')[0]}")
        other_unread = (
            any(f != "disqualifying_frame" for f in flags)
            or (kind == "exclusion" and "inclusion_only" in node_flags)
            or any(f in UNREAD_FLAGS for f in node_flags)
            or _and_unread(node, kind)
        )
        holes = [n for n in walk(node) if isinstance(n, Unparsed)]
        status = "partial" if uncovered or other_unread or holes else "compiled"
        if (
            not (uncovered or other_unread)
            and holes
            and all(h.reason == UNNAMED_REASON for h in holes)
        ):  # only classes no lexicon holds are not read: their Kleene value is sound
            flags.append("sound_partial")
        if isinstance(node, Unparsed):  # "<= ULN or <= 0": bounds without a subject
            status = "unparsed"
        tail = _trailing_requirement(kind, norm, tokens, kept, cues, flags, node_flags)
        if tail is not None and any(start < tail for start, _ in uncovered):
            tail = None  # something before the "and" was not read either
        if status == "partial" and tail is not None and not _has_unparsed(node):
            rest = Unparsed(text=text[tail:].strip(), reason="a further requirement not read")
            node = AllOf(
                items=(node, rest.model_copy(update={"span": (tail, len(text))})),
                span=(0, len(text)),
            )
            flags.append("sound_partial")
    node_flags = sorted({f for f in _all_flags(node)})
    return CompiledCriterion(
        text=text,
        kind=kind,
        predicate=node,
        status=status,
        flags=tuple(flags + node_flags + (["unless"] if applies_if is not None else [])),
        uncovered=tuple(uncovered),
        canonical=render(node),
        applies_if=applies_if,
    )


def _compile_run_on(
    text: str, pieces: list[Piece], kind: CriterionKind, flags: list[str]
) -> CompiledCriterion:
    """A run-on bullet: each labelled piece compiled alone, all of them required (AND). A piece
    not fully read stands in the tree as an Unparsed node, so the tree's Kleene value is sound
    (flag `sound_partial`): it can fail on a piece that fails, and pass only when all pass."""
    items: list[Predicate] = []
    unread: list[Span] = []
    for piece in pieces:
        part = counted_under(piece.label, compile_criterion(piece.text, kind))
        if part.applies_if is not None:  # "SWOG 0-2 (unless due to bone pain)": not read here
            part = part.model_copy(update={"status": "partial", "applies_if": None})
        end = piece.start + len(piece.text)
        if part.status == "no_constraint":
            continue
        if part.status == "compiled":
            items.append(_shifted(part.predicate, piece.start))
            continue
        items.append(
            Unparsed(text=piece.text, reason=f"{part.status} piece", span=(piece.start, end))
        )
        unread += [(a + piece.start, b + piece.start) for a, b in part.uncovered] or [
            (piece.start, end)
        ]
    if not items:
        why = "placeholders only" if pieces else "heading"
        return _free(text, kind, why, (*flags, "run_on"))
    node = _all(items, (0, len(text)))
    more = ["run_on"] + (["sound_partial"] if unread else [])
    return CompiledCriterion(
        text=text,
        kind=kind,
        predicate=node,
        status="partial" if unread or flags else "compiled",
        flags=tuple(flags + more + sorted(set(_all_flags(node)))),
        uncovered=tuple(_merge(sorted(unread), text)),
        canonical=render(node),
    )


def compile_slice(text: str, kind: CriterionKind, start: int, end: int) -> CompiledCriterion:
    """text[start:end] compiled alone, its spans in `text` ("ECOG 0-2" of "ECOG 0-2 OR")."""
    part = compile_criterion(text[start:end], kind)
    return part.model_copy(
        update={
            "text": text,
            "predicate": _shifted(part.predicate, start),
            "uncovered": tuple((a + start, b + start) for a, b in part.uncovered),
        }
    )


def compile_with_subject(text: str, kind: CriterionKind, label: str) -> CompiledCriterion | None:
    """A bullet whose subject is the label of its section ("Life expectancy:" over "At least 3
    months", "Age:" over "18 and over"), read as "label: text"; None unless that reads fully.
    Spans stay in the bullet (the label's words map to its start)."""
    head = f"{label.strip().rstrip(':')}: "
    read = compile_criterion(head + text, kind)
    if read.status != "compiled":
        return None
    off = len(head)
    node = _map_spans(read.predicate, lambda s: (max(s[0] - off, 0), max(s[1] - off, 0)))
    return read.model_copy(update={"text": text, "predicate": node})


def clipped(node: Any, end: int) -> Any:
    """A node (and its children) with spans cut at `end` (words borrowed from outside the
    bullet, as a section's window, map to its end)."""
    return _map_spans(node, lambda span: (min(span[0], end), min(span[1], end)))


def _shifted(node: Any, offset: int) -> Any:
    """A node (and its children) with spans moved by `offset` characters."""
    return _map_spans(node, lambda span: (span[0] + offset, span[1] + offset))


def _trailing_requirement(
    kind: CriterionKind,
    norm: Normalized,
    tokens: list[Token],
    clauses: list[tuple[int, int, Predicate]],
    cues: list[Cue],
    flags: list[str],
    node_flags: list[str],
) -> int | None:
    """Where an inclusion's unread text is one further requirement after "and" at its end
    ("More than 4 weeks since prior chemotherapy and recovered"), the offset it starts at.

    Read as AND(what was read, unknown), the bullet fails when the read part fails and never
    passes on its own: sound for an inclusion ("X and Y" requires X whatever Y says). Not after
    a leading negation ("No X and Y" may mean not both), nor with any other cue or flag.
    """
    if kind != "inclusion" or not clauses or isinstance(clauses[0][2], Not):
        return None
    last = clauses[-1][1]
    joiner = next((i for i in range(last, len(tokens)) if tokens[i].type != "COMMA"), None)
    if joiner is None:
        return None
    recovered = tokens[joiner].type == "RECOVERED"  # "regimens and recovered" (not a time since)
    if not recovered and (
        tokens[joiner].type not in ("_AND", "AND_CMP") or str(tokens[joiner]).lower() != "and"
    ):
        return None
    if [c.word for c in cues] not in ([], ["and"]):
        return None
    if any(not f.startswith("cue:and") for f in flags) or set(node_flags) & UNREAD_FLAGS:
        return None
    after = next((t for t in tokens[joiner + 1 :] if t.type != "COMMA"), None)
    if not recovered and (after is None or str(after).lower() not in _REQUIREMENT_STARTS):
        return None  # "NYHA class II and III", "estrogen and progesterone status": one phrase
    start = norm.span(tokens[joiner].start_pos or 0, tokens[joiner].end_pos or 0)[0]
    return start


# a further requirement after "and" starts with one of these ("and recovered", "and able to")
_REQUIREMENT_STARTS = frozenset(
    "recovered recovery fully must able willing agree agrees has have is are".split()
)


_LIST_STATES = frozenset({"pregnancy", "breastfeeding"})


def _and_unread(node: Any, kind: CriterionKind) -> bool:
    """Concepts joined by "and" ("AIDS and cerebral toxoplasmosis", "Diagnosis of AIDS and
    MAC"): in an inclusion they are both required, which a list node does not say; in an
    exclusion a long list ("HIV, hepatitis B and hepatitis C") means any of them, but a pair may
    mean both. Not decided, except "pregnant and lactating" (either excludes)."""
    for n in walk(node):
        if "and_list" in n.flags and kind == "inclusion":
            return True
        if "and_pair" in n.flags:
            concepts = {i.concept for i in getattr(n, "items", ()) if isinstance(i, HasConcept)}
            if kind == "inclusion" or not concepts <= _LIST_STATES:
                return True
    return False


def _free(text: str, kind: CriterionKind, why: str, flags: tuple[str, ...]) -> CompiledCriterion:
    """A bullet that constrains nobody, and why ("placeholder", "permission", "heading")."""
    node = NoConstraint(reason=why, span=(0, len(text)))
    return CompiledCriterion(
        text=text,
        kind=kind,
        predicate=node,
        status="no_constraint",
        flags=flags,
        canonical=render(node),
    )


def _has_unparsed(node: Any) -> bool:
    """Does the tree hold a piece that was read but means nothing (a bound with no subject)?"""
    return any(isinstance(n, Unparsed) for n in walk(node))


def _merge(spans: list[Span], text: str) -> list[Span]:
    """Join uncovered spans separated only by whitespace."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _all_flags(node: Any) -> list[str]:
    return [f for n in walk(node) for f in n.flags]
