"""A class no lexicon holds, named by the examples after it: "Immunomodulating agents (e.g.,
interferon, interleukin-2)", "Autoimmune disorders such as lupus".

The trial gives the examples as members of the class, so a patient who has one has the class;
a patient who has none may still have another member, which the record cannot rule out. The
plain words of the class become one UNNAMED token whose value is the id of a stand-in concept of
the examples' family (`concepts.UNNAMED_PREFIX`), so the grammar reads negation, timing and
windows around it as for any concept; the compiler then makes the clause "the class (not read)
or any example", and where no examples clause took the stand-in, reads the bullet again without
it (compiler._ClassNotRead), so its words stay words and no clause stands on it.

Only where the class is unmistakably the examples' class:
- the words are one to five plain words, the last a word for a class ("agents", "disorders",
  "conditions", ...), the others saying what kind of thing it is (an organ or a system,
  "vascular", "autoimmune"; what a drug does, "immunomodulating", "anti-inflammatory"): never a
  word that narrows how, why, when or from what ("topical", "prophylactic", "alcohol-related",
  "childhood", "recent", "significant": the examples would have to be narrowed too);
- before them stand only the start of the bullet, a colon or full stop, a negation or a
  qualifier token ("No", "History of", "concurrent"): never a relation ("pleurodesis with
  cytotoxic drugs (e.g., bleomycin)" is about pleurodesis; "medications to promote weight gain");
- the examples are concepts of one family (drugs, conditions, procedures or treatments).
"""

from __future__ import annotations

import re

from lark import Token

from trialscreen.language.cues import CUE_WORDS
from trialscreen.language.measures import spanning_token
from trialscreen.lexicon import concepts

# the word that ends the class's name: what it is a class of
CLASS_NOUNS = frozenset(
    """agent agents drug drugs medication medications medicine medicines compound compounds
    inhibitor inhibitors inducer inducers substrate substrates antibiotics antagonists agonists
    blockers products supplements preparations therapies treatments disease diseases disorder
    disorders condition conditions illness illnesses comorbidity comorbidities co-morbidities
    syndromes abnormalities infections malignancies cancers tumors tumours procedures
    surgeries""".split()
)
# the words before the class noun that say what kind of thing the class is (an organ, a system,
# what a drug does), which every example the trial names is: "vascular disease (e.g., aortic
# aneurysm)", "immunomodulating agents (e.g., interferon)". Any other word may narrow how, why,
# when or from what ("topical", "prophylactic", "alcohol-related", "childhood": review 23), which
# the example's name does not say: no class is read
_KIND_WORDS = frozenset(
    """cardiac heart cardiovascular vascular coronary cerebrovascular pulmonary lung respiratory
    renal kidney hepatic liver biliary gastrointestinal bowel intestinal neurologic neurological
    neuromuscular neurodegenerative nervous central system cns brain psychiatric mental
    psychotic mood metabolic endocrine autoimmune immune immunologic immunological infectious
    viral bacterial fungal hematologic hematological haematological blood bone marrow muscular
    musculoskeletal skin connective tissue thyroid rheumatologic rheumatic inflammatory
    demyelinating sleep eating substance""".split()
)
# what a drug does: "immunosuppressive", "anti-inflammatory", "myelosuppressive", "cytotoxic"
_DRUG_KIND = re.compile(
    r"(?i)^(?:anti-?[a-z]+|[a-z]*(?:suppressive|suppressant|modulating|modulatory|modulators?|"
    r"toxic|tropic|lytic|static|cidal)|[a-z]+active|chemotherapeutic|antineoplastic|anticancer|"
    r"hormonal|neuroleptic|psychoactive|psychotropic|cytokine|monoclonal|antibody)$"
)
# what may stand right before the class's words: the grammar reads these around a concept
_BEFORE = frozenset({"NEG", "HISTORY", "CURRENT", "EVER", "ROUTE", "SEVERITY", "COLON"})
MAX_WORDS = 5
UNNAMED_REASON = "a class no lexicon holds, named by its examples"
# a concept's category -> the family of a class of such concepts
_FAMILY = {
    "drug": "drug_class",
    "drug_class": "drug_class",
    "treatment": "treatment",
    "condition": "condition",
    "finding": "condition",
    "procedure": "procedure",
}


def member_of(example: str, unnamed_id: str) -> bool:
    """Is the concept of the stand-in's family (a drug of a class of drugs)?"""
    if not concepts.known(example) or ":" in example or concepts.unnamed(example):
        return False
    family = _FAMILY.get(concepts.get(example).category)
    return family is not None and unnamed_id == concepts.UNNAMED_PREFIX + family


def example_intro(tokens: list[Token], i: int) -> int | None:
    """Where the words introducing examples at token i end ("e.g.", "eg", "such as", "for
    example", "including"), or None. "i.e." is not one: it defines, and may narrow."""
    words = [str(t).lower() for t in tokens[i : i + 4]]
    if words[:4] == ["e", ".", "g", "."] or words[:3] == ["e", ".", "g"]:
        end = i + (4 if words[3:4] == ["."] else 3)
    elif words[:1] in (["eg"], ["including"]):
        end = i + 1
    elif words[:2] in (["such", "as"], ["for", "example"], ["for", "instance"]):
        end = i + 2
    else:
        return None
    while end < len(tokens) and tokens[end].type in ("COMMA", "COLON"):
        end += 1
    return end


def _kind_word(token: Token) -> bool:
    """Does the word before a class noun say what kind of thing the class is? (Never a cue
    word: "reactive" is a result.)"""
    lower = str(token).lower()
    return (
        token.type == "WORD"
        and lower not in CUE_WORDS
        and (lower in _KIND_WORDS or bool(_DRUG_KIND.match(lower)))
    )


def _family(tokens: list[Token], start: int) -> str | None:
    """The one family of the concepts listed from tokens[start] to the closing bracket or the
    end, or None (none listed, an unknown one, or several families)."""
    found: set[str | None] = set()
    for token in tokens[start:]:
        if token.type == "RPAR":
            break
        if token.type == "CONCEPT":
            concept = concepts.lookup(" ".join(str(token).split()))
            found.add(_FAMILY.get(concept.category) if concept else None)
    if len(found) != 1 or None in found:
        return None
    return found.pop()


def _class_start(tokens: list[Token], end: int) -> int | None:
    """The first token of a class's name ending at tokens[end], or None."""
    if end < 0 or tokens[end].type != "WORD" or str(tokens[end]).lower() not in CLASS_NOUNS:
        return None
    i = end - 1
    while i >= 0 and end - i < MAX_WORDS and _kind_word(tokens[i]):
        i -= 1
    start = i + 1
    name = tokens[start : end + 1]
    if any(  # "... the study Autoimmune disorders": two sentences run together
        str(b)[:1].isupper() and str(a).islower() for a, b in zip(name, name[1:], strict=False)
    ):
        return None
    before = tokens[start - 1] if start else None
    if before is not None and not (
        before.type in _BEFORE or (before.type == "OTHER" and str(before) in ".;")
    ):
        return None
    return start


def merge_unnamed(tokens: list[Token]) -> list[Token]:
    """The tokens with each class name that examples follow made one UNNAMED token (its value
    the stand-in concept's id)."""
    out: list[Token] = []
    taken = 0
    for k in range(1, len(tokens)):
        bracket = tokens[k].type == "LPAR"
        opened = k + 1 if bracket else k
        intro = example_intro(tokens, opened) if opened < len(tokens) else None
        if intro is None or intro >= len(tokens) or tokens[intro].type != "CONCEPT":
            continue
        end = k - 1
        if not bracket and tokens[end].type == "COMMA":
            end -= 1  # "Immunomodulating agents, such as ..."
        start = _class_start(tokens, end)
        family = _family(tokens, intro)
        if start is None or start < taken or family is None:
            continue
        first, last = tokens[start], tokens[end]
        out.extend(tokens[taken:start])
        out.append(spanning_token("UNNAMED", concepts.UNNAMED_PREFIX + family, first, last))
        taken = end + 1
    if not out:
        return tokens
    return out + tokens[taken:]
