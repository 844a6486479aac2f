"""How well a trial's conditions fit a patient's: the relevance that orders `match`.

A trial names what it studies in its registry conditions, condition MeSH terms, keywords and
title. Each phrase is resolved through the same concept lexicon that reads criteria and
records (MeSH spellings made plain first: "Carcinoma, Renal Cell" is "Renal Cell Carcinoma",
"Breast Neoplasms" is "Breast cancer"), and each concept found is compared with the patient's
conditions (present, or in the past; not those recorded absent) through the concept hierarchy:

    the patient's own disease ("Breast Neoplasms" for breast cancer)            1.0
    a trial concept made of the patient's ones ("Metastatic Breast Cancer" for
    breast cancer with brain metastases: both its parents are the patient's)   0.9
    a broader disease that holds the patient's ("Lung Cancer" for NSCLC)        0.8
    a narrower form the record does not state ("Inflammatory Breast Cancer")    0.6
    a broad class ("Solid Tumor", "Cancer", "Metastatic disease", "Infection",
    "Central Nervous System Diseases"), only for a trial naming nothing narrower 0.5
    anything else ("Glycogen Storage Disease" for breast cancer)                0.0

A trial's relevance is its best fit, from conditions and MeSH terms as written, from keywords
at 0.8 of it and from the title at 0.9 of it. Tumour markers the conditions or title state
("HER2-Positive Breast Cancer", "Triple Negative Breast Neoplasms") are decided against the
patient's marker results with the criteria's own reading (markers.status_met): a marker the
record contradicts halves the relevance; one it confirms or does not state leaves it.

A patient with no condition on record has no relevance to measure: every trial gets None and
`match` ranks by verdict alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from trialscreen.facts import PatientFacts
from trialscreen.lexicon import concepts
from trialscreen.model.predicate import BiomarkerStatus, leaves
from trialscreen.model.trial import Trial

# classes so broad that fitting one says little about the trial being for this patient
BROAD = frozenset(
    {
        "cancer",
        "solid_tumor",
        "hematologic_malignancy",
        "metastatic_disease",
        "infection",
        "cns_involvement",  # "Central Nervous System Disease" in a registry: any of them
    }
)
# words around a broad class that keep it broad ("Advanced Solid Tumors", "Unspecified Adult
# Solid Tumor, Protocol Specific"); any other word makes it a kind the lexicon does not know
# ("Spinal Cord Neoplasms", "Myeloid Malignancy"): not the broad class
_GENERAL = frozenset(
    "advanced metastatic recurrent refractory relapsed unspecified adult adults childhood "
    "pediatric paediatric solid malignant malignancies malignancy other any locally stage "
    "protocol specific unresectable patients with and or of the in a an late by histologic type "
    "site sites glandular epithelial tissue neoplasm neoplasms cancer cancers tumor tumors "
    "tumour tumours carcinoma carcinomas primary secondary metastasis metastases female male "
    "women men".split()
)
_CONDITION_CATEGORIES = frozenset({"condition", "finding"})
_CONDITION_SOURCES = ("conditions[", "Condition/")  # a record's conditions, a FHIR Condition
_ENDED = frozenset({"resolved", "history", "remission", "inactive", "completed"})
ENDED = 0.75  # the factor for a fit only through conditions that have ended
_SOURCE_WEIGHT = {"condition": 1.0, "mesh": 1.0, "title": 0.9, "keyword": 0.8}
METASTASIS = "metastatic_disease"
QUALIFIED = 0.75  # the factor for a concept found inside a phrase with words of its own
CONTRADICTED = 0.5  # the factor for a tumour marker the record contradicts
_NEOPLASMS = re.compile(r"\bneoplasms?\b", re.IGNORECASE)


@functools.cache
def _marker_words() -> re.Pattern[str]:
    """Any name of a tumour marker in the marker lexicon: a phrase worth reading for one."""
    from trialscreen.lexicon import biomarkers

    names = {
        n.lower()
        for m in biomarkers.all_markers()
        for n in (m.name, *m.synonyms, *m.phrases)
        if len(n) >= 2
    }
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w])(?:{alternatives})")


@dataclass(frozen=True, slots=True)
class Relevance:
    """A trial's fit to the patient: the score, and what matched what (for people)."""

    score: float
    because: str


@dataclass(frozen=True, slots=True)
class Conditions:
    """The patient's conditions (record `conditions`, FHIR Conditions) as relevance reads
    them: `own` present or past, `ended` those only in the past, `absent` those recorded
    absent."""

    own: frozenset[str]
    ended: frozenset[str]
    absent: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.own)


def patient_conditions(facts: PatientFacts) -> Conditions:
    """The patient's conditions, read once per patient."""
    by_concept: dict[str, set[str]] = {}
    for found in facts.concepts.values():
        for fact in found:
            if fact.source.startswith(_CONDITION_SOURCES) and (
                concepts.category(fact.concept) in _CONDITION_CATEGORIES
            ):
                by_concept.setdefault(fact.concept, set()).add(fact.status)
    own = frozenset(c for c, states in by_concept.items() if states - {"absent"})
    ended = frozenset(c for c in own if not (by_concept[c] - _ENDED - {"absent"}))
    absent = frozenset(c for c, states in by_concept.items() if states == {"absent"})
    return Conditions(own, ended, absent)


def relevance(
    trial: Trial, facts: PatientFacts, mine: Conditions | None = None
) -> Relevance | None:
    """The trial's relevance to the patient; None when the patient has no condition on record."""
    mine = patient_conditions(facts) if mine is None else mine
    if not mine:
        return None
    own = mine.own
    closure = _closure(own)
    current = own - mine.ended
    current_closure = _closure(current)
    best = Relevance(0.0, "no condition of the trial is the patient's")
    phrases = _phrases(trial)
    # a broad class counts only for a trial that names nothing narrower: a melanoma trial
    # filed under "Neoplasm Metastasis" and "Neoplasms" is not for every cancer
    broad_counts = not any(_specific(p) for s, p in phrases if s in ("condition", "mesh"))
    # MeSH terms and keywords index a trial by broader and related terms ("Carcinoma,
    # Neuroendocrine" for a Merkel cell trial): they count only for a trial whose own
    # conditions name no specific disease the lexicon knows
    indexing_counts = not any(
        any(c not in BROAD for c in trial_concepts(p)) for s, p in phrases if s == "condition"
    )
    other_cancer: str | None = None  # a cancer the trial names that is not the patient's
    by_metastasis = False
    denied: str | None = None  # a condition the trial names that the record says is absent
    for source, phrase in phrases:
        if source in ("mesh", "keyword") and not indexing_counts:
            continue
        found, plain = _read_phrase(phrase)
        for concept_id in found:
            if concept_id in BROAD and not broad_counts:
                continue
            if concept_id in mine.absent and source in ("condition", "title"):
                denied = denied or concepts.get(concept_id).name
            fit, how = _fit(concept_id, own, closure)
            if fit > 0 and current != own and _fit(concept_id, current, current_closure)[0] == 0:
                fit, how = fit * ENDED, f"{how} (a condition that has ended)"
            if not plain and fit > 0:  # "Neuroendocrine Carcinoma of the Skin": a kind of it
                fit, how = fit * QUALIFIED, f"{how} (qualified by the rest of the phrase)"
            if fit == 0 and concept_id not in BROAD and concepts.is_a(concept_id, "cancer"):
                other_cancer = other_cancer or concepts.get(concept_id).name
            score = round(fit * _SOURCE_WEIGHT[source], 3)
            if score > best.score:
                best = Relevance(score, f"{source} {phrase!r}: {how}")
                by_metastasis = concepts.is_a(concept_id, METASTASIS) and concept_id != METASTASIS
    if denied is not None and best.score > 0:  # "brain metastases from kidney cancer" for a
        # kidney cancer recorded without brain metastases
        best = Relevance(
            round(best.score * CONTRADICTED, 3),
            f"{best.because}; but the record says no {denied.lower()}",
        )
    if by_metastasis and other_cancer is not None:  # "liver metastases from colorectal cancer"
        best = Relevance(
            round(best.score * CONTRADICTED, 3),
            f"{best.because}; but the metastases are of {other_cancer}",
        )
    if best.score > 0:
        contradicted = _contradicted_marker(trial, facts)
        if contradicted is not None:
            best = Relevance(
                round(best.score * CONTRADICTED, 3),
                f"{best.because}; but {contradicted} is not the patient's",
            )
    return best


@functools.lru_cache(maxsize=65536)
def _specific(phrase: str) -> bool:
    """Does a registry phrase name something narrower than a broad class (resolved or not)?"""
    found = trial_concepts(phrase)
    if found:
        return any(concept_id not in BROAD for concept_id in found)
    return any(
        w not in _GENERAL and not w.isdigit() for w in re.findall(r"[a-z0-9]+", phrase.lower())
    )


def _phrases(trial: Trial) -> list[tuple[str, str]]:
    reg = trial.registration
    return [
        *(("condition", c) for c in trial.conditions),
        *(("mesh", m) for m in reg.mesh_terms),
        *(("keyword", k) for k in reg.keywords),
        ("title", trial.title),
    ]


def _fit(concept_id: str, own: frozenset[str], closure: frozenset[str]) -> tuple[float, str]:
    name = concepts.get(concept_id).name
    if concept_id in own:
        return 1.0, f"{name}, the patient's own"
    if concept_id in closure:
        if concept_id in BROAD:
            return 0.5, f"{name}, a broad class holding the patient's"
        return 0.8, f"{name}, which holds the patient's"
    above = concepts.ancestors(concept_id) - {concept_id}
    if above & own:
        parents = concepts.get(concept_id).parents
        if len(parents) >= 2 and all(p in closure for p in parents):
            return 0.9, f"{name}, made of the patient's conditions"
        return 0.6, f"{name}, a form of the patient's the record does not state"
    return 0.0, f"{name}, not the patient's"


@functools.cache
def _closure(own: frozenset[str]) -> frozenset[str]:
    return frozenset(a for c in own for a in concepts.ancestors(c))


@functools.lru_cache(maxsize=65536)
def trial_concepts(phrase: str) -> tuple[str, ...]:
    """The condition concepts a registry phrase names: the whole phrase in one of its plain
    spellings, else the condition mentions in it."""
    return _read_phrase(phrase)[0]


@functools.lru_cache(maxsize=65536)
def _read_phrase(phrase: str) -> tuple[tuple[str, ...], bool]:
    """The concepts of `trial_concepts`, and whether the words around them are only general
    ones (a mention inside "Neuroendocrine Carcinoma of the Skin" is qualified by the rest)."""
    for variant in _variants(phrase):
        found = concepts.lookup(variant)
        if found is not None and found.category in _CONDITION_CATEGORIES:
            return (found.id,), True
    ids: dict[str, None] = {}
    general = True
    for variant in _variants(phrase):
        mentions = concepts.find_in(variant)
        rest = variant
        for start, end, _ in reversed(mentions):
            rest = rest[:start] + " " + rest[end:]
        words = re.findall(r"[a-z0-9]+", rest.lower())
        general = all(word in _GENERAL or word.isdigit() for word in words)
        for _, _, found in mentions:
            if found.category in _CONDITION_CATEGORIES and (found.id not in BROAD or general):
                ids[found.id] = None
        if ids:
            break
    return tuple(ids), general


def _variants(phrase: str) -> list[str]:
    """The phrase; MeSH's inverted order made plain ("Leukemia, Myeloid, Acute" -> "Acute
    Myeloid Leukemia"); "Neoplasms" read as cancer ("Kidney Neoplasms" -> "Kidney cancer")."""
    text = re.sub(r"\s*\((?:disorder|disease|finding)\)\s*$", "", phrase.strip())
    forms = [text]
    parts = [p.strip() for p in text.split(",")]
    if 1 < len(parts) <= 4 and all(parts):
        forms.append(" ".join(reversed(parts)))
    for form in list(forms):
        if _NEOPLASMS.search(form):
            forms.append(_NEOPLASMS.sub("cancer", form))
    return list(dict.fromkeys(forms))


def _contradicted_marker(trial: Trial, facts: PatientFacts) -> str | None:
    """A tumour-marker status the trial's conditions or title state and the record
    contradicts ("HER2-positive" for a HER2-negative patient), else None."""
    if not facts.markers:
        return None
    from trialscreen.markers import status_met

    for phrase in (*trial.conditions, trial.title):
        for node in _stated_markers(phrase):
            if status_met(node, facts) is False:
                from trialscreen.language.render import render

                return render(node)
    return None


@functools.lru_cache(maxsize=65536)
def _stated_markers(phrase: str) -> tuple[BiomarkerStatus, ...]:
    """The tumour-marker statuses a phrase states, read by the criteria grammar."""
    if not _marker_words().search(phrase):
        return ()
    from trialscreen.language.compiler import compile_criterion

    compiled = compile_criterion(phrase, "inclusion")
    return tuple(leaf for leaf in leaves(compiled.predicate) if isinstance(leaf, BiomarkerStatus))
