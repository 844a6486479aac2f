"""A status is a promise: no `compiled` corpus bullet holds a cue word its tree does not explain.

The check is independent of the compiler's own guard (language/cues.py): it finds cue words in
the bullet text with its own patterns and asks the tree for a node whose kind gives that word a
meaning and whose span covers it — a `not` for a negation, a `conditional` for "if", an `any_of`
for "or"; a leaf covers words that are part of its own phrase ("not more than", "HIV positive").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from conftest import CORPUS, need_shared
from trialscreen.language.compiler import compile_criterion
from trialscreen.language.runon import split_run_on
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.predicate import Predicate
from trialscreen.trials.load import load_trials

# category -> pattern; the words come from ConText/NegEx trigger lists and the criteria corpus
CUES: dict[str, re.Pattern[str]] = {
    "negation": re.compile(
        r"(?i)\b(?:no|not|without|never|none|neither|nor|cannot|free of|absence of|"
        r"ineligible|excluded|prohibited)\b"
    ),
    "exception": re.compile(r"(?i)\b(?:other than|except|unless|but|excluding|apart from)\b"),
    "condition": re.compile(r"(?i)\b(?:if|provided|only|when|for (?:patients|subjects) with)\b"),
    "alternation": re.compile(r"(?i)\b(?:or|either|and/or)\b"),
    "permission": re.compile(r"(?i)\b(?:allowed|permitted|may|eligible|acceptable)\b"),
    "polarity": re.compile(r"(?i)\b(?:negative|positive)\b"),
}
# which node kinds give a category its meaning when they cover the word
EXPLAINS: dict[str, tuple[str, ...]] = {
    "negation": ("not",),
    "condition": ("conditional",),
    "alternation": ("any_of", "conditional"),  # "<= 1.5 x ULN or <= 3 x ULN if Gilbert's"
    "polarity": ("not",),  # "HIV and hepatitis B negative": no (HIV or hepatitis B)
    "exception": ("not",),  # "... (unless Gilbert's syndrome)": applies only if not
}
LEAVES = (
    "lab_compare",
    "score_compare",
    "age_compare",
    "life_expectancy",
    "measure_compare",
    "sex_is",
    "has_concept",
    "time_since",
    "concept_duration",
    "concept_onset",
    "regimen_count",
    "biomarker_status",
    "biomarker_value",
)


def _nodes(node: Predicate) -> Iterator[Predicate]:
    yield node
    for item in getattr(node, "items", ()):
        yield from _nodes(item)
    for name in ("item", "then", "otherwise"):
        child = getattr(node, name, None)
        if child is not None:
            yield from _nodes(child)


# "male or female": both sexes named, which constrains nobody (and leaves no node)
EITHER_SEX = re.compile(
    r"(?i)\b(?:males?|females?|m[ae]n|wom[ae]n|boys?|girls?)\s+(?:or|and/or)\s+"
    r"(?:males?|females?|m[ae]n|wom[ae]n|boys?|girls?)\b"
)


# "prior or current": one timing (any time), read as such by the grammar's EVER terminal
THEN_OR_NOW = re.compile(
    r"(?i)\b(?:prior|previous|past|known|history of|current|concurrent|ongoing|active)\s+"
    r"(?:or|and/or)\s+(?:current|concurrent|concomitant|ongoing|active|prior|previous|past|known)\b"
)


def _free_pieces(compiled: CompiledCriterion) -> list[tuple[int, int]]:
    """Spans of the pieces of a run-on bullet that constrain nobody ("Hepatic: Not specified")."""
    if "run_on" not in compiled.flags:
        return []
    out = []
    for piece in split_run_on(compiled.text) or []:
        if compile_criterion(piece.text, compiled.kind).status == "no_constraint":
            out.append((piece.start, piece.start + len(piece.text)))
    return out


def unexplained(compiled: CompiledCriterion) -> list[str]:
    """Cue words of a compiled bullet that no node of its tree explains."""
    nodes = list(_nodes(compiled.predicate))
    if compiled.applies_if is not None:  # "... unless X": the bullet applies only if not X
        nodes += list(_nodes(compiled.applies_if))
    framed = "disqualifying_frame" in compiled.flags
    either = [m.span() for m in EITHER_SEX.finditer(compiled.text)] + _free_pieces(compiled)
    either += [m.span() for m in THEN_OR_NOW.finditer(compiled.text)]
    out: list[str] = []
    for category, pattern in CUES.items():
        for match in pattern.finditer(compiled.text):
            at = match.start()
            if any(a <= at < b for a, b in either):
                continue
            kinds = EXPLAINS.get(category, ()) + LEAVES
            if any(n.kind in kinds and n.span[0] <= at < n.span[1] for n in nodes):
                continue
            if framed and category in ("negation", "permission"):
                continue  # "... are not eligible": the frame is read as a whole
            out.append(f"{category}:{match.group(0)}")
    return out


def _corpus_compiled() -> Iterator[CompiledCriterion]:
    for trial in load_trials(need_shared(CORPUS)):
        for bullet in trial.bullets:
            compiled = compile_criterion(bullet.text, bullet.kind)
            if compiled.status == "compiled":
                yield compiled


@pytest.mark.corpus
@pytest.mark.slow
def test_no_compiled_corpus_bullet_holds_an_unexplained_cue() -> None:
    bad = [(c.text, unexplained(c)) for c in _corpus_compiled() if unexplained(c)]
    assert not bad, f"{len(bad)} compiled bullets with unexplained cues, e.g. {bad[:5]}"


@pytest.mark.parametrize(
    ("text", "kind", "cues"),
    [
        ("No known HIV infection", "inclusion", []),
        ("ANC not less than 1500/mm3", "inclusion", []),
        ("ECOG 0-1 or Karnofsky >= 70", "inclusion", []),
    ],
)
def test_the_check_itself(text: str, kind: str, cues: list[str]) -> None:
    compiled = compile_criterion(text, "exclusion" if kind == "exclusion" else "inclusion")
    assert compiled.status == "compiled"
    assert unexplained(compiled) == cues


def test_the_check_finds_a_dropped_word() -> None:
    fake = compile_criterion("HIV infection").model_copy(
        update={"text": "HIV infection is not allowed"}
    )
    assert unexplained(fake) == ["negation:not", "permission:allowed"]
