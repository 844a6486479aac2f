"""Intermediate values the transformer passes between rules before nodes are built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialscreen.lexicon.biomarkers import Alteration
from trialscreen.model.predicate import Op, Span

TIME_UNIT_DAYS: dict[str, float] = {
    "y": 365.25,
    "mo": 365.25 / 12,
    "m": 365.25 / 12,
    "w": 7.0,
    "d": 1.0,
    "h": 1 / 24,
}
# numbers in words; "twenty-one" and "twenty one" are one number (a hyphenated tens word is never
# read as its first part)
NUMBER_WORDS: dict[str, float] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
NUMBER_WORDS.update(
    {
        f"{tens}-{unit}": NUMBER_WORDS[tens] + NUMBER_WORDS[unit]
        for tens in ("twenty", "thirty", "forty", "fifty", "sixty")
        for unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    }
)


def number_word(text: str) -> float:
    """The value of a number in words as written ("Twenty one", "three (3)")."""
    word = re.sub(r"[\s-]+", "-", text.split("(")[0].strip().lower())
    return NUMBER_WORDS[word]


ROMAN: dict[str, float] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


def days_per(unit_text: str) -> float:
    """Days in one of a time unit as written ("weeks", "mo", "yrs.")."""
    word = unit_text.lower().rstrip(".")
    if word.startswith("mo"):
        return TIME_UNIT_DAYS["mo"]
    return TIME_UNIT_DAYS.get(word[0], 1.0)


@dataclass(frozen=True, slots=True)
class Num:
    value: float
    span: Span


@dataclass(frozen=True, slots=True)
class QuantitySpec:
    value: float
    unit: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class MultipleSpec:
    factor: float
    limit: str  # "ULN" | "LLN"
    span: Span


Value = QuantitySpec | MultipleSpec


@dataclass(frozen=True, slots=True)
class BoundSpec:
    """One or two comparisons ("<= 2.5 x ULN"; a range is two)."""

    parts: tuple[tuple[Op, Value], ...]
    span: Span
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Subject:
    analyte: str
    span: Span
    flags: tuple[str, ...] = ()
    text: str = ""  # the name as written ("CD4 cell counts")


@dataclass(frozen=True, slots=True)
class ExceptSpec:
    """The concepts an exception leaves out ("other than basal cell carcinoma")."""

    concepts: tuple[str, ...]
    span: Span
    # a condition on the excepted kinds the record cannot check ("adequately treated")
    qualifier: str | None = None


# the words that open a "requiring ..." qualifier (grammar NEEDING): how bad, not what
NEEDING_WORDS = ("requiring", "that require", "which require", "needing", "in need of")
# qualifiers written after the concept they qualify: "requiring ...", and how much of the marrow
# a radiotherapy reached ("to more than 25% of bone marrow")
AFTER_CONCEPT = (*NEEDING_WORDS, "to more than", "to at least", "causing it")


@dataclass(frozen=True, slots=True)
class IndicationSpec:
    """What a treatment was given for ("chemotherapy for metastatic disease"); `intro` is the
    word that introduced it, read only when it is "for"."""

    concept: str
    intro: str
    span: Span
    several: bool = False  # more than one condition, or a qualified one: which was it for?


@dataclass(frozen=True, slots=True)
class SinceMore:
    """A further wait in brackets after a time since ("(6 weeks for nitrosoureas)"): its own
    comparator if written (else the clause's), days, and what it is for."""

    op: Op | None
    days: float
    refs: tuple[ConceptRef, ...]
    span: Span
    plain: bool = True  # introduced by "for"/"since", no route or severity words


@dataclass(frozen=True, slots=True)
class MarkerItem:
    """One tumour marker of a list, with its result as written: None where the result comes
    from a later item ("ER" of "ER/PR negative") or `dash` ("ER-" of "ER- and/or PR-positive")."""

    marker: str
    result: str | None
    alteration: Alteration
    variants: tuple[str, ...]
    germline: bool
    span: Span
    dash: bool = False
    unread: bool = False  # variants joined by "and", or a variant the text does not spell


@dataclass(frozen=True, slots=True)
class RegimenKind:
    """What a count of prior treatment counts ("chemotherapy regimens", "lines of systemic
    therapy", "regimens"): the concept named (None: lines of any kind), the words before it,
    whether "regimen"/"line" was written, and the linking words ("of")."""

    ref: ConceptRef | None
    words: tuple[Word, ...]
    regimen: bool
    links: tuple[str, ...]
    span: Span
    several: bool = False  # more than one kind named
    therapy_words: tuple[str, ...] = ()  # "therapies", "treatment" written without a name


@dataclass(frozen=True, slots=True)
class LastingSpec:
    """How long a concept lasted ("for at least 6 months"); `intro` as for IndicationSpec."""

    op: Op
    days: float
    intro: str
    span: Span
    # "for at least the past 6 months": up to now (the episode goes on); "for at least 3 months
    # prior to screening" without a word that says now: any course, or the one up to now? (None:
    # not read)
    until_now: bool | None = False


@dataclass(frozen=True, slots=True)
class ConceptRef:
    concept: str
    span: Span
    qualifiers: tuple[str, ...] = ()
    phrase: str = ""  # the words as written


@dataclass(frozen=True, slots=True)
class CondSpec:
    """A bound that applies under a condition: "(<= 5 x ULN for liver metastases)"."""

    bound: BoundSpec
    condition: ConceptRef | None
    span: Span
    sex: str | None = None  # "(<= 1.2 for women)": a branch on sex, not a condition


@dataclass(frozen=True, slots=True)
class SexScope:
    """The sex a threshold is for: "for women", "in males", "(men)"."""

    sex: str  # "female" or "male"
    span: Span


@dataclass(frozen=True, slots=True)
class WindowSpec:
    days: float
    span: Span
    op: Op = "<="  # "less than N weeks prior": "<" (a window); "more than N days before": ">"

    @property
    def after(self) -> bool:
        """ "more than N days before entry": not a window, how long ago it began."""
        return self.op in (">", ">=")


@dataclass(frozen=True, slots=True)
class GradeSpec:
    op: Op
    grade: int
    span: Span


@dataclass(frozen=True, slots=True)
class Moment:
    """ "at screening", "at the time of enrollment" after a concept: now (grammar `at_now`)."""


@dataclass(frozen=True, slots=True)
class Word:
    """A qualifier or connective kept for its meaning ("prior", "uncontrolled", "no")."""

    role: str
    text: str
    span: Span


@dataclass(slots=True)
class ScoreBound:
    parts: list[tuple[Op, float]] = field(default_factory=list)
    any_of: bool = False
    span: Span = (0, 0)
