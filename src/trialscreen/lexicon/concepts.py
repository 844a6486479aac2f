"""The concept lexicon: conditions, findings, drugs, treatments and procedures.

Each concept has an id, synonyms as criteria write them, SNOMED CT / ICD-10-CM / RxNorm codes and
parent ids ("letrozole" is an aromatase inhibitor is an endocrine therapy). The data lives in
concepts.json beside this module and is loaded once.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Category = Literal["condition", "finding", "drug", "drug_class", "treatment", "procedure", "state"]
CODE_SYSTEMS = ("snomed", "icd10", "rxnorm")

_SYSTEM_ALIASES = {
    "snomed": "snomed",
    "snomedct": "snomed",
    "sct": "snomed",
    "http://snomed.info/sct": "snomed",
    "icd10": "icd10",
    "icd-10": "icd10",
    "icd10cm": "icd10",
    "icd-10-cm": "icd10",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10",
    "http://hl7.org/fhir/sid/icd-10": "icd10",
    "rxnorm": "rxnorm",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
}


class Concept(BaseModel):
    """One clinical concept with the phrases that name it, its codes and its broader concepts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    category: Category
    synonyms: list[str] = []
    codes: dict[str, list[str]] = {}
    parents: list[str] = []


class _ConceptFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = ""
    concepts: list[Concept]


# ---- normalisation ---------------------------------------------------------------------------

_DROPPED = frozenset("'.\u2018\u2019\u02bc`")  # "St. John's" = "st johns"
_SPACES = frozenset(',;:()[]{}"/\u201c\u201d')
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lowercase text with apostrophes and periods dropped, dashes as "-", punctuation and
    whitespace runs as one space; and, for each kept character, its index in `text`."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in _DROPPED:
            continue
        if char in _DASHES:
            char = "-"
        elif char.isspace() or char in _SPACES:
            if not chars or chars[-1] == " ":
                continue
            char = " "
        for lowered in char.lower():
            chars.append(lowered)
            where.append(index)
    return "".join(chars), where


# `_key` in one pass: what `_normalise` drops, dashes and punctuation as spaces
_KEY_TABLE = str.maketrans(
    {**dict.fromkeys(_DROPPED), **dict.fromkeys(_DASHES, " "), **dict.fromkeys(_SPACES, " ")}
)


def _key(phrase: str) -> str:
    """The lookup key: normalised, with hyphens as spaces ("Breast-feeding" -> "breast feeding");
    the same as `_normalise` with hyphens as spaces, without the character positions."""
    kept = phrase.translate(_KEY_TABLE)
    # character by character, as `_normalise` does ("Σ" at a word's end stays "σ")
    lowered = kept.lower() if kept.isascii() else "".join(c.lower() for c in kept)
    return " ".join(lowered.split())


def _candidate_keys(phrase: str) -> list[str]:
    """The phrase's key, then its simple singulars when the last word keeps 4+ letters
    ("seizure disorders", "viruses", "therapies"; but "hives" never becomes "hiv")."""
    key = _key(phrase)
    singulars = [key[:-1], key[:-2]] if key.endswith("s") and not key.endswith("ss") else []
    if key.endswith("ies"):
        singulars.append(key[:-3] + "y")
    return [key] + [s for s in singulars if len(s.rsplit(" ", 1)[-1]) >= 4]


# ---- the loaded lexicon ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    concepts: tuple[Concept, ...]
    by_id: dict[str, Concept]
    by_key: dict[str, Concept]
    by_compact: dict[str, Concept]
    synonyms: dict[str, str]
    codes: dict[str, dict[str, Concept]]


def _check_concept(concept: Concept) -> None:
    if not _ID.match(concept.id):
        raise ValueError(f"concept id {concept.id!r} is not snake_case")
    for system in concept.codes:
        if system not in CODE_SYSTEMS:
            raise ValueError(f"{concept.id}: unknown code system {system!r}")
    for synonym in concept.synonyms:
        if synonym != synonym.lower() or synonym != synonym.strip() or not _key(synonym):
            raise ValueError(f"{concept.id}: synonym {synonym!r} is not a lowercase phrase")


def _index_codes(concepts: tuple[Concept, ...]) -> dict[str, dict[str, Concept]]:
    codes: dict[str, dict[str, Concept]] = {system: {} for system in CODE_SYSTEMS}
    for concept in concepts:
        for system, values in concept.codes.items():
            for value in values:
                code = _code_key(system, value)
                if codes[system].setdefault(code, concept) is not concept:
                    owner = codes[system][code].id
                    raise ValueError(f"{system} {value} of {concept.id} is also {owner}")
    return codes


def _check_parents(by_id: dict[str, Concept]) -> None:
    """Every parent exists and the parent graph has no cycle."""
    for concept in by_id.values():
        for parent in concept.parents:
            if parent not in by_id:
                raise ValueError(f"{concept.id}: unknown parent {parent!r}")
    done: set[str] = set()

    def visit(concept_id: str, path: tuple[str, ...]) -> None:
        if concept_id in path:
            raise ValueError(f"parent cycle: {' -> '.join((*path, concept_id))}")
        if concept_id in done:
            return
        for parent in by_id[concept_id].parents:
            visit(parent, (*path, concept_id))
        done.add(concept_id)

    for concept_id in by_id:
        visit(concept_id, ())


def _index(data: _ConceptFile, grown: _ConceptFile | None = None) -> _Lexicon:
    """Build the indices; any collision (id, phrase, code) in the curated file is a data error.

    `grown` (conditions from ICD-10-CM, icd10_concepts.json) comes under it: its synonyms join
    the criteria vocabulary where no curated phrase has them; its names (the formal ICD-10-CM
    descriptions) are looked up in records, never matched in criteria text.
    """
    by_id: dict[str, Concept] = {}
    by_key: dict[str, Concept] = {}
    words: dict[str, str] = {}
    for concept in data.concepts:
        _check_concept(concept)
        if by_id.setdefault(concept.id, concept) is not concept:
            raise ValueError(f"duplicate concept id {concept.id!r}")
        for phrase in (concept.name.lower(), *concept.synonyms):
            if words.setdefault(phrase, concept.id) != concept.id:
                raise ValueError(f"{phrase!r} of {concept.id} is also {words[phrase]}")
            owner = by_key.setdefault(_key(phrase), concept)
            if owner is not concept:
                raise ValueError(f"{phrase!r} of {concept.id} collides with {owner.id}")
    for concept in grown.concepts if grown is not None else ():
        _check_concept(concept)
        if by_id.setdefault(concept.id, concept) is not concept:
            raise ValueError(f"duplicate concept id {concept.id!r}")
        for phrase in concept.synonyms:
            if _key(phrase) not in by_key and phrase not in words:
                words[phrase] = concept.id
                by_key[_key(phrase)] = concept
        by_key.setdefault(_key(concept.name), concept)
    _check_parents(by_id)
    compact: dict[str, Concept | None] = {}
    for key, concept in by_key.items():
        squeezed = key.replace(" ", "")
        if compact.setdefault(squeezed, concept) is not concept:
            compact[squeezed] = None  # ambiguous once spaces are ignored: not used
    by_compact = {k: c for k, c in compact.items() if c is not None}
    concepts = tuple(data.concepts) + (tuple(grown.concepts) if grown is not None else ())
    return _Lexicon(concepts, by_id, by_key, by_compact, words, _index_codes(concepts))


def _read(name: str) -> _ConceptFile:
    text = resources.files("trialscreen.lexicon").joinpath(name).read_text("utf-8")
    return _ConceptFile.model_validate(json.loads(text))


@functools.cache
def _lexicon() -> _Lexicon:
    """Load concepts.json and icd10_concepts.json once, from the package (works from an
    installed wheel)."""
    return _index(_read("concepts.json"), _read("icd10_concepts.json"))


# ---- codes -----------------------------------------------------------------------------------


def _system(system: str) -> str | None:
    return _SYSTEM_ALIASES.get(system.strip().lower().rstrip("/"))


def _code_key(system: str, code: str) -> str:
    code = code.strip()
    return code.upper().replace(".", "") if system == "icd10" else code


def by_code(system: str, code: str) -> Concept | None:
    """The concept with this code; ICD-10 also matches a more specific code ("C79.31")."""
    name = _system(system)
    if name is None or not code.strip():
        return None
    table = _lexicon().codes[name]
    key = _code_key(name, code)
    if name != "icd10":
        return table.get(key)
    for end in range(len(key), 2, -1):
        if key[:end] in table:
            return table[key[:end]]
    return None


# ---- public functions ------------------------------------------------------------------------


def lookup(phrase: str) -> Concept | None:
    """The concept a phrase names ("Breast-feeding", "St John's wort", "brain mets"), else None;
    "allergy to zidovudine" and "penicillin allergy" name a hypersensitivity (see `get`)."""
    lexicon = _lexicon()
    keys = _candidate_keys(phrase)
    for key in keys:
        if key in lexicon.by_key:
            return lexicon.by_key[key]
    for key in keys:
        found = lexicon.by_compact.get(key.replace(" ", ""))
        if found is not None:
            return found
    allergy = _ALLERGY_TO.match(phrase) or _ALLERGY_AFTER.match(phrase)
    if allergy is not None:
        target = lookup(allergy.group(1))
        if target is not None and target.category in ALLERGENS:
            return get(hypersensitivity_to(target.id))
    return None


# A hypersensitivity to a drug or a class of drugs is a concept of its own, made from the drug:
# "hypersensitivity_to:<drug id>", a kind of hypersensitivity and of the hypersensitivity to each
# broader class ("allergy to cisplatin" is an allergy to platinum agents).
HYPERSENSITIVITY_TO = "hypersensitivity_to:"
ALLERGENS = frozenset({"drug", "drug_class"})  # categories a hypersensitivity can be to
_ALLERGY_WORDS = r"(?:hypersensitivity|allergy|allergies|allergic reactions?|allergic|drug allergy)"
_ALLERGY_TO = re.compile(
    rf"(?i)^\s*(?:(?:known|history of|documented)\s+)?{_ALLERGY_WORDS}\s+(?:reactions?\s+)?to\s+"
    r"(.+?)\s*$"
)
_ALLERGY_AFTER = re.compile(rf"(?i)^\s*(.+?)[\s-]+{_ALLERGY_WORDS}\s*$")


def hypersensitivity_to(concept_id: str) -> str:
    """The id of the hypersensitivity to a drug or drug class."""
    return HYPERSENSITIVITY_TO + concept_id


# the stand-in for a class no lexicon holds, named by examples of one family ("Immunomodulating
# agents (e.g., interferon)": language/unnamed.py); never a record's concept, never decided
UNNAMED_PREFIX = "unnamed_"
_UNNAMED_FAMILIES: dict[str, Category] = {
    "drug_class": "drug_class",
    "treatment": "treatment",
    "condition": "condition",
    "procedure": "procedure",
}


def unnamed(concept_id: str) -> bool:
    """Is this the stand-in for a class no lexicon holds?"""
    return concept_id.removeprefix(UNNAMED_PREFIX) in _UNNAMED_FAMILIES and concept_id.startswith(
        UNNAMED_PREFIX
    )


@functools.cache
def _made(concept_id: str) -> Concept | None:
    """A concept made from another: the hypersensitivity to a drug or a class of drugs; or the
    stand-in for a class no lexicon holds."""
    if unnamed(concept_id):
        family = _UNNAMED_FAMILIES[concept_id.removeprefix(UNNAMED_PREFIX)]
        return Concept(id=concept_id, name="a class no lexicon holds", category=family)
    if not concept_id.startswith(HYPERSENSITIVITY_TO):
        return None
    by_id = _lexicon().by_id
    target = by_id.get(concept_id.removeprefix(HYPERSENSITIVITY_TO))
    if target is None or target.category not in ALLERGENS:
        return None
    classes = [p for p in target.parents if by_id[p].category in ALLERGENS]
    return Concept(
        id=concept_id,
        name=f"Hypersensitivity to {target.name}",
        category="condition",
        synonyms=[f"hypersensitivity to {s}" for s in (target.name.lower(), *target.synonyms)],
        parents=["hypersensitivity", *(hypersensitivity_to(p) for p in classes)],
    )


def known(concept_id: str) -> bool:
    """Is there a concept with this id (or one made from one)?"""
    return concept_id in _lexicon().by_id or _made(concept_id) is not None


# what is taken or given (a drug, a class of drugs, a kind of treatment), as opposed to what one
# has (condition, finding, state) or undergoes once (procedure)
TREATMENT_CATEGORIES = frozenset({"drug", "drug_class", "treatment"})


# the state a threshold by sex branches on (language/thresholds.by_sex); the patient's `sex`
# decides it (facts._add_states), no criterion phrase names it
FEMALE_SEX = "female_sex"
# the menopausal states; and everything only a woman can be (a sex word before it adds nothing)
MENOPAUSAL_STATES = frozenset({"postmenopausal", "premenopausal", "perimenopausal"})
WOMEN_ONLY = MENOPAUSAL_STATES | {
    "pregnancy",
    "breastfeeding",
    "childbearing_potential",
    FEMALE_SEX,
}


# what a NYHA class grades ("heart failure (NYHA class III or IV)": the disease of that class)
_GRADED_BY_NYHA = frozenset({"congestive_heart_failure", "cardiac_disease"})


def graded_by_nyha(concept_id: str) -> bool:
    """Is the concept a heart disease a NYHA class grades (heart failure, heart disease)?"""
    return known(concept_id) and bool(ancestors(concept_id) & _GRADED_BY_NYHA)


def category(concept_id: str) -> str | None:
    """The category of a concept id, None for an unknown id."""
    return get(concept_id).category if known(concept_id) else None


def get(concept_id: str) -> Concept:
    """The concept with this id (or made from one: `hypersensitivity_to`); KeyError if none."""
    found = _lexicon().by_id.get(concept_id) or _made(concept_id)
    if found is None:
        raise KeyError(f"unknown concept id {concept_id!r}")
    return found


@functools.cache
def ancestors(concept_id: str) -> frozenset[str]:
    """The id itself and every transitive parent; KeyError for an unknown id."""
    found = {concept_id}
    for parent in get(concept_id).parents:
        found |= ancestors(parent)
    return frozenset(found)


@functools.cache
def _children() -> dict[str, tuple[str, ...]]:
    kids: dict[str, list[str]] = {}
    for concept in all_concepts():
        for parent in concept.parents:
            kids.setdefault(parent, []).append(concept.id)
    return {parent: tuple(ids) for parent, ids in kids.items()}


@functools.cache
def descendants(concept_id: str) -> frozenset[str]:
    """The id itself and every concept below it."""
    found = {concept_id}
    for child in _children().get(concept_id, ()):
        found |= descendants(child)
    return frozenset(found)


# concepts that are a role, not a kind: a second malignancy is any malignancy (or carcinoma in
# situ, which criteria list among the malignancies they except) other than the one under study
ROLES: dict[str, frozenset[str]] = {
    "second_malignancy": frozenset({"cancer", "carcinoma_in_situ"}),
}
# what criteria except from a malignancy as one of its kinds ("No prior cancer except carcinoma
# in situ of the cervix", "breast cancer, except LCIS"): in situ lesions, which are no cancer in
# the lexicon, so excepting them leaves the cancers as they were
_EXCEPTED_AS_CANCER = frozenset({"carcinoma_in_situ"})


@functools.cache
def _kinds(concept_id: str) -> frozenset[str]:
    """The concept and every kind of it; for a role, every kind of what may fill it."""
    found = set(descendants(concept_id))
    for filler in ROLES.get(concept_id, ()):
        found |= descendants(filler)
    return frozenset(found)


def overlaps(a: str, b: str) -> bool:
    """Can one thing be both? Some concept is a kind of each ("melanoma" and "skin cancer":
    cutaneous melanoma; "second malignancy" and "basal cell carcinoma": one may be the other)."""
    return not _kinds(a).isdisjoint(_kinds(b))


def may_be_kind_of(kind: str, concept_id: str) -> bool:
    """Can an exception `kind` be left out of `concept_id` ("malignancy other than basal cell
    carcinoma")? When it is a narrower concept, or fills a role the concept is ("second
    malignancy other than carcinoma in situ"), or is an in situ lesion excepted from a cancer."""
    if kind == concept_id:
        return False
    if kind in _kinds(concept_id):
        return True
    return is_a(concept_id, "cancer") and not ancestors(kind).isdisjoint(_EXCEPTED_AS_CANCER)


def is_a(concept_id: str, ancestor: str) -> bool:
    """True if `ancestor` is the concept itself or one of its transitive parents."""
    return ancestor in ancestors(concept_id)


def all_concepts() -> list[Concept]:
    """Every concept, in file order."""
    return list(_lexicon().concepts)


def synonyms() -> dict[str, str]:
    """Every synonym and every lowercased name -> concept id."""
    return dict(_lexicon().synonyms)


def suggest(name: str, n: int = 3) -> list[str]:
    """Did-you-mean: the closest known phrases, at most one per concept, best first."""
    import difflib

    lexicon = _lexicon()
    matches = difflib.get_close_matches(_key(name), lexicon.synonyms, n=50, cutoff=0.75)
    seen: set[str] = set()
    result: list[str] = []
    for phrase in matches:
        if lexicon.synonyms[phrase] not in seen:
            seen.add(lexicon.synonyms[phrase])
            result.append(phrase)
    return result[:n]


# ---- finding concepts in text ----------------------------------------------------------------


_END = ""  # trie key marking the end of a phrase


def _trie_regex(node: dict[str, Any]) -> str:
    """A trie node's regex: its continuations first (the longest match wins), then its end."""
    branches = [unit + _trie_regex(node[unit]) for unit in sorted(node) if unit]
    if _END in node:
        branches.append(node[_END])
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@functools.cache
def _matcher() -> re.Pattern[str]:
    """Every phrase key in one trie-shaped regex over normalised text, word-bounded.

    A space in a key matches a space or a hyphen; a last word of 4+ letters may take "s"/"es".
    """
    trie: dict[str, Any] = {}
    for key in sorted({_key(phrase) for phrase in _lexicon().synonyms}):
        node = trie
        for char in key:
            node = node.setdefault("[ -]" if char == " " else re.escape(char), {})
        last = key.rsplit(" ", 1)[-1]
        plural = "(?:e?s)?" if len(last) >= 4 and last[-1].isalpha() else ""
        node[_END] = plural + r"(?![\w])"
    return re.compile(r"(?<![\w-])" + _trie_regex(trie))


def find_in(text: str) -> list[tuple[int, int, Concept]]:
    """Non-overlapping concept mentions in text, leftmost-longest: (start, end, concept)."""
    normal, where = _normalise(text)
    hits: list[tuple[int, int, Concept]] = []
    for match in _matcher().finditer(normal):
        concept = lookup(match.group())
        if concept is not None:
            hits.append((where[match.start()], where[match.end() - 1] + 1, concept))
    return hits
