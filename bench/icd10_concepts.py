"""Build src/trialscreen/lexicon/icd10_concepts.json: conditions from ICD-10-CM.

Source: the ICD-10-CM tabular list (CDC/NCHS, public domain) through the maintained package
`simple-icd-10-cm` (pip install 'trialscreen[lexicon]'); only this build step needs it, the
engine reads the JSON it writes.

Which codes: categories and subcategories of chapters A-N, Q and R (diseases, congenital
conditions, symptoms), not the 7th-character extensions, injuries, external causes, pregnancy,
perinatal or status (Z) codes. Which names: the code's description and its inclusion terms, where
the name is a clean name a criterion or a record could write. A clean name has at most 4 words, no
comma or bracket, and none of "other", "unspecified", "due to", "with", "without", "of", "in",
"and", "or", "classified elsewhere", ... A one-word name needs 5 letters or more. A name that
names two codes is dropped, and so is a name the hand-curated lexicon (concepts.json) already
has: the curated synonyms stay on top. A code the curated lexicon lists is left to it.

Parents (the hierarchy): the code's ICD-10-CM ancestors built here, and the curated concept
coded by an ancestor when that ancestor names the category itself, the entry's own name says it,
and the entry is no lesser form (suspect, benign, latent, in remission): I21 "Acute myocardial
infarction" makes NSTEMI a myocardial infarction, while G24 "Dystonia" does not make tardive
dyskinesia a dystonia. Never the curated concept a name merely ends with. An inclusion term is a
kind the code includes, so it is its own concept under the code, never a synonym of it. A few
curated classes are given by hand (CLASSES: the AIDS-defining forms of toxoplasmosis and
cryptococcosis).

Run: python bench/icd10_concepts.py
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from trialscreen.lexicon import concepts

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "src" / "trialscreen" / "lexicon" / "concepts.json"
OUT = ROOT / "src" / "trialscreen" / "lexicon" / "icd10_concepts.json"

CHAPTERS = re.compile(r"^[A-NQR]")
NOT_CLEAN = re.compile(
    r"(?i)\b(?:other|unspecified|classified|elsewhere|due|with|without|and|or|of|in|on|to|by|"
    r"for|at|nec|nos|specified|following|complicating|encounter|history|personal|family|"
    r"status|sequela|subsequent|initial|exposure|contact|screening|observation|abnormal|"
    r"findings?|presence|long|term|underdosing|poisoning|adverse|effect|accidental|"
    r"intentional|assault|undetermined|unilateral|bilateral|right|left|site|sites|"
    r"multiple|single|type|part|region|newborn|affected|induced|related|associated|"
    r"except|excluding|including|not|no|elsewhere)\b|[,()\[\];:/]"
)


# one-word names that are also ordinary words or anatomy ("convicted felon", "dorsal root
# ganglion", "falling"), or too vague to stand alone in a criterion
STOP = frozenset(
    "falling callus calme colic felon ganglion flushing hostility worries weakness tiredness "
    "sighing malleus plague denticles lalling lisping bloating frailty pallor heartburn "
    "stupor rales ozena clavus cicatrix canities freckles sunburn snoring sneezing "
    "hiccough nosebleed".split()
) | {  # names that are also something else: anatomy, age, a lab value, an organism, an identity
    "low density",
    "old age",
    "senescence",
    "fat pad",
    "aortic arch",
    "bovine arch",
    "transgender",
    "loneliness",
    "unhappiness",
    "nervousness",
    "overactivity",
    "impulsiveness",
    "stress reaction",
    "identity disorder",
    "sulfatase deficiency",
    "pseudomonas aeruginosa",
}

# names criteria and records use that the tabular list does not give as a clean name (hand
# curated, on top of ICD-10-CM): synonyms of the code, and kinds of it (its own child concepts)
SYNONYMS = {
    "D59.5": ["paroxysmal nocturnal hemoglobinuria", "pnh"],
    "E28.2": ["polycystic ovary syndrome", "pcos"],
    "E24.0": ["cushing's disease", "cushing disease"],
}
KINDS = {
    "E22.0": ["acromegaly"],
}
# curated classes every entry of a code is a kind of, where ICD-10-CM files it under no code of
# theirs: the AIDS-defining forms (CDC 1993: toxoplasmosis of the brain, extrapulmonary
# cryptococcosis), since toxoplasmosis and cryptococcosis as such are not AIDS-defining
CLASSES = {
    "B58.2": ["cerebral_toxoplasmosis"],  # Toxoplasma meningoencephalitis
    "B45.1": ["extrapulmonary_cryptococcosis"],  # cerebral
    "B45.2": ["extrapulmonary_cryptococcosis"],  # cutaneous
    "B45.3": ["extrapulmonary_cryptococcosis"],  # osseous
    "B45.7": ["extrapulmonary_cryptococcosis"],  # disseminated
}


# words in an entry's names that make it less than its category (no curated anchor for it)
LESSER = frozenset(
    "suspect suspected benign latent withdrawal remission borderline preclinical subclinical "
    "risk carrier trait pseudo false absence absent lack".split()
)


def clean(name: str) -> bool:
    words = name.split()
    if NOT_CLEAN.search(name) or not 1 <= len(words) <= 4:
        return False
    if name.lower() in STOP or (len(words) == 1 and len(name) < 5):
        return False
    return True


def concept_id(code: str) -> str:
    return "icd10_" + code.lower().replace(".", "_")


def variants(name: str) -> list[str]:
    """The name as lowercase synonyms: with and without a possessive ("cushing's syndrome",
    "cushing syndrome")."""
    low = " ".join(name.lower().split())
    out = [low]
    bare = re.sub(r"(\w)['\u2019]s\b", r"\1", low)
    if bare != low:
        out.append(bare)
    for form in list(out):  # "ménière's disease" is also written "meniere's disease"
        ascii_form = unicodedata.normalize("NFKD", form).encode("ascii", "ignore").decode()
        if ascii_form != form and ascii_form.strip():
            out.append(ascii_form)
    return out


def main() -> int:
    import simple_icd_10_cm as cm

    curated: dict[str, Any] = json.loads(CURATED.read_text(encoding="utf-8"))
    curated_keys = {
        concepts._key(p)  # noqa: SLF001 - the lexicon's own normalisation
        for c in curated["concepts"]
        for p in (c["name"], *c.get("synonyms", []))
    }
    curated_codes: dict[str, str] = {}
    for c in curated["concepts"]:
        for code in c.get("codes", {}).get("icd10", []):
            curated_codes[code.upper().replace(".", "")] = c["id"]
    curated_category = {c["id"]: c["category"] for c in curated["concepts"]}

    def says(names: list[str], anchor: str) -> bool:
        """Some name of the entry contains the curated concept's own words: NSTEMI's "Non-ST
        elevation (NSTEMI) myocardial infarction" says myocardial infarction; "tardive
        dyskinesia" does not say dystonia, though ICD-10-CM files it under G24 Dystonia."""
        keys = [f" {concepts._key(n)} " for n in names]  # noqa: SLF001
        return any(f" {p} " in k for k in keys for p in curated_phrases[anchor])

    curated_phrases: dict[str, set[str]] = {
        c["id"]: {concepts._key(p) for p in (c["name"], *c.get("synonyms", []))}  # noqa: SLF001
        for c in curated["concepts"]
    }

    def names_category(description: str, anchor: str) -> bool:
        """The ICD-10-CM category's name is the curated concept, or the acute form of it
        ("Acute myocardial infarction"), and no group of several ("Atrial fibrillation and
        flutter", "Overweight and obesity", "... kidney, except renal pelvis")."""
        if re.search(r"(?i)\b(?:and|or|except|other|unspecified)\b|,", description):
            return False
        title = concepts._key(description).removeprefix("acute ")  # noqa: SLF001
        return title in curated_phrases[anchor]

    # every clean name, as (code, its description or an included kind) -> spellings; a name
    # that two entries give is dropped
    names: dict[str, set[tuple[str, int]]] = {}
    spelled: dict[tuple[str, int, str], list[str]] = {}
    titles: dict[tuple[str, int], str] = {}
    codes = [
        c
        for c in cm.get_all_codes(with_dots=True)
        if CHAPTERS.match(c) and not cm.is_chapter_or_block(c) and not cm.is_extended_subcategory(c)
    ]
    for code in codes:
        if code.upper().replace(".", "") in curated_codes:
            continue
        # entry 0 is the code (its description and synonyms); entry n>0 the n-th kind it
        # includes (an inclusion term): a kind is not the code, only under it
        entries = [(0, [cm.get_description(code)], SYNONYMS.get(code, []))]
        kinds = [*cm.get_inclusion_term(code), *KINDS.get(code, [])]
        entries += [(n, [kind], KINDS.get(code, [])) for n, kind in enumerate(kinds, start=1)]
        for number, given, trusted in entries:
            written = [w.strip("'\" ") for w in given]
            titles[(code, number)] = written[0]
            for name in [*written, *(trusted if number == 0 else [])]:
                if name not in trusted and not clean(name):
                    continue
                for phrase in variants(name):
                    key = concepts._key(phrase)  # noqa: SLF001
                    if not key or key in curated_keys:
                        continue
                    names.setdefault(key, set()).add((code, number))
                    spelled.setdefault((code, number, key), []).append(phrase)
    by_entry: dict[tuple[str, int], list[str]] = {}
    for key, owners in names.items():
        if len(owners) == 1:
            ((code, number),) = owners
            by_entry.setdefault((code, number), []).extend(spelled[(code, number, key)])
    built = {code for code, _ in by_entry}

    def parents(code: str, names: list[str]) -> list[str]:
        """ICD-10-CM ancestors built here, and a curated concept coded by an ancestor only when
        that ancestor names the category itself (I21 "Acute myocardial infarction" over NSTEMI)
        and no name of this entry says it is something less (a suspect, a benign or latent form,
        a withdrawal, a remission). Not the curated concept a name ends with: "cardiac asthma"
        is heart failure, "ocular hypertension" no hypertension, "alcoholic hepatitis" no viral
        hepatitis (an outside review found dozens of such wrong parents)."""
        found: list[str] = []
        lesser = any(set(concepts._key(n).split()) & LESSER for n in names)  # noqa: SLF001
        for ancestor in cm.get_ancestors(code):  # nearest first
            if "-" in ancestor:
                continue
            if ancestor in built:
                found.append(concept_id(ancestor))
            anchor = curated_codes.get(ancestor.upper().replace(".", ""))
            # under a lesser category (H40.0 "Glaucoma suspect"), no anchor above it either
            lesser = lesser or bool(
                set(concepts._key(cm.get_description(ancestor)).split()) & LESSER  # noqa: SLF001
            )
            if (
                anchor is not None
                and not lesser
                and curated_category[anchor] in ("condition", "finding")
                and names_category(cm.get_description(ancestor), anchor)
                and says(names, anchor)
            ):
                found.append(anchor)
        # an entry named as less than its category (a trait, a carrier, a suspect, a latent
        # form) stands alone: "beta thalassemia trait" is no thalassemia for a criterion
        own_lesser = any(set(concepts._key(n).split()) & LESSER for n in names)  # noqa: SLF001
        return [] if own_lesser else list(dict.fromkeys([*found, *CLASSES.get(code, [])]))

    out = []
    for code in sorted(built):
        category = "finding" if code.startswith("R") else "condition"
        synonyms = list(dict.fromkeys(by_entry.get((code, 0), [])))
        out.append(
            {
                "id": concept_id(code),
                "name": cm.get_description(code),
                "category": category,
                "synonyms": synonyms,
                "codes": {"icd10": [code]},
                "parents": parents(code, [cm.get_description(code), *synonyms]),
            }
        )
        for (kind_code, number), kind_synonyms in sorted(by_entry.items()):
            if kind_code != code or number == 0:
                continue
            kind_synonyms = list(dict.fromkeys(kind_synonyms))
            out.append(
                {
                    "id": f"{concept_id(code)}_k{number}",
                    "name": titles[(code, number)],
                    "category": category,
                    "synonyms": kind_synonyms,
                    "codes": {},
                    "parents": (
                        []
                        if any(
                            set(concepts._key(n).split()) & LESSER  # noqa: SLF001
                            for n in [titles[(code, number)], *kind_synonyms]
                        )
                        else [concept_id(code)]
                    ),
                }
            )
    doc = {
        "source": (
            "ICD-10-CM tabular list (CDC/NCHS, public domain), via simple-icd-10-cm; built by "
            "bench/icd10_concepts.py"
        ),
        "concepts": out,
    }
    OUT.write_text(
        "{\n"
        + f'  "source": {json.dumps(doc["source"])},\n'
        + '  "concepts": [\n'
        + ",\n".join("    " + json.dumps(c, ensure_ascii=False) for c in out)
        + "\n  ]\n}\n",
        encoding="utf-8",
    )
    synonyms = sum(len(c["synonyms"]) for c in out)
    print(f"{len(out)} concepts, {synonyms} names -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
