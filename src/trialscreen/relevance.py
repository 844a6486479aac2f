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
record contradicts halves the relevance; one it confirms or does not state leaves it. So does a
patient state the title or conditions name that the record contradicts ("Premenopausal" for a
postmenopausal patient; menopause, pregnancy, breastfeeding, postpartum, smoking).

What the trial does with a condition can make it someone else's, and halves the fit through it:
- the title says the study prevents or detects it, or is for people at risk of it
  ("Tamoxifen for the Prevention of Breast Cancer", "PET for Detecting Lung Cancer"); or the
  registry's primary purpose is prevention or diagnosis, the condition is a cancer and the
  title names nothing of the patient's (the Women's Health Initiative, filed under "Breast
  Neoplasms"); or the primary purpose is screening: for people not known to have it;
- the phrase names a childhood form ("Childhood Solid Tumor") and the patient is 22 or older,
  or an adult form and the patient is under 18;
- a disease holding the patient's ("Kidney Cancer") is one the trial also names a narrower
  form of that is not the patient's ("... Wilms' Tumor ..." for renal cell carcinoma): the
  trial's kidney cancer is that form; or the title names another cancer and nothing of the
  patient's ("Lung Metastases From Soft Tissue Sarcoma" filed under "Kidney Cancer").
A phrase naming the organ of a cancer that is not the patient's ("Neuroendocrine Carcinoma of
the Skin" for a pancreatic neuroendocrine tumour) does not fit at all.

A patient with no condition on record has no relevance to measure: every trial gets None and
`match` ranks by verdict alone.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from trialscreen.facts import PatientFacts
from trialscreen.lexicon import concepts
from trialscreen.model.predicate import BiomarkerStatus, leaves
from trialscreen.model.trial import Trial

# classes so broad that fitting one says little about the trial being for this patient
BROAD = frozenset(
    {
        "cancer",
        "solid_tumor",
        "carcinoma",  # most solid tumours are carcinomas
        "hematologic_malignancy",
        "metastatic_disease",
        "stage_iv_disease",  # metastatic disease is a kind of it
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
ELSEWHERE = 0.5  # the factor for a condition the trial prevents, screens for, or names for
# another age group or as another form
# the words before a mention that make it what the study prevents or its participants risk
_PREVENTED = re.compile(
    r"(?i)\b(?:prevent(?:s|ing|ion)?(?:\s+of)?|detect(?:s|ed|ing|ion)?(?:\s+of)?|at\s+(?:high|higher|increased)?\s*risk\s+(?:of|for)"
    r"|risk\s+of|reduc\w*\s+the\s+(?:risk|incidence)\s+of)"
    r"(?:\s+developing)?\s+(?:the\s+|a\s+)?"
    # "preventing recurrence of", "... progression of": for people who have it
    r"(?:(?!recurren|relaps|progress|metasta|spread|complicat|return|death)[\w'-]+\s+){0,2}$"
)
_CHILDHOOD = frozenset(
    "childhood pediatric paediatric children child infant infants juvenile".split()
)
CHILDHOOD_UNTIL = 22  # NCI childhood-cancer protocols take patients up to 21
# states a trial can be for, that a record can contradict
STATES = frozenset(
    "premenopausal postmenopausal perimenopausal pregnancy breastfeeding postpartum "
    "current_smoker".split()
)
_NEGATED = re.compile(r"(?i)\b(?:non|not|no|without|never)[\s-]*$")
_SITE = re.compile(r"(?i)\bof\s+(?:the\s+)?([a-z]+)\s*$")


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
    named = {c for s, p in phrases if s in ("condition", "title") for c in trial_concepts(p)}
    holders = closure - own - BROAD
    title_fits = any(_fit(c, own, closure)[0] > 0 for c in trial_concepts(trial.title))
    titled = None if title_fits else _titled_other(trial.title)
    # a prevention or diagnostic study looks for its condition in people not known to have
    # it, unless its title names the patient's disease as its participants'
    preventive = trial.registration.purpose in ("prevention", "diagnostic") and not title_fits
    age = facts.age_in("years")
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
            if fit > 0:
                read = fit
                fit, how = _elsewhere(concept_id, phrase, fit, how, own, closure, named, age)
                if titled and fit == read and source != "title" and concept_id in holders:
                    fit, how = fit * ELSEWHERE, f"{how}; but the title names {titled}"
            if fit > 0 and (
                concept_id in _prevented(trial.title)
                or (preventive and concepts.is_a(concept_id, "cancer"))
            ):
                fit, how = fit * ELSEWHERE, f"{how}; but the study is to prevent or find it"
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
    if best.score > 0 and trial.registration.purpose == "screening":
        best = Relevance(
            round(best.score * ELSEWHERE, 3),
            f"{best.because}; but a screening study is for people not known to have it",
        )
    if best.score > 0:
        contradicted = _contradicted_marker(trial, facts) or _contradicted_state(trial, facts)
        if contradicted is not None:
            best = Relevance(
                round(best.score * CONTRADICTED, 3),
                f"{best.because}; but {contradicted} is not the patient's",
            )
    return best


def _elsewhere(
    concept_id: str,
    phrase: str,
    fit: float,
    how: str,
    own: frozenset[str],
    closure: frozenset[str],
    named: set[str],
    age: tuple[float, float] | None,
) -> tuple[float, str]:
    """The fit through a concept of a phrase, less where the phrase or the trial makes it
    another site, another age group's form, or another form of a holder (module docstring)."""
    site, organ = _organ_named(phrase)
    if organ is not None and organ not in closure and not any(concepts.is_a(o, organ) for o in own):
        return 0.0, f"{how}; but of the {site}: {concepts.get(organ).name.lower()}"
    words = _words(phrase)
    if age is not None and words & _CHILDHOOD and age[0] >= CHILDHOOD_UNTIL:
        return fit * ELSEWHERE, f"{how}; but a childhood form, and the patient is an adult"
    if age is not None and "adult" in words and age[1] < 18:
        return fit * ELSEWHERE, f"{how}; but an adult form, and the patient is a child"
    if concept_id in closure and concept_id not in own and concept_id not in BROAD:
        forms = sorted(
            n
            for n in named
            if n != concept_id
            and concepts.is_a(n, concept_id)
            and n not in closure
            and not any(concepts.is_a(o, n) for o in own)
        )
        if forms and not any(
            n in closure for n in named if n != concept_id and concepts.is_a(n, concept_id)
        ):
            name = concepts.get(forms[0]).name.lower()
            return fit * ELSEWHERE, f"{how}; but the trial's is {name}"
    return fit, how


@functools.lru_cache(maxsize=65536)
def _organ_named(phrase: str) -> tuple[str, str | None]:
    """The organ a phrase ends on ("... of the Skin") and the cancer of it, if the lexicon has
    one: read once per phrase, not once per patient."""
    site = _SITE.search(phrase)
    if not site:
        return "", None
    organ = concepts.lookup(f"{site.group(1)} cancer")
    if organ is None or not concepts.is_a(organ.id, "cancer"):
        return "", None
    return site.group(1).lower(), organ.id


@functools.lru_cache(maxsize=65536)
def _words(phrase: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", phrase.lower()))


@functools.lru_cache(maxsize=65536)
def _titled_other(title: str) -> str | None:
    """A cancer the title names ("Lung Metastases From Soft Tissue Sarcoma" under the
    conditions "Kidney Cancer", "Sarcoma", ...: a list of the sites sarcoma arises in); it
    counts when nothing the title names is the patient's."""
    other = [c for c in trial_concepts(title) if c not in BROAD and concepts.is_a(c, "cancer")]
    return concepts.get(other[0]).name.lower() if other else None


def _prevented(title: str) -> frozenset[str]:
    """The conditions the title says the study prevents or detects, or its participants are at
    risk of: every mention of them so ("Detection of Melanoma Markers ... of Patients With
    Melanoma" is for people with it)."""
    return frozenset(_remembered("prevented", title, _prevented_in)[0])


def _prevented_in(title: str) -> Reading:
    context: dict[str, bool] = {}
    for start, _, found in concepts.find_in(title):
        there = bool(_PREVENTED.search(title[max(0, start - 80) : start]))
        context[found.id] = context.get(found.id, True) and there
    return tuple(concept_id for concept_id, there in context.items() if there), True


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


Reading = tuple[tuple[str, ...], bool]
# "<kind>\x1f<phrase>" -> the phrase's reading of that kind: this run's and remembered
_READINGS: dict[str, Reading] = {}
_REMEMBERED: set[str] = set()


def remember(readings: Mapping[str, Reading]) -> None:
    """Readings of registry phrases kept from an earlier run with the same lexicon (the
    catalogue's): they are not read again."""
    _READINGS.update(readings)
    _REMEMBERED.update(readings)


def new_readings() -> dict[str, Reading]:
    """The phrases read in this run that were not remembered: for the catalogue to keep."""
    return {p: r for p, r in _READINGS.items() if p not in _REMEMBERED}


def _read_phrase(phrase: str) -> Reading:
    """The concepts of `trial_concepts`, and whether the words around them are only general
    ones (a mention inside "Neuroendocrine Carcinoma of the Skin" is qualified by the rest)."""
    return _remembered("read", phrase, _resolve)


def _remembered(kind: str, phrase: str, read: Callable[[str], Reading]) -> Reading:
    """A reading of a phrase of one kind, read once (or remembered from an earlier run)."""
    key = f"{kind}\x1f{phrase}"
    found = _READINGS.get(key)
    if found is None:
        found = _READINGS[key] = read(phrase)
    return found


@functools.cache
def version() -> str:
    """A hash of this module: remembered readings are kept for the code that read them."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _resolve(phrase: str) -> Reading:
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


def _contradicted_state(trial: Trial, facts: PatientFacts) -> str | None:
    """A patient state the title or conditions name ("... of Premenopausal Patients") that the
    record says is not the patient's (postmenopausal: premenopausal absent), else None."""
    for phrase in (*trial.conditions, trial.title):
        for concept_id in _stated_states(phrase):
            found = facts.concepts.get(concept_id)
            if found and all(f.status == "absent" for f in found):
                return concepts.get(concept_id).name.lower()
    return None


def _stated_states(phrase: str) -> tuple[str, ...]:
    """The patient states a phrase names, not negated ("Non-Pregnant" names none)."""
    return _remembered("states", phrase, _states_in)[0]


def _states_in(phrase: str) -> Reading:
    found = tuple(
        concept.id
        for start, _, concept in concepts.find_in(phrase)
        if concept.id in STATES and not _NEGATED.search(phrase[max(0, start - 12) : start])
    )
    return found, True


@functools.lru_cache(maxsize=65536)
def _stated_markers(phrase: str) -> tuple[BiomarkerStatus, ...]:
    """The tumour-marker statuses a phrase states, read by the criteria grammar."""
    if not _marker_words().search(phrase):
        return ()
    from trialscreen.language.compiler import compile_criterion

    compiled = compile_criterion(phrase, "inclusion")
    return tuple(leaf for leaf in leaves(compiled.predicate) if isinstance(leaf, BiomarkerStatus))
