"""The words that can change what a criterion means, and the guard that keeps them from being lost.

One list for the whole program: the compiler's guard uses it, and so does the corpus check that a
`compiled` bullet accounts for every cue. A cue accounts for itself only where a grammar rule
gives it meaning: a `NEG` token that opens a `has_concept` or `not_group` clause, a `COND_INTRO`
inside a `condition`, "or" inside an `any_of`. Anywhere else (between clauses, inside a clause as
filler, or in text no clause used) the bullet does not decide, and the reason names the word.

Cue categories follow ConText/NegEx (Chapman et al., 2001 and 2009: negation, exception and
scope-terminating triggers), extended with permission, condition and result-polarity words seen
in ClinicalTrials.gov criteria. The lists are facts, not code, and were written for this project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token

from trialscreen.language.joins import MARKER_TOKENS
from trialscreen.language.runon import TOPIC_LABELS
from trialscreen.lexicon import concepts

# word -> category; matched against WORD tokens (lower case) wherever they stand in a bullet
CUE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        """none neither nor cannot can't cant unable ineligible excluded exclude excludes
        exclusion prohibited forbidden disallowed absent lack lacks lacking deny denies denied
        refuse refuses refused refusal unwilling inability non""".split(),
        "negation",
    ),
    **dict.fromkeys(
        """other others otherwise another except excepting exception exceptions excluding
        unless but besides apart aside instead rather beyond alternatively however
        nevertheless although though""".split(),
        "exception",
    ),
    **dict.fromkeys(
        """provided providing only solely exclusively alone unless until whether regardless
        irrespective whereas where whenever once""".split(),
        "condition",
    ),
    **dict.fromkeys("either one".split(), "alternation"),
    # "(including erythropoietin)", "(e.g., warfarin)": examples of what precedes, not more
    # things required; a clause made of them would be read as one
    **dict.fromkeys("including include includes eg ie such".split(), "example"),
    **dict.fromkeys(
        """allowed allow allows permitted permit permits permissible acceptable accepted may
        optional eligible ok okay""".split(),
        "permission",
    ),
    **dict.fromkeys(
        """negative positive neg pos seropositive seronegative positivity negativity
        detectable undetectable reactive nonreactive""".split(),
        "polarity",
    ),
}

# token types that carry a cue when no grammar rule used them
_OUTSIDE_TYPES: dict[str, str] = {
    "NEG": "negation",
    "COND_INTRO": "condition",
    "HISTORY": "history",
    "CURRENT": "history",
    "EVER": "history",  # "receiving any other chemotherapy": when, for a clause beside it
    "DURING_STUDY": "condition",
    "RESULT": "polarity",
    "EXCEPT": "exception",
    "OTHER_KIND": "scope",  # "other malignancy" that no clause read
}

# phrases read over the bullet text: group quantifiers change how the clauses combine ("by
# either echocardiogram or MUGA" names the means, which a rule reads or leaves unread)
_GROUP_PHRASES = re.compile(
    r"(?i)\b(?:(?:at least|any|one|either|none|all|each|both)\s+of\b|(?<!\bby )either\b|neither\b"
    r"|(?:\d+|two|three|four|five)\s+(?:or\s+more\s+)?of\s+(?:the\s+)?(?:following|these)\b)"
)


# an age group that scopes what follows ("in adults:", "for children", "Pediatrics:")
_GROUP_SCOPE = re.compile(
    r"(?i)\b(?:in|for|among)\s+(?:adults?|adult patients|children|child|adolescents|"
    r"pediatric (?:patients|subjects)|infants|neonates)\b|"
    r"\b(?:adults?|children|pediatrics?|adolescents|infants)\s*:"
)
_FOOTNOTE = re.compile(r"(?<=[\w%)])\*+(?=\s|$|[,;.])")
_EXAMPLE = re.compile(r"(?i)\b(?:e\.\s?g|i\.\s?e)\b\.?")


@dataclass(frozen=True, slots=True)
class Cue:
    """A word that can change meaning, where it stands (normalised text) and why it matters."""

    word: str
    category: str
    span: tuple[int, int]


def _tok_span(token: Token) -> tuple[int, int]:
    return (token.start_pos or 0, token.end_pos or 0)


_NEGATING = re.compile(
    r"(?i)^(?:no|not|without|never|free of|absence of|no evidence of|no history of|no known|"
    r"must not|cannot|can't|none|neither|nor|excluded|exclude|ineligible|prohibited|"
    r"disallowed|however)$"
)


def negating_flag(flag: str) -> bool:
    """Is a `cue:<word>` flag a word that forbids ("not", "excluded", "however")?"""
    return flag.startswith("cue:") and bool(_NEGATING.match(flag[4:]))


def word_cue(token: Token) -> Cue | None:
    """The cue a WORD token is, if any ("except", "allowed", "positive", ...)."""
    if token.type != "WORD":
        return None
    word = str(token).lower().strip("'")
    category = CUE_WORDS.get(word) or CUE_WORDS.get(word.split("-", 1)[0])
    if category is None:
        return None
    return Cue(word, category, _tok_span(token))


def unaccounted(
    tokens: list[Token],
    clauses: list[tuple[int, int]],
    kind: str,
    text: str,
) -> list[Cue]:
    """Cues in a bullet that no compiled node accounts for.

    `clauses` are (first token, end token) of the compiled clauses, `text` the normalised bullet.
    """
    inside = [False] * len(tokens)
    for start, end in clauses:
        for i in range(start, end):
            inside[i] = True
    found: list[Cue] = []
    for i, token in enumerate(tokens):
        cue = word_cue(token)
        if cue is not None and not other_treatment(tokens, i):
            found.append(cue)
        elif not inside[i] and token.type in _OUTSIDE_TYPES:
            found.append(
                Cue(
                    " ".join(str(token).lower().strip("(,; ").split()),
                    _OUTSIDE_TYPES[token.type],
                    _tok_span(token),
                )
            )
    found += _connectives(tokens, clauses, kind)
    for i, token in enumerate(tokens[1:], 1):  # "Hepatitis C status required": a test result
        if str(token).lower() == "status" and tokens[i - 1].type == "CONCEPT":
            found.append(Cue("status", "polarity", _tok_span(token)))
    found += _loose_connectives(tokens, inside)
    found += _sex_scope(tokens, inside)
    for match in _FOOTNOTE.finditer(text):  # "1,000/mm3*": a footnote may relax it
        found.append(Cue("*", "condition", match.span()))
    for match in _EXAMPLE.finditer(text):
        found.append(Cue(match.group(0).lower(), "example", match.span()))
    for match in _GROUP_SCOPE.finditer(text):  # "in adults: creatinine <= 1.5": a group's rule
        found.append(Cue(match.group(0).lower(), "condition", match.span()))
    for match in _GROUP_PHRASES.finditer(text):
        if not any(c.span[0] <= match.start() < c.span[1] for c in found):
            found.append(Cue(match.group(0).lower(), "alternation", match.span()))
    return sorted(found, key=lambda c: c.span)


_BEFORE_CONCEPT = frozenset({"HISTORY", "CURRENT", "SEVERITY", "EVER"})


def other_treatment(tokens: list[Token], i: int) -> bool:
    """Where "other" adds nothing to the concept after it:
    - "No other investigational agents", "any other concurrent chemotherapy": other than the
      study's own treatment, which the patient has not had yet, so the words mean the treatment;
    - "multiple sclerosis or other demyelinating disease", "prednisone or other corticosteroids":
      the list names the broader concept after a member of it, so any of them.
    Never "other than X", and not "other malignancy" alone (other than the one under study,
    which the patient has)."""
    if str(tokens[i]).lower() not in ("other", "another"):
        return False
    # "A or other B", "A, other B"; not "No A and other B" (both? the negation's reach?)
    if i > 0 and tokens[i - 1].type == "_AND":
        return False
    listed = i > 0 and tokens[i - 1].type in ("_OR", "COMMA")
    for token in tokens[i + 1 : i + 4]:
        if token.type == "CONCEPT":
            found = concepts.lookup(" ".join(token.split()))
            return found is not None and (listed or found.category in concepts.TREATMENT_CATEGORIES)
        if token.type not in _BEFORE_CONCEPT:
            return False
    return False


_RELATION_WORDS = frozenset(
    """to of from against due secondary induced related associated caused on by with at
    after following before during requiring involving affecting as""".split()
)
# "HIV positive patients receiving ART": who the second clause is about, unless a list joiner
# stands between ("pregnant women and women who are breastfeeding")
_SUBJECT_LINKS = frozenset("patients subjects participants who whose that which".split())


def _relates(token: Token) -> bool:
    """A word that ties one clause to the next as a relation, not a list."""
    if token.type in ("TO", "WITHIN", "SINCE", "REFPOINT"):
        return True
    return token.type in ("WORD", "CLASS", "WORD_LEVEL") and str(token).lower() in _RELATION_WORDS


_CONNECTIVE = {"_OR": "or", "_AND": "and", "OR_CMP": "or", "AND_CMP": "and"}


def _connectives(tokens: list[Token], clauses: list[tuple[int, int]], kind: str) -> list[Cue]:
    """An "or" between two clauses of an inclusion (read AND), or an "and" between two clauses
    of an exclusion (read OR), would be read the other way round."""
    out: list[Cue] = []
    wrong = ("_OR", "OR_CMP") if kind == "inclusion" else ("_AND", "AND_CMP")
    for (_, end), (start, _) in zip(clauses, clauses[1:], strict=False):
        gap = tokens[end:start]
        bracket = tokens[start].type == "LPAR" or bool(gap and gap[-1].type == "LPAR")
        inner = tokens[start + 1] if tokens[start].type == "LPAR" else tokens[start]
        if bracket and inner.type in ("AGE", "OLDER", "YOUNGER", "FEMALE", "MALE"):
            # "Karnofsky 60-100% (age 10 and over)": the group the clause before applies to
            out.append(Cue(str(inner).lower(), "condition", _tok_span(inner)))
        opener = tokens[start + 1] if tokens[start].type == "LPAR" else tokens[start]
        if opener.type == "NEG" and (str(opener).lower() == "without" or bracket):
            # "Hb >= 8.5 (without transfusion)", "ANC >= 1500 (no G-CSF within 2 weeks)": how
            # the value was reached, not a second requirement
            out.append(Cue(str(opener).lower(), "relation", _tok_span(opener)))
        related = [t for t in gap if _relates(t)]
        sex_then_age = tokens[end - 1].type in ("FEMALE", "MALE") and tokens[start].type in (
            "AGE",
            "OLDER",
            "YOUNGER",
            "NOT_OLDER",
            "NOT_YOUNGER",
        )  # "Male or female patients aged 18 or older": who, then how old
        if not sex_then_age and not any(
            t.type in ("_AND", "_OR", "AND_CMP", "OR_CMP", "COMMA") for t in gap
        ):
            related += [t for t in gap if t.type == "WORD" and str(t).lower() in _SUBJECT_LINKS]
        if related:
            # "hypersensitivity to thymopentin", "metastases with symptoms": one thing said of
            # another, not two things
            out.append(Cue(str(related[0]).lower(), "relation", _tok_span(related[0])))
        if (
            not gap
            and tokens[start].type == "CONCEPT"
            and tokens[end - 1].type not in ("COMMA", "FERTILE_USE")  # a whole sentence
            # "HER2-negative breast cancer": the marker status of the cancer named, which the
            # record states of the patient's tumour (the two read as both)
            and tokens[end - 1].type not in MARKER_TOKENS
        ):
            # "Diabetic neuropathy": one thing named by two lexicon words, not two things
            out.append(Cue(str(tokens[end - 1]).lower(), "modifier", _tok_span(tokens[end - 1])))
        listing = (  # "pregnant or nursing women and women who ...": a list of conditions
            kind == "exclusion"
            and tokens[end - 1].type == "CONCEPT"
            and tokens[start].type in ("CONCEPT", "HISTORY", "CURRENT", "SEVERITY", "EVER")
        )
        if not listing:
            out += [
                Cue(_CONNECTIVE[t.type], "alternation", _tok_span(t))
                for t in gap
                if t.type in wrong
            ]
    return out


_PUNCT = frozenset({"COMMA", "COLON", "OTHER", "LPAR", "RPAR", "DASH"})


_SUBJECT_WORDS = frozenset(
    """who are is were was have has had patients subjects participants persons those a an the
    must should be""".split()
)  # and the articles and modals that open a listed thing ("ECOG 0-1 and a life expectancy ...")


def _subject_word(token: Token) -> bool:
    """A word naming who or linking to it, between listed things: not a thing itself."""
    if token.type in ("FEMALE", "MALE", "WORD_LEVEL"):
        return True
    return token.type == "WORD" and str(token).lower() in _SUBJECT_WORDS


def _loose_connectives(tokens: list[Token], inside: list[bool]) -> list[Cue]:
    """An "or"/"and" outside the clauses that does not join two clauses joins words the tree
    does not hold ("ECOG 0-2 OR" at the end of a bullet, "have been or currently pregnant",
    "measured or calculated"): it may change what the clause next to it means."""
    core = [
        i
        for i, t in enumerate(tokens)
        if t.type not in _PUNCT
        and not other_treatment(tokens, i)  # "or other X": see there
        and not _subject_word(t)  # "pregnant women and women who are nursing"
    ]
    out: list[Cue] = []
    for n, i in enumerate(core):
        if inside[i] or tokens[i].type not in ("_OR", "_AND", "OR_NUM", "OR_CMP", "AND_CMP"):
            continue
        before = core[n - 1] if n else None
        after = core[n + 1] if n + 1 < len(core) else None
        if before is None or after is None or not (inside[before] and inside[after]):
            out.append(Cue(str(tokens[i]).lower(), "alternation", _tok_span(tokens[i])))
    return out


def _sex_scope(tokens: list[Token], inside: list[bool]) -> list[Cue]:
    """A sex word outside a clause scopes something ("women: Hb >= 12", "<= 1.2 (women)"),
    unless it is one of a pair naming both sexes ("men and women", "male or female"), or the
    women of a bullet only about pregnancy or breastfeeding ("pregnant or nursing women")."""
    out: list[Cue] = []
    text = " ".join(str(t) for t in tokens)
    # a number of a value ("women: Hb >= 12") makes the sex a scope; a number of days ("a
    # negative pregnancy test within 7 days") does not
    female_only = bool(_FEMALE_ONLY.search(text)) and not any(
        t.type == "MALE"
        or (
            t.type in ("NUMBER", "NUMWORD")
            and not (i + 1 < len(tokens) and tokens[i + 1].type == "TIME_UNIT")
        )
        for i, t in enumerate(tokens)
    )
    for i, token in enumerate(tokens):
        if inside[i] or token.type not in ("FEMALE", "MALE"):
            continue
        if female_only and token.type == "FEMALE":
            continue
        other = "MALE" if token.type == "FEMALE" else "FEMALE"
        near = [t.type for t in tokens[max(0, i - 2) : i + 3]]
        joined = other in near and any(t in ("_AND", "_OR", "SLASH", "COMMA") for t in near)
        if not joined:
            out.append(Cue(str(token).lower(), "condition", _tok_span(token)))
    return out


# A bullet that constrains nobody. Placeholders are NCI-style ("Not specified", "See Disease
# Characteristics"), possibly after a label ("Hepatic: Not specified").
# the sections of an NCI record a bullet may point to ("See Chemotherapy")
_SECTIONS = (*TOPIC_LABELS, "radiation therapy", "general characteristics")
_PLACEHOLDER = re.compile(
    r"(?i)^\s*(?:[a-z][a-z /,'()-]{0,60}:\s*)?(?:not specified|not applicable|n/?a|none|"
    r"none specified|no restrictions?|unrestricted|not restricted|no limit|any|"
    r"any (?:age|sex|gender|(?:menopausal )?status)|all ages|either sex|both sexes|"
    r"see (?:the )?(?:disease|patient) characteristics|see (?:above|below|text|protocol)|"
    r"see (?:general |other )?(?:eligibility|inclusion|exclusion|entry) criteria(?: above| below)?|"
    # a cross-reference to another section of the record ("See Chemotherapy"); not a pointer
    # to criteria kept elsewhere ("See protocol for specific details", "Please contact site for
    # information"), which nobody here has read
    r"see (?:the )?(?:" + "|".join(sorted(_SECTIONS, key=len, reverse=True)) + r"))"
    r"\s*[.;]?\s*$"
)
_PERMISSION = re.compile(
    r"(?i)\b(?:is |are )?(?:allowed|permitted|acceptable|accepted|permissible)\s*[.;]?\s*$"
)
_HEADING = re.compile(r"^[^:]{1,120}:\s*$")

# A bullet that only asks for the patient's informed consent ("Signed informed consent",
# "Willing to provide written informed consent prior to any study-specific procedures"): a step
# of enrolment, not a fact of a screening record (ACTIN likewise assumes consent will be given).
# Never a bullet about the capacity to consent ("able to understand and sign"), a parent's or
# guardian's consent, an age, or a condition: only these words.
_CONSENT_WORDS = frozenset(
    """patient patients subject subjects participant participants volunteer volunteers the a an
    must should will shall be have has had is are voluntarily freely willing
    willingness to and agree agrees agreement sign signs signed signing signature of provide
    provides provided provision give gives given obtain obtained written informed consent
    consents form forms document documentation dated prior before any all study
    study-specific study-related trial procedures procedure specific related screening for in
    participate voluntary icf this by""".split()
)
_REFUSAL_WORDS = frozenset(
    "unwilling unwillingness refuse refuses refusal refused not no or".split()
)


def consent_only(text: str, kind: str) -> bool:
    """Does the bullet only ask for informed consent (an exclusion: only refuse it)?"""
    words = re.findall(r"[a-z][a-z-]*", text.lower())
    if "consent" not in words or re.search(r"\d", text):
        return False
    allowed = _CONSENT_WORDS | (_REFUSAL_WORDS if kind == "exclusion" else frozenset())
    if kind == "exclusion" and not _REFUSAL_WORDS & set(words):
        return False  # "Informed consent" as an exclusion: a slip, not read
    return all(w in allowed for w in words)


_CONSTRAINING = frozenset(
    {"NUMBER", "NUMWORD", "GE", "LE", "GT", "LT", "EQ", "NEG", "COND_INTRO", "OR_MORE", "OR_LESS"}
)


# "none", "n/a", "not applicable" after a label: a placeholder under a section label ("Other:
# None", "Hepatic: Not applicable"), but after a thing a patient can have ("Prior chemotherapy:
# none", "Brain metastases: none", "Chemotherapy: None") it may mean none allowed: not read as
# no constraint (review 13)
_NONE_VALUE = re.compile(r"(?i):\s*(?:none|n/?a|not applicable)\s*[.;]?\s*$")
_THINGS = frozenset(
    {
        "CONCEPT",
        "ANALYTE",
        "SCALE",
        "BIOMARKER",
        "MARKER_RESULT",
        "MARKER_PHRASE",
        "MARKER_DASH",
        "MARKER_VALUE",
        "LIFE_EXPECTANCY",
        "BP",
    }
)


def _none_of_a_thing(text: str, tokens: list[Token]) -> bool:
    value = _NONE_VALUE.search(text)
    if value is None:
        return False
    return any(t.type in _THINGS for t in tokens if (t.end_pos or 0) <= value.start())


def no_constraint(
    text: str,
    tokens: list[Token],
    cues: list[Cue],
    uncovered: bool,
    either_sex: bool,
    has_clause: bool = False,
    kind: str = "inclusion",
) -> str | None:
    """Why a bullet constrains nobody ("placeholder", "permission", "heading", "either sex",
    "consent at enrolment"), or None. Only whole bullets qualify; any number, comparator,
    negation or other cue in a permission makes it a rule, not a permission."""
    if _PLACEHOLDER.match(text) and not _none_of_a_thing(text, tokens):
        return "placeholder"
    if consent_only(text, kind):
        return "consent at enrolment"
    others = [c for c in cues if c.category not in ("permission", "example")]
    if _PERMISSION.search(text) and not others:
        if not any(t.type in _CONSTRAINING for t in tokens):
            return "permission"
    if (
        _HEADING.match(text)
        and not has_clause  # "With bone marrow involvement:" names a group: the list decides
        and not cues
        and not any(t.type in _CONSTRAINING for t in tokens)
    ):
        return "heading"
    if either_sex and not uncovered and not cues:
        return "either sex"
    return None


# Frames that say "what this bullet names disqualifies": a tail ("... are not eligible",
# "... is not allowed", "... are excluded") or a head ("Must not have ...", "Cannot be ...").
_TAIL = re.compile(
    r"(?i)[,;:]?\s*(?:(?:is|are|will|would|shall|should)\s+)?(?:be\s+)?"
    r"(?:not\s+(?:be\s+)?(?:allowed|permitted|eligible|acceptable|included|enrolled)|"
    r"ineligible|excluded|prohibited|disallowed)"
    r"(?:\s+(?:from|for|in)\s+(?:the\s+|this\s+)?(?:study|trial|participation|enrollment|"
    r"enrolment|entry|protocol))?\s*[.;]?\s*$"
)
# "cannot take / receive / use / undergo X" is as often "is unable to" (intolerance, a
# contraindication: "Cannot take ZDV or 3TC") as "must not": only "cannot have / be" is a frame
_HEAD = re.compile(
    r"(?i)^\s*(?:(?:the\s+)?(?:female\s+(?=patients?|subjects?|participants?))?"
    r"(?:patients?|subjects?|participants?|women|men|females?|males?)"
    r"\s+)?(?:(?:must|should|may|will)\s*not\s+(?:currently\s+)?"
    r"(?:have|be|receive|take|use|undergo)|(?:can\s*not|cannot|can't)\s+(?:currently\s+)?"
    r"(?:have|be))(?:\s+(?:had|been|received))?\b"
)
_FEMALE_ONLY = re.compile(r"(?i)pregnan|breast[- ]?feed|lactat|nursing|childbearing")


def disqualifying_frame(text: str) -> tuple[int, int] | None:
    """The span of a frame saying the named things disqualify, if the bullet has one."""
    found = _TAIL.search(text) or _HEAD.search(text)
    return found.span() if found else None
