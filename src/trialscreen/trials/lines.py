"""Line classification for criteria text: list markers and heading lines.

Heading levels (see `segment` for what each does to the running state):

- MAJOR   "Inclusion Criteria:", "Key exclusion criteria", "INCLUSION:", "PROTOCOL ENTRY CRITERIA:"
- TOP     NCI sections ("DISEASE CHARACTERISTICS:", "--Patient Characteristics--") and
          ALL-CAPS lines of two or more words ending with ':'
- SUB     short labels ending with ':' ("Age:", "Performance status:", "Prior Medication:"),
          and a short label set apart just above a list ("Obesity-related")
- LEAF    qualifying labels ("Excluded:", "Allowed:", "Required:", "Excluded within 30 days:")
- INTRO   sentences that introduce a list ("Patients must have:", "Patients with the following
          are excluded:"); they may switch the kind but open no section
- DECOR   lines without a letter or digit ("---", "***") and notes ("NOTE:", "PER AMENDMENT
          4/3/96:"): no effect at all
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from trialscreen.model.trial import CriterionKind

MAJOR, TOP, SUB, LEAF, INTRO, DECOR = range(6)


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of criteria text."""

    begin: int  # start of the line
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    indent: int  # column of `start`, tabs expanded
    blanks: int  # blank lines just before this one


def split_lines(text: str) -> Iterator[Line]:
    """The non-blank lines of `text` with their offsets."""
    position = blanks = 0
    for raw in text.splitlines(keepends=True):
        body = raw.strip()
        if body:
            lead = len(raw) - len(raw.lstrip())
            width = len(raw[:lead].expandtabs(4))
            yield Line(position, position + lead, position + len(raw.rstrip()), width, blanks)
            blanks = 0
        else:
            blanks += 1
        position += len(raw)


_MARKER = re.compile(
    r"""
    (?P<sym>[-*+\u2013\u2014])(?=\s|$)                      # - * + en/em dash, then a space
  | (?P<dot>[\u2022\u00b7\u25e6\u25aa\u25cf\u25cb\u25a0\u25a1\u25ba\u27a2\uf0b7])
  | \\(?P<esc>[-*+])(?=\s)                                   # Markdown-escaped - * +
  | (?P<o>o)(?=\s)
  | (?P<open>\()?(?P<num>\d{1,3}|[A-Za-z]|[ivx]{2,6}|[IVX]{2,6})
    (?P<close>(?(open)\)|(?:[.)]|\\\.)))(?=\s|$)
  | (?P<tight>\d{1,2})\.(?=[A-Z][a-z])                          # "9.The subjects"
    """,
    re.VERBOSE,
)
_SYMBOL_FAMILY = {"-": "dash", "\u2013": "dash", "\u2014": "dash", "*": "star", "+": "plus"}


@dataclass(frozen=True, slots=True)
class Marker:
    """A list marker at the start of a line: its family (for nesting) and where it ends."""

    family: str
    end: int


def match_marker(text: str, start: int) -> Marker | None:
    """The list marker starting at `start`, if any."""
    found = _MARKER.match(text, start)
    if found is None:
        return None
    groups = found.groupdict()
    if groups["sym"] or groups["esc"]:
        family = _SYMBOL_FAMILY[groups["sym"] or groups["esc"]]
    elif groups["dot"] or groups["o"]:
        family = "bullet" if groups["dot"] else "o"
    elif groups["tight"]:
        family = "num."
    else:
        family = _number_family(groups["num"], groups["close"], bool(groups["open"]))
    return Marker(family, found.end())


def _number_family(token: str, close: str, parenthesised: bool) -> str:
    """Family of an enumerator: digits, letters or roman numerals, with their punctuation."""
    if token.isdigit():
        kind = "num"
    elif len(token) > 1:
        kind = "roman"
    else:
        kind = "alpha" if token.islower() else "ALPHA"
    return kind + ("()" if parenthesised else close.lstrip("\\"))


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """A heading found at the start of a line's content."""

    level: int
    kind: CriterionKind | None
    labels: tuple[str, ...]  # section labels it opens (TOP: one, SUB: one or two, LEAF: one)
    start: int  # where the heading text starts inside the content (after decoration)
    end: int  # where it ends; anything after it on the line is a bullet


_HEADING_WORDS = ("clusion", "xlusion", "eligib", "entry", "selection", "enrol", "criteri")
_DECORATION = re.compile(r"^[#*_\s]+|[*_\s]+$")
_WORD_KIND = (
    r"(?P<word>inclusions?|exclusions?|exlusions?|non-inclusion|(?:in|non-?)eligibility|eligibility|"
    r"entry|selection|"
    r"enrol?lment)"
)
_MAJOR = re.compile(
    rf"""(?P<qual>(?:[\w-]+\s+){{0,3}}?){_WORD_KIND}
    (?:\s*(?:/|and|&|or|-)\s*(?P<word2>inclusion|exclusion|non-inclusion))?
    (?P<crit>\s+criteri(?:a|on|ons))?(?P<tail>(?:\s+\S+){{0,6}}?)\s*\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
_QUAL_STOP = frozenset(
    "to meet meeting not no any all the of with are is be have has must may per see as above "
    "following who which these those that further".split()
)
_TAIL_START = re.compile(r"\s*(?:for\b|-|\u2013|\(|\[)", re.IGNORECASE)
_NCI = re.compile(
    r"(?P<label>(?:disease|patient|population)\s+characteristics"
    r"|prior\s*(?:/|and)?\s*(?:concurrent|current)\s+therap(?:y|ies))\s*:",
    re.IGNORECASE,
)
_DASHED = re.compile(r"-{2,}\s*(?P<label>[^-\s][^-]{0,60}?)\s*-{2,}(?!-)")
_EXCLUDING = re.compile(
    r"\b(?:excluded?|exclusions?|ineligible|prohibited|none\s+of\s+the\s+following"
    r"|not\s+(?:be\s+)?(?:eligible|enrolled|included|allowed|permitted)"
    r"|(?:must|may|should|can)\s*not\s+(?:have|be|meet)|cannot\s+(?:have|be))\b",
    re.IGNORECASE,
)
_INCLUDING = re.compile(
    r"\b(?:included|inclusion|eligible|eligibility|required|(?:must|should)\s+(?:have|meet|be))\b",
    re.IGNORECASE,
)
_MAJOR_START = re.compile(
    r"(?:key\s+)?(?P<word>inclusion|exclusion|eligibility)\s+criteria\s*(?:-|\u2013|:)\s*\w",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"\b(?:unless|except|provided|overrides?)\b", re.IGNORECASE)
_CONNECTORS = frozenset({"or", "and", "and/or", "either", "plus"})
_DIGIT = re.compile(r"(?<![A-Za-z])\d")
_SENTENCE_BREAK = re.compile(r"[.;]\s+[A-Z]")
_NO_CRITERIA = re.compile(r"no\s+(?:eligibility\s+)?criteria\.?$", re.IGNORECASE)
_INTRO_WORDS = frozenset(
    "must have has are is was were will may should be been meet meets following if who which "
    "can shall need they you not".split()
)
_POPULATION = re.compile(
    r"(?:patients?|subjects?|participants?|volunteers?|individuals?|persons?|people|you|your|"
    r"children|child|women|men|infants?|mothers?|parents?|candidates?|donors?|all|the|an?|"
    r"healthy|each|in\s+order)\b",
    re.IGNORECASE,
)
_LEAF_WORDS = frozenset(
    "allowed required permitted recommended encouraged discouraged avoided prohibited excluded "
    "included".split()
)
_NOT_SECTIONS = re.compile(r"(?:\[?(?:as\s+)?per\s+amendment|amended|notes?)\b", re.IGNORECASE)


def classify_heading(
    content: str, *, marked: bool, fresh: bool, before_first: bool
) -> HeadingMatch | None:
    """The heading at the start of a line's content (marker removed), or None for a bullet."""
    if not _may_be_heading(content):
        return None
    decorated = content[0] in "#*_" or content[-1] in "*_"
    stripped = _DECORATION.sub("", content) if decorated else content
    if not stripped:
        return None
    offset = content.index(stripped) if decorated else 0
    found = _split_heading(stripped) or _whole_heading(stripped, marked, fresh, before_first)
    if found is None:
        return None
    end = len(content) if found.end == len(stripped) else offset + found.end
    return HeadingMatch(found.level, found.kind, found.labels, offset, end)


def _may_be_heading(content: str) -> bool:
    """A cheap test that rules out most bullet lines before any pattern runs."""
    if ":" in content or content.startswith("--"):
        return True
    lowered = content.lower()
    return any(word in lowered for word in _HEADING_WORDS)


def is_decoration(content: str) -> bool:
    """A line with no letter or digit ("---", "***", "|---|")."""
    return not any(char.isalnum() for char in content)


def _split_heading(core: str) -> HeadingMatch | None:
    """Headings that may carry text after them on the same line (MAJOR, NCI, --X--)."""
    dashed = _DASHED.match(core)
    if dashed:
        label = dashed["label"].strip().rstrip(":").strip()
        major = _major(label)
        if major is not None:
            return HeadingMatch(MAJOR, major[0], (), 0, dashed.end())
        return HeadingMatch(TOP, None, (label,), 0, dashed.end())
    nci = _NCI.match(core)
    if nci:
        return HeadingMatch(TOP, None, (nci["label"],), 0, nci.end())
    colon = core.find(":")
    head = core if colon < 0 else core[:colon]
    major = _major(head, colon >= 0)
    if major is None:
        return None
    return HeadingMatch(MAJOR, major[0], (), 0, len(core) if colon < 0 else colon + 1)


def _major(head: str, colon: bool = True) -> tuple[CriterionKind | None] | None:
    """(kind it switches to,) if `head` is a major heading ("Key Inclusion Criteria"), else None."""
    found = _MAJOR.match(head.strip())
    if found is None or any(word.lower() in _QUAL_STOP for word in found["qual"].split()):
        return None
    word, tail = found["word"].lower().replace("exlusion", "exclusion"), found["tail"]
    bare = word.startswith(("inclusion", "exclusion")) or word.endswith("eligibility")
    if not found["crit"] and (tail or not bare):
        return None
    if tail and not colon and not _TAIL_START.match(tail):
        return None
    words = {word, (found["word2"] or "").lower()}
    excluding = any(w.startswith(("exclusion", "non-inclusion", "inelig", "non")) for w in words)
    including = bool({w for w in words if w and not w.startswith(("exclusion", "non", "inelig"))})
    if excluding == including:
        return (None,)
    return ("exclusion",) if excluding else ("inclusion",)


def _whole_heading(core: str, marked: bool, fresh: bool, before_first: bool) -> HeadingMatch | None:
    """Headings that fill the whole line and end with ':' (LEAF, SUB, TOP, INTRO)."""
    if not core.endswith(":"):
        if fresh and not marked and _NO_CRITERIA.match(core):
            return HeadingMatch(INTRO, None, (), 0, len(core))
        return None
    label = core[:-1].strip()
    words = label.split()
    if not words or not (marked or fresh):
        return None
    parts = [part.strip() for part in label.split(":")]
    if len(parts) == 2 and all(parts) and all(_label_like(part.split()) for part in parts):
        if not marked and label[0].isupper():
            return HeadingMatch(SUB, _line_kind(parts[1]), tuple(parts), 0, len(core))
    leading = _MAJOR_START.match(label)
    if leading:
        return HeadingMatch(MAJOR, _major_word_kind(leading["word"]), (), 0, len(core))
    kind = _line_kind(label)
    if kind is not None and len(words) <= 20:
        level = LEAF if _label_like(words) else INTRO
        return HeadingMatch(level, kind, (label,) if level == LEAF else (), 0, len(core))
    if marked or not label[0].isupper():
        return None
    return _plain_label(label, words, before_first)


def _plain_label(label: str, words: list[str], before_first: bool) -> HeadingMatch | None:
    """An unmarked 'Label:' line without kind words: TOP, SUB, LEAF or INTRO."""
    end = len(label) + 1
    if _NOT_SECTIONS.match(label) and len(words) <= 6:
        return HeadingMatch(DECOR, None, (), 0, end)
    if ":" not in label and _label_like(words):
        if label.upper() == label and any(char.isalpha() for char in label):
            return HeadingMatch(TOP if len(words) > 1 else SUB, None, (label,), 0, end)
        level = LEAF if words[0].lower() in _LEAF_WORDS else SUB
        return HeadingMatch(level, None, (label,), 0, end)
    if before_first or (len(words) <= 12 and _POPULATION.match(label)):
        return HeadingMatch(INTRO, None, (), 0, end)
    return None


def list_label(text: str) -> HeadingMatch | None:
    """A label without a colon that stands above a list: short, no digits, no end punctuation."""
    words = text.split()
    if len(words) > 6 or not text[0].isupper() or text[-1] in ".;,:)]" or _DIGIT.search(text):
        return None
    if not _label_like(words) or _line_kind(text) is not None or text.lower() in _CONNECTORS:
        return None
    return HeadingMatch(SUB, None, (text,), 0, len(text))


def paragraph_heading(text: str) -> HeadingMatch | None:
    """A wrapped paragraph that is an intro sentence naming a kind, ending with ':'."""
    words = text.split()
    if not text.endswith(":") or len(words) > 30 or _SENTENCE_BREAK.search(text):
        return None
    leading = _MAJOR_START.match(text)
    if leading:
        return HeadingMatch(MAJOR, _major_word_kind(leading["word"]), (), 0, len(text))
    kind = _line_kind(text[:-1])
    return None if kind is None else HeadingMatch(INTRO, kind, (), 0, len(text))


def _major_word_kind(word: str) -> CriterionKind:
    """The kind named by the first word of a major heading."""
    return "exclusion" if word.lower().startswith("ex") else "inclusion"


def _line_kind(label: str) -> CriterionKind | None:
    """The kind a LEAF or INTRO line switches to ("Excluded:", "Patients must have:")."""
    if _CONDITIONAL.search(label):
        return None
    if _EXCLUDING.search(label):
        return "exclusion"
    if _INCLUDING.search(label):
        return "inclusion"
    return None


def _label_like(words: list[str]) -> bool:
    """Short and verb-free: a label ("Performance status") rather than a sentence."""
    return len(words) <= 8 and not any(word.lower() in _INTRO_WORDS for word in words)
