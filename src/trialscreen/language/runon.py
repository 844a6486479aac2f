"""NCI-style run-on bullets: one paragraph holding many labelled criteria.

"Age: 18 and over Performance status: ECOG 0-2 Life expectancy: Not specified Hematopoietic:
ANC at least 1,500/mm3 ..." is split at its inline labels into pieces, each compiled on its own
(language/compiler.py). A label that names the subject ("Age", "Performance status") stays with
its piece; a topic label ("Hepatic", "Other") is dropped. The labels are the section names of
the NCI PDQ eligibility format, counted in the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBJECT_LABELS = (
    "age",
    "sex",
    "performance status",
    "life expectancy",
    "menopausal status",
    "hormone receptor status",
)
TOPIC_LABELS = (
    "other",
    "hepatic",
    "renal",
    "hematopoietic",
    "hematologic",
    "cardiovascular",
    "cardiac",
    "pulmonary",
    "neurologic",
    "gastrointestinal",
    "immunologic",
    "metabolic",
    "biologic therapy",
    "endocrine therapy",
    "chemotherapy",
    "radiotherapy",
    "surgery",
    "patient characteristics",
    "disease characteristics",
    "prior concurrent therapy",
    # "Liver function: total bilirubin <= 1.5 x ULN": what the values show
    "liver function",
    "hepatic function",
    "renal function",
    "kidney function",
    "bone marrow function",
    "marrow function",
    "hematologic function",
    "hematological function",
    "haematological function",
    "cardiac function",
)
_LABEL = re.compile(
    r"(?i)(?:^|(?<=[\s.;]))("
    + "|".join(sorted((re.escape(x) for x in SUBJECT_LABELS + TOPIC_LABELS), key=len, reverse=True))
    + r")\s*:\s*"
)


# topic labels that name a treatment: "None" under one is no placeholder (language/cues.py)
_TREATMENT_LABELS = frozenset(
    {"biologic therapy", "endocrine therapy", "chemotherapy", "radiotherapy", "surgery"}
)
_NONE = re.compile(r"(?i)^\s*(?:none|n/?a|not applicable)\s*[.;]?\s*$")


@dataclass(frozen=True, slots=True)
class Piece:
    """One labelled criterion of a run-on bullet: the text to compile and where it starts."""

    text: str
    start: int  # offset of `text` in the bullet
    label: str


def split_run_on(text: str) -> list[Piece] | None:
    """The pieces of a run-on bullet (labels, the first at the start: two or more, or one topic
    label such as "Hepatic: No cirrhosis"), or None."""
    found = list(_LABEL.finditer(text))
    if not found or text[: found[0].start()].strip():
        return None
    if len(found) == 1 and found[0].group(1).lower() in SUBJECT_LABELS:
        return None  # "Age: 18 and over" reads as it stands
    if (
        len(found) == 1
        and found[0].group(1).lower() in _TREATMENT_LABELS
        and _NONE.match(text[found[0].end() :])
    ):
        return None  # "Chemotherapy: None" reads as it stands (language/cues.py)
    pieces: list[Piece] = []
    for here, after in zip(found, [*found[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        label = here.group(1).lower()
        start = here.start() if label in SUBJECT_LABELS else here.end()
        if label in _TREATMENT_LABELS and _NONE.match(text[here.end() : end]):
            start = here.start()  # "Chemotherapy: None": none allowed? read with its label
        for a, b in _around_placeholders(text, start, end, label in SUBJECT_LABELS):
            for c, d in _sentences(text, a, b, label in SUBJECT_LABELS):
                body = text[c:d].rstrip()
                if body.strip(" .;:"):
                    pieces.append(Piece(body, c, label))
    return pieces


# where the sentences of a topic label's piece run into each other with no stop ("At least 12
# months since prior rituximab No prior interleukin-12 No other concurrent immunotherapy"): a
# capitalised opening word right after a word, a number or a closing bracket starts the next
# criterion; each is required, as every piece is
_SENTENCE_START = re.compile(
    r"(?<=[A-Za-z0-9)\]%])\s+(?=(?:No|Not|At least|More than|Greater than|Less than|Fewer than|"
    r"Prior|Previous|Recovered|Concurrent|Any|Must)\b)"
)
# a permission or an exception may be about its neighbours ("At least 4 weeks since prior
# chemotherapy Prior hydroxyurea allowed"): such a piece is not split
_ABOUT_OTHERS = re.compile(
    r"(?i)\b(?:allowed|permitted|acceptable|eligible|except|excluding|unless|other|others|"
    r"additional|further|required|requirements?|must have received|apart from|however|but)\b"
    # an inner label ("Phase II:", "Arm I:", "Aplastic anemia patients:") scopes what follows it
    r"|:"
)


_JOINED = re.compile(r"(?i)\b(?:or|and|and/or|nor|with|without|of|for|to)\s*$")
# a cut piece "No X and receiving Y" / "Not HIV positive AND receiving ART": the negation may be
# of the pair, not of each: such a run is not cut
_AND_NEXT = re.compile(r"(?i)(?:no|not)\b[^.;]*\band\b")


def _sentences(text: str, start: int, end: int, subject: bool) -> list[tuple[int, int]]:
    """text[start:end] cut where one criterion runs into the next (topic labels only; never
    inside brackets, never where a permission or exception may be about its neighbours)."""
    body = text[start:end]
    if subject or _ABOUT_OTHERS.search(body):
        return [(start, end)]
    cuts = [
        m.end()
        for m in _SENTENCE_START.finditer(body)
        if body[: m.start()].count("(") == body[: m.start()].count(")")
        and body[: m.start()].count("[") == body[: m.start()].count("]")
        and not _JOINED.search(body[: m.start()])  # "... or" / "... and": one sentence
        and not _AND_NEXT.match(body[m.end() :])
    ]
    bounds = [0, *cuts, len(body)]
    return [(start + a, start + b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


# a placeholder run into the sentences after it ("Chemotherapy: See Disease Characteristics At
# least 4 weeks since prior chemotherapy"): it constrains nobody; the rest is read on its own
_INNER_PLACEHOLDER = re.compile(
    r"(?i)\bsee (?:the )?(?:disease|patient|general) characteristics\b[.;]?|"
    r"^\s*not specified\b[.;]?(?=\s+(?-i:[A-Z]))"
)


def _around_placeholders(text: str, start: int, end: int, subject: bool) -> list[tuple[int, int]]:
    """The stretches of text[start:end] outside its placeholders (a subject label's piece, whose
    label is part of its text, is kept whole)."""
    if subject:
        return [(start, end)]
    out, at = [], start
    for m in _INNER_PLACEHOLDER.finditer(text[start:end]):
        out.append((at, start + m.start()))
        at = start + m.end()
    out.append((at, end))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out]
