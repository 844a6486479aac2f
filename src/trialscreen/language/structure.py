"""The document pass: what the list around a bullet does to its meaning.

Bullets are compiled one by one (and stored that way); this pass then reads the trial's list as a
document and adjusts each compiled bullet for its place in it. It never reads a patient.

- A parent saying "at least one of / any of / one of the following" becomes one OR over its
  children; "all of the following" one AND; its children are shown as options of it and
  constrain nobody on their own (flag `structure:option_of:N`).
- A parent saying the patient must have none of its children ("No ..., including any of the
  following:", "must not have:", "none of the following") negates each child.
- "Allowed:" / "Permitted:" sections or parents make their bullets permissions: no constraint.
- A heading-only parent (a label ending with ':' that compiles to nothing) constrains nobody.
- A section or parent that names a group ("For patients with liver metastases:", "Cohort B:")
  makes its bullets apply to that group only (`applies_if`).
- A section or parent with any other word that can change meaning (a window, a number, an
  exception) leaves its bullets undecided: the pass does not know how it scopes them.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence

from trialscreen.language.compiler import (
    clipped,
    compile_criterion,
    compile_slice,
    compile_with_subject,
)
from trialscreen.language.cues import CUE_WORDS, negating_flag
from trialscreen.language.render import render
from trialscreen.language.runon import SUBJECT_LABELS, TOPIC_LABELS
from trialscreen.lexicon import concepts
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.predicate import (
    AllOf,
    AnyOf,
    ConceptDuration,
    HasConcept,
    LabCompare,
    Not,
    Predicate,
    SexIs,
    Unparsed,
    leaves,
    map_leaves,
    walk,
)
from trialscreen.model.trial import Criterion, Heading, Trial
from trialscreen.trials.lines import match_marker

_ANY = re.compile(
    r"(?i)\b(?:at least (?:one|1)|any|one|1|one or more|either|1 or more)\s+of\s+(?:the\s+)?"
    r"(?:following|below|criteria|conditions|items)|\beither\s*:?\s*$"
)
_ALL = re.compile(r"(?i)\b(?:all|each|both)\s+(?:of\s+)?(?:the\s+)?(?:following|below)")
# a label that only says "allowed" ("Allowed:", "Permitted medications:"), never "Acceptable
# coagulation status:" (a requirement) or "Not allowed:"
_PERMISSION = re.compile(
    # "Discouraged:" (antacids, H2 blockers) and "CAUTION:" list drugs allowed though not advised
    r"(?i)^\s*(?:the\s+following\s+(?:are|is)\s+)?(?:allowed|permitted|permissible|discouraged"
    r"|caution)"
    r"(?:\s+(?:concurrent\s+)?(?:medications?|treatments?|therapy|therapies|drugs?))?"
    # "Allowed for volunteers stratified to the higher risk stratum:": allowed, for some
    r"(?:\s+for\s+[^:]{1,80})?\s*:?\s*$"
)


def _permitted(c: CompiledCriterion, why: str) -> CompiledCriterion:
    """A bullet listed under a permission: no constraint, unless it also forbids something
    ("... is permitted. However, chronic use is not allowed")."""
    requires = re.search(r"(?i)\b(?:must|required?|only|discontinued|at least|within)\b|\d", c.text)
    if any(negating_flag(f) for f in c.flags) or "disqualifying_frame" in c.flags or requires:
        return _undecided(c, f"a permission that also forbids ({why})")
    return _flag(c, f"permission ({why})", status="no_constraint")


_GROUP = re.compile(
    r"(?i)^\s*(?:(?:for|in)\s+(?:patients|subjects|participants|those|women|men|children)"
    r"\s+(?:with|who|receiving|undergoing|aged?)\b|(?:patients|subjects|participants)\s+with\b)"
)
_COHORT = re.compile(
    r"(?i)^\s*(?:cohorts?|arms?|parts?|groups?|phase|stage|dose[- ]escalation|dose[- ]expansion|"
    r"expansion|escalation|stratum|strata|substudy|sub-study|module|"
    # a phase of the treatment ("Postinduction therapy:", "Consolidation:"): for whoever enters it
    r"(?:pre-?|post-?|re-?)?induction|consolidation|intensification|maintenance|"
    r"(?:pre-?|post-?)transplant(?:ation)?)\b"
)
_DIGIT = re.compile(r"\d")


def read_document(trial: Trial, compiled: Sequence[CompiledCriterion]) -> list[CompiledCriterion]:
    """Each bullet's compiled criterion adjusted for its place in the trial's list."""
    out = list(compiled)
    children: dict[int, list[int]] = {}
    for bullet in trial.bullets:
        if bullet.parent is not None:
            children.setdefault(bullet.parent, []).append(bullet.index)
    by_index = {b.index: i for i, b in enumerate(trial.bullets)}
    for position, bullet in enumerate(trial.bullets):
        out[position] = _in_sections(trial, bullet, out[position])
    for parent, kids in children.items():
        p = by_index.get(parent)
        if p is None:
            continue
        rows = [by_index[k] for k in kids if k in by_index]
        _apply_parent(trial.bullets[p], p, rows, out)
    _headings(trial, out)
    _person_labels(trial, out)
    _group_majors(trial, out)
    _lines_of_one(trial, out)
    _sexes_side_by_side(trial, out)
    _lost_lists(trial, children, out)
    _joined_by_or(trial, out)
    _scope_descendants(trial, children, by_index, out)
    _contradictions(trial, out)
    _own_disease(trial, out)
    _required_elsewhere(trial, out)
    _alternative_diagnoses(trial, out)
    _cohort_blocks(trial, children, by_index, out)
    _permitted_elsewhere(trial, out)
    _waived(trial, children, by_index, out)
    return out


# a sub-item or a line under a heading that lets a patient off the bullet's bound ("Greater
# than 3 times normal if ... due to biliary obstruction from tumor", "(unless histologic
# evidence of bone marrow involvement by tumor)"), and blocks an amendment replaced (review 26)
_WAIVER = re.compile(
    r"(?i)\b(?:allowed|permitted|acceptable|eligible|unless|except|as long as|provided|if)\b"
)
_UNLESS_LINE = re.compile(r"(?i)^\W*unless\b")
_ORIGINAL = re.compile(r"(?i)\boriginal\b")
_AMENDED = re.compile(r"(?i)\bamend")


def _waived(
    trial: Trial,
    children: dict[int, list[int]],
    by_index: dict[int, int],
    out: list[CompiledCriterion],
) -> None:
    """A bullet another line may waive can pass, and never fail: its reading, or the waiver
    (not read). A waiver is a sub-item that allows otherwise, an "(unless ...)" line before the
    bullets of its section, or an amendment of the block the bullet sits in."""
    for parent, kids in children.items():
        p = by_index.get(parent)
        texts = [trial.bullets[by_index[k]].text for k in kids if k in by_index]
        waiver = next((t for t in texts if _WAIVER.search(t)), None)
        if p is not None and waiver is not None:
            out[p] = _unless_waived(out[p], waiver, "a sub-item may allow otherwise")
    amended = any(_AMENDED.search(b.section or "") for b in trial.bullets) or any(
        _AMENDED.search(h.text) for h in trial.headings
    )
    unless: Criterion | None = None  # an "(unless ...)" line, over the rest of its section
    for i, bullet in enumerate(trial.bullets):
        if unless is not None and (bullet.section, bullet.kind) != (unless.section, unless.kind):
            unless = None
        if _UNLESS_LINE.match(bullet.text):
            unless = bullet
            continue
        if unless is not None:
            out[i] = _unless_waived(out[i], unless.text, "a line of its section may waive it")
        if amended and _ORIGINAL.search(bullet.section or ""):
            out[i] = _unless_waived(out[i], bullet.section or "", "an amendment may replace it")


def _unless_waived(c: CompiledCriterion, waiver: str, why: str) -> CompiledCriterion:
    if c.status in ("no_constraint", "unparsed"):
        return c
    span = c.predicate.span
    doubt = Unparsed(text=waiver, reason=why, span=span)
    # an inclusion met, or waived; an exclusion met and not waived: a waiver can only spare
    either: Predicate = (
        AnyOf(items=(c.predicate, doubt), span=span)
        if c.kind == "inclusion"
        else AllOf(items=(c.predicate, doubt), span=span)
    )
    # the waiver stands as an unknown beside the reading: sound where the reading was
    sound = c.status == "compiled" or "sound_partial" in c.flags
    flags = (*(f for f in c.flags if f != "sound_partial"), *(("sound_partial",) if sound else ()))
    c = c.model_copy(update={"predicate": either, "flags": flags})
    return _flag(c, why, status="partial")


def _permitted_elsewhere(trial: Trial, out: list[CompiledCriterion]) -> None:
    """A treatment a permission allows ("Allowed: vinblastine ... for Kaposi's sarcoma") is an
    exception to an exclusion of its kind elsewhere ("Excluded: Cytotoxic chemotherapy."): a
    patient on it alone is not excluded by that bullet for certain (unknown: the permission may
    be narrower than the drug, as here for Kaposi's sarcoma)."""
    allowed = {
        leaf.concept
        for c in out
        if any(f.startswith("structure:permission (") for f in c.flags)
        for leaf in leaves(c.predicate)
        if isinstance(leaf, HasConcept) and concepts.known(leaf.concept)
    }
    if not allowed:
        return
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        if bullet.kind != "exclusion" or c.status == "no_constraint":
            continue
        changed = _except_allowed(c.predicate, allowed)
        if changed is not c.predicate:
            out[i] = _flag(c.model_copy(update={"predicate": changed}), "permitted elsewhere")


def _except_allowed(node: Predicate, allowed: set[str]) -> Predicate:
    """The node with every allowed narrower concept an exception of the leaves that cover it."""

    def except_in(leaf: Predicate) -> Predicate:
        if not isinstance(leaf, HasConcept) or not concepts.known(leaf.concept):
            return leaf
        narrower = {
            a for a in allowed if a != leaf.concept and leaf.concept in concepts.ancestors(a)
        }
        extra = tuple(sorted(narrower - set(leaf.except_concepts)))
        if not extra:
            return leaf
        return leaf.model_copy(update={"except_concepts": (*leaf.except_concepts, *extra)})

    return map_leaves(node, except_in)


def _bare_condition(text: str) -> str | None:
    """The condition a bullet only names ("Rheumatoid Arthritis", "Psoriasis:"), else None."""
    found = concepts.lookup(text.strip().rstrip(":.;").strip())
    return found.id if found is not None and found.category == "condition" else None


def _or_another(c: CompiledCriterion, others: Sequence[Predicate], why: str) -> Predicate:
    """The bullet's own reading, or (if the bullets beside it are alternatives, which is not
    known: `why`) one of theirs: met with its own, not met with none, open with another."""
    span = c.predicate.span
    doubt = Unparsed(text=c.text, reason=why, span=span)
    either = others[0] if len(others) == 1 else AnyOf(items=tuple(others), span=span)
    return AnyOf(items=(c.predicate, AllOf(items=(either, doubt), span=span)), span=span)


def _cohort_blocks(
    trial: Trial,
    children: dict[int, list[int]],
    by_index: dict[int, int],
    out: list[CompiledCriterion],
) -> None:
    """Two or more bullets of a list that each only name a disease and hold bullets of their
    own ("Rheumatoid Arthritis" / "- 18 years of age or older", "Crohn's disease" / "- 12
    years of age or older"): cohorts, each block for the patients with that disease. The
    bullets under them apply to members only, whom the record does not tell apart here."""
    heads: dict[tuple[str, int | None, str | None], list[int]] = {}
    for parent, kids in children.items():
        p = by_index.get(parent)
        if p is None or not kids:
            continue
        bullet = trial.bullets[p]
        if _bare_condition(bullet.text) is not None:
            heads.setdefault((bullet.kind, bullet.parent, bullet.section), []).append(p)
    for group in heads.values():
        named = {p: _bare_condition(trial.bullets[p].text) for p in group}
        if len(set(named.values())) < 2:
            continue
        for p in group:
            c = out[p]
            others = sorted({cid for o, cid in named.items() if cid != named[p] and cid})
            if c.status == "compiled" and others:
                # the head itself: this disease, or (if the blocks are alternatives) another's
                alts = [HasConcept(concept=cid, span=c.predicate.span) for cid in others]
                names = ", ".join(concepts.get(cid).name for cid in others)
                out[p] = _flag(
                    c,
                    "one of several disease cohorts",
                    predicate=_or_another(c, alts, "the cohorts may be alternatives"),
                    canonical=f"{c.canonical} (or, if the cohorts are alternatives, {names})",
                )
            label = trial.bullets[p].text.strip().rstrip(":.;").strip()
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            for k in children[trial.bullets[p].index]:
                r = by_index.get(k)
                if r is not None:
                    out[r] = _flag(out[r], f"applies to the cohort '{label}'", applies_if=unknown)


def _scoped(c: CompiledCriterion) -> bool:
    return any(f.startswith("structure:option of") or f.endswith("scopes it") for f in c.flags)


def _scope_descendants(
    trial: Trial,
    children: dict[int, list[int]],
    by_index: dict[int, int],
    out: list[CompiledCriterion],
) -> None:
    """The bullets under an option, or under a scoped bullet, that a heading or an "or" chain
    made so after the parents were read ("Patients must meet one of the following:" / "Age
    18-69" / "ECOG 0-1"): scoped too (`govern` does it where the parent came first)."""
    for parent, kids in children.items():  # in document order: scoping flows down
        p = by_index.get(parent)
        if p is None or not _scoped(out[p]):
            continue
        for k in kids:
            r = by_index.get(k)
            if r is not None and not _scoped(out[r]):
                out[r] = _undecided(out[r], f"#{trial.bullets[p].index} scopes it")


def _alternative_diagnoses(trial: Trial, out: list[CompiledCriterion]) -> None:
    """Diagnoses listed one per bullet in an inclusion list ("Rheumatoid arthritis", "Crohn's
    disease", "Psoriasis"; or "HIV infection", "PCP") are all required, or alternatives (cohorts
    of one study). Both readings agree when the patient has the bullet's diagnosis (met) and
    when the patient has none of them (not met); a patient who has another one of them and not
    this one is unknown: X or (another one and unknown)."""
    lists: dict[tuple[str | None, int | None], list[tuple[int, str]]] = {}
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        node = c.predicate
        if (
            bullet.kind == "inclusion"
            and c.status == "compiled"
            and isinstance(node, HasConcept)
            and concepts.category(node.concept) == "condition"
        ):
            lists.setdefault((bullet.section, bullet.parent), []).append((i, node.concept))
    for found in lists.values():
        if len({concept for _, concept in found}) < 2:
            continue
        rows = [r for r, _ in found]
        listed = {r: out[r].predicate for r in rows}  # as read, before any is rewritten
        for r in rows:
            c = out[r]
            mine = listed[r]
            others = [listed[o] for o in rows if o != r and render(listed[o]) != render(mine)]
            if not others:
                continue
            names = ", ".join(render(o) for o in others)
            out[r] = _flag(
                c,
                "one of several diagnoses listed (alternatives?)",
                predicate=_or_another(c, others, "the diagnoses listed may be alternatives"),
                canonical=f"{c.canonical} (or, if alternatives, one of: {names})",
            )


_OTHER = re.compile(r"(?i)\b(?:other|another)\b(?!\s+than\b)")


def _required_elsewhere(trial: Trial, out: list[CompiledCriterion]) -> None:
    """ "No concurrent megestrol or other hormonal agents" in a trial whose inclusion bullets
    want androgen suppression to go on: "other" ruling out a class of treatment that holds what
    another bullet asks for most likely means the others ("other than the one required"). Not
    decided. A class that may hold it counts too ("anti-VEGF therapy" and "targeted therapy":
    bevacizumab is both, intravitreal aflibercept only the first)."""
    wanted: set[str] = set()
    for bullet, c in zip(trial.bullets, out, strict=True):
        if bullet.kind == "inclusion" and c.status != "no_constraint":
            wanted |= {name for name, ruled in _named_now(c.predicate, False) if not ruled}
    if not wanted:
        return
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        if c.status != "compiled" and not (c.status == "partial" and "sound_partial" in c.flags):
            continue
        if not _OTHER.search(bullet.text):  # "other" says: other than something of the trial
            continue
        ruled = {n for n, out_ in _named_now(c.predicate, bullet.kind == "exclusion") if out_}
        if any(r != w and concepts.overlaps(w, r) for r in ruled for w in wanted):
            out[i] = _undecided(c, "rules out a class that holds what another bullet asks for")


def _named_now(node: Predicate, negated: bool) -> set[tuple[str, bool]]:
    """Treatments a node names, now or at any time (not "prior"), each with whether it is
    negated (ruled out) there; start with `negated` True for an exclusion."""
    if isinstance(node, HasConcept):
        taken = concepts.category(node.concept) in concepts.TREATMENT_CATEGORIES
        return {(node.concept, negated)} if taken and node.timing != "history" else set()
    if isinstance(node, Not):
        return _named_now(node.item, not negated)
    found: set[tuple[str, bool]] = set()
    for child in (*getattr(node, "items", ()), getattr(node, "then", None)):
        if child is not None:
            found |= _named_now(child, negated)
    return found


@functools.lru_cache(maxsize=16384)
def _condition_concepts(name: str) -> tuple[str, ...]:
    """The concepts a registry condition names: the whole name, else the mentions in it
    (registries repeat the same condition names across thousands of trials: read once)."""
    found = concepts.lookup(" ".join(name.split()))
    if found is not None:
        return (found.id,)
    return tuple(hit.id for _, _, hit in concepts.find_in(name))


# words that say a trial is about a tumour, in its conditions or title
_CANCER_WORDS = re.compile(
    r"(?i)\b(?:cancers?|carcinomas?|malignan\w*|neoplasms?|tumou?rs?|leuka?emias?|lymphomas?"
    r"|myelomas?|sarcomas?|gliomas?|glioblastomas?|melanomas?|blastomas?|metasta\w*|oncolog\w*)\b"
)


def _own_disease(trial: Trial, out: list[CompiledCriterion]) -> None:
    """ "No concurrent active malignancy" in a leukemia trial, "Brain stem tumor is excluded" in
    a glioblastoma trial: a broader class of the trial's own disease, ruled out, most likely
    means another one ("other than the one under study"). Not decided."""
    own: set[str] = set()
    itself: set[str] = set()
    for name in trial.conditions:
        for concept_id in _condition_concepts(name):
            own |= concepts.ancestors(concept_id) - {concept_id}
            if concepts.is_a(concept_id, "cancer"):  # a new primary can follow: "prior" is
                itself.add(concept_id)  # another one (not so for HIV in an HIV vaccine trial)
    if _CANCER_WORDS.search(" ".join((*trial.conditions, trial.title))):
        # a trial of a tumour the lexicon does not name ("Carcinoma of Unknown Primary",
        # "Brain and Central Nervous System Tumors"): "No prior malignancy" is another one
        own |= concepts.ancestors("cancer")
    if not own and not itself:
        return
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        if (
            c.status not in ("compiled", "partial")
            or c.status == "partial"
            and ("sound_partial" not in c.flags)
        ):
            continue
        excluded = bullet.kind == "exclusion"
        if own and _ruled_out(c.predicate, excluded, own):
            out[i] = _undecided(c, "rules out a class of the trial's own disease")
        elif itself - own and _ruled_out(c.predicate, excluded, itself - own, prior=True):
            # "No prior breast cancer" in a breast cancer trial: an earlier one, not the one
            # under study; a patient with the disease on record is unknown, one without passes
            qualified = _qualify(c.predicate, excluded, itself - own)
            out[i] = _flag(
                c.model_copy(update={"predicate": qualified}), "the trial's own disease, ruled out"
            )


OTHER_THAN_STUDIED = "other than the one the trial studies"


def _qualify(node: Predicate, excluded: bool, own: set[str]) -> Predicate:
    """The tree with each ruled-out concept of `own` qualified as another episode than the
    one under study (a qualifier the record cannot check: present is unknown)."""
    if isinstance(node, HasConcept):
        if (
            excluded
            and node.concept in own
            and node.timing == "history"  # "No prior breast cancer", not "no evidence of" one
            and OTHER_THAN_STUDIED not in node.qualifiers
        ):
            return node.model_copy(update={"qualifiers": (*node.qualifiers, OTHER_THAN_STUDIED)})
        return node
    if isinstance(node, Not):
        return node.model_copy(update={"item": _qualify(node.item, not excluded, own)})
    items = getattr(node, "items", None)
    if items is None:
        return node
    return node.model_copy(update={"items": tuple(_qualify(i, excluded, own) for i in items)})


def _ruled_out(node: Predicate, excluded: bool, own: set[str], prior: bool = False) -> bool:
    """Is a concept of `own` ruled out by this node: negated, or named in an exclusion?
    (`prior`: only as a past episode, "No prior X".)"""
    if isinstance(node, HasConcept):
        return excluded and node.concept in own and (not prior or node.timing == "history")
    if isinstance(node, Not):
        return _ruled_out(node.item, not excluded, own, prior)
    items = getattr(node, "items", ())
    return any(_ruled_out(item, excluded, own, prior) for item in items)


def _lost_lists(trial: Trial, children: dict[int, list[int]], out: list[CompiledCriterion]) -> None:
    """A bullet ending with ':' that compiled, with no children ("In the absence of marrow
    involvement:" followed by its limits at the same level): the bullets after it, up to the
    next such bullet, are read as its list; without any, it decides nothing."""
    bullets = trial.bullets
    for p, bullet in enumerate(bullets):
        if not bullet.text.rstrip().endswith(":") or bullet.index in children:
            continue
        if out[p].status not in ("compiled", "partial"):
            continue
        rows: list[int] = []
        for r in range(p + 1, len(bullets)):
            after = bullets[r]
            if after.parent != bullet.parent or after.text.rstrip().endswith(":"):
                break
            rows.append(r)
        # where its list ends is not known: neither it nor the bullets after it decide
        _scope(rows, out, f"#{bullet.index} (a heading whose list was not nested)")
        out[p] = _undecided(out[p], "a heading with content whose list was not found")


def _contradictions(trial: Trial, out: list[CompiledCriterion]) -> None:
    """Two inclusion bullets that contradict each other ("NSCLC patients" / "Patients without
    NSCLC") are alternatives (cohorts), not both required: neither decides."""
    seen: dict[str, int] = {}
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        if bullet.kind != "inclusion" or c.status != "compiled":
            continue
        seen[render(c.predicate)] = i
    for i, (bullet, c) in enumerate(zip(trial.bullets, out, strict=True)):
        if bullet.kind != "inclusion" or c.status != "compiled" or c.predicate.kind != "not":
            continue
        other = seen.get(render(c.predicate.item))
        if other is not None:
            for j in (i, other):
                out[j] = _undecided(out[j], "contradicts another inclusion: alternatives?")


def _headings(trial: Trial, out: list[CompiledCriterion]) -> None:
    """Intro headings that are not section labels ("None of the following within 2 weeks of
    entry:", "Patients must have one of the following:") govern the bullets up to the next
    heading, like a parent."""
    headings = sorted(trial.headings, key=lambda h: h.span)
    for i, heading in enumerate(headings):
        if heading.section is not None or not heading.text.rstrip().endswith(":"):
            continue
        end = headings[i + 1].span[0] if i + 1 < len(headings) else None
        rows = [
            r
            for r, b in enumerate(trial.bullets)
            if b.parent is None
            and b.span[0] >= heading.span[1]
            and (end is None or b.span[0] < end)
        ]
        if not rows:
            continue
        name = f"heading '{heading.text[:40]}'"
        if heading.kind is not None:  # "Must not have:" already set the kind (segmenter)
            neutral = (
                (_says_only(heading.text) or restates_kind(heading.text, heading.kind))
                and not (  # "must not have all of the following:": all of them together
                    _ALL.search(heading.text) and _NEGATING.search(heading.text)
                )
                # "Patients who meet any of the following are eligible:" (alternatives),
                # "... are excluded if all of the following are met:" (together): review 28
                and not (heading.kind == "inclusion" and _ANY.search(heading.text))
                and not (heading.kind == "exclusion" and _ALL.search(heading.text))
                and not _NOT_EXCLUDED.search(heading.text)
            )
            if not neutral or _names_a_group(heading):
                _scope(rows, out, name)
            continue
        govern(heading.text, trial.bullets[rows[0]].kind, name, None, rows, out)


# a bullet that is only a label naming whose criteria follow ("DONOR", "PATIENT (Any of the
# following)"), written as a line of its own in an unmarked list
_PERSON_LABEL = re.compile(
    r"(?i)^\s*(?:for\s+(?:the\s+)?)?(?P<who>[a-z][a-z/ ]{1,40}?)\s*(?:criteria)?\s*"
    r"(?:\(\s*(?:any|all|none|each|one)\s+of\s+(?:the\s+)?following\s*\))?\s*[:.]?\s*$"
)
_OWN_PERSON = re.compile(r"(?i)^(?:patients?|recipients?|subjects?|participants?)$")
_OWN_PERSON_WORD = re.compile(r"(?i)\b(?:patients?|recipients?)\b")
_PERSON_PREFIX = re.compile(
    r"(?i)^\s*(?:for\s+(?:the\s+)?)?(?P<who>donors?|partners?|spouses?|caregivers?|siblings?|"
    r"parents?|guardians?)\s*:"
)


# "Inclusion Criteria for Group 1", "Exclusion criteria for healthy volunteers": the group a major
# heading names
_GROUP_OF_MAJOR = re.compile(r"(?i)\bcriteria\s+(?:for|in)\s+(?P<group>[^:]{1,80}?)\s*:?\s*$")
_EVERY_GROUP = re.compile(r"(?i)\s*(?:all|both|every|each)\b")


def _group_majors(trial: Trial, out: list[CompiledCriterion]) -> None:
    """Bullets under "Inclusion Criteria for Group 1" where the list has such headings for
    several groups apply to that group only, and membership is not known (review 25: "HIV
    infected" under Group 1 and 2, "HIV uninfected" under Group 3)."""
    groups = {
        h.span: m["group"].strip() if (m := _GROUP_OF_MAJOR.search(h.text)) else ""
        for h in trial.headings
        if h.kind is not None
    }
    kinds = {h.span: h.kind for h in trial.headings}
    for position, heading in enumerate(_major_above(trial)):
        label = groups[heading.span] if heading is not None else ""
        if heading is None or not label or _EVERY_GROUP.match(label):
            continue  # a plain major heading, or "... for All Groups": everyone
        if len({g.lower() for span, g in groups.items() if g and kinds[span] == heading.kind}) < 2:
            continue
        unknown = Unparsed(text=label, reason=f"membership of '{label}'")
        out[position] = _flag(out[position], f"applies to {label}", applies_if=unknown)


def _major_above(trial: Trial) -> list[Heading | None]:
    """For each bullet, the last major heading (one that sets the kind) before it, or None."""
    majors = sorted((h for h in trial.headings if h.kind is not None), key=lambda h: h.span)
    ends = [h.span[1] for h in majors]
    return [
        majors[k - 1] if (k := bisect_right(ends, bullet.span[0])) else None
        for bullet in trial.bullets
    ]


def _person_labels(trial: Trial, out: list[CompiledCriterion]) -> None:
    """A top-level bullet that only names a person ("DONOR", "PATIENT (Any of the following)")
    is a heading: no constraint itself; the bullets after it, up to the next such label or the
    end of its list, are about that person: another person's ("DONOR") cannot decide for the
    patient."""
    who: str | None = None
    kind: str | None = None
    for position, bullet in enumerate(trial.bullets):
        if bullet.kind != kind:
            who, kind = None, bullet.kind
        if bullet.parent is not None:
            continue
        label = _PERSON_LABEL.match(bullet.text)
        if label is not None and out[position].status in _UNREAD:
            words = " ".join(label.group("who").split())
            if _ANOTHER_PERSON.fullmatch(words) or _OWN_PERSON.match(words):
                who = None if _OWN_PERSON.match(words) else words
                out[position] = _flag(
                    out[position], "a label of whose criteria follow", status="no_constraint"
                )
                continue
        if who is not None:
            out[position] = _undecided(out[position], f"under '{who}': about another person")
    # "Donor Inclusion Criteria", "Exclusion criteria for donors": a major heading naming
    # another person; "DONOR: Age less than 12 years": a label at the bullet's start (review 27)
    for position, (bullet, above) in enumerate(
        zip(trial.bullets, _major_above(trial), strict=True)
    ):
        heading = above.text if above is not None else ""
        named = _ANOTHER_PERSON.search(heading.split(":")[0])
        inline = _PERSON_PREFIX.match(bullet.text)
        if (named is None or _OWN_PERSON_WORD.search(heading)) and inline is None:
            continue
        who = named.group(0) if named is not None else inline["who"].strip() if inline else ""
        why = f"under '{who}': about another person"
        if not any(f.endswith(why) for f in out[position].flags):
            out[position] = _undecided(out[position], why)


_CUT_END = re.compile(r"(?i)(?:[,(/-]|\b(?:or|and|with|of|to|than|the|a|an|for|by|from|in))\s*$")
_EXAMPLES_NEXT = re.compile(
    r"(?i)(?:\be\.?\s?g\.?|\bsuch as|\bfor example|\bincluding|\bi\.e\.?)\s*[:,]?\s*:\s*$"
)
_PERMISSION_LINE = re.compile(r"(?i)^\s*(?:allowed|permitted)\s*:\s*$")


def _lines_of_one(trial: Trial, out: list[CompiledCriterion]) -> None:
    """Bullets that are not whole criteria: a source line cut in two ("Poorly controlled
    hypertension (systolic pressure greater than 180 mm Hg," / "diastolic pressure greater
    than 110 mm Hg)"): neither decides; the examples after a bullet ending "e.g.:" (examples
    of what it names, not requirements); the items after a bullet "Allowed:" (permissions)."""
    bullets = trial.bullets
    parents = {b.parent for b in bullets if b.parent is not None}
    # (what, parent, section, kind): what the lines after a lead-in bullet are, until a bullet
    # ending ":" (a new lead-in), another section or the list of the other kind
    mode: tuple[str, int | None, str | None, str] | None = None
    for i, bullet in enumerate(bullets):
        before = bullets[i - 1] if i else None
        text = bullet.text.strip()
        if mode is not None and (
            (bullet.section, bullet.kind) != (mode[2], mode[3]) or text.endswith(":")
        ):
            mode = None
        if (
            before is not None
            and (before.parent, before.kind) == (bullet.parent, bullet.kind)
            and _cut(before.text, text)
        ):
            out[i] = _undecided(out[i], "a line of the bullet before")
            out[i - 1] = _undecided(out[i - 1], "continued on the bullet after")
        if mode is not None:
            out[i] = _under_lead_in(out[i], mode, bullet)
            continue
        mode = _lead_in(bullet, text, bullet.index in parents)
        if mode is not None and mode[0] == "allowed":
            out[i] = _flag(out[i], "a label over the permissions after it", status="no_constraint")


def _lead_in(
    bullet: Criterion, text: str, has_children: bool
) -> tuple[str, int | None, str | None, str] | None:
    """What a bullet says of the lines after it, when they are not nested under it."""
    where = (bullet.section, bullet.kind)
    if _EXAMPLES_NEXT.search(text):
        return ("examples", bullet.parent, *where)
    if not text.endswith(":") or has_children:
        return None
    if _PERMISSION_LINE.match(text) or _PERMISSION.match(text):
        return ("allowed", None, *where)
    if _SOME_OF.search(text) or _LISTED_AS.search(text) or _ANY.search(text):
        # "At least 3 of the following risk factors:" over the lines after it
        return ("options", None, *where)
    recency = _LEAD_WINDOW.search(text)
    if recency:  # "Pretreatment laboratory data, obtained within 14 days of study entry, must
        # meet the following criteria:" over the lab bullets after it
        return (f"within {_days(recency)}", None, *where)
    return None


def _under_lead_in(
    c: CompiledCriterion, mode: tuple[str, int | None, str | None, str], bullet: Criterion
) -> CompiledCriterion:
    what = mode[0]
    if what == "allowed":
        # permissions, but where their list ends is not marked, so none decides (a permission
        # read too far would drop a criterion)
        return _undecided(c, "after a bullet 'Allowed:'")
    if what == "options":
        return _undecided(c, "an option of the list above it")
    if what.startswith("within "):
        return _recent(c, float(what.split()[1]), f"a window in '{what} days' above it")
    if bullet.parent == mode[1]:
        return _undecided(c, "an example of the bullet before its list")
    return c


# states only a woman can be in: a bullet naming one speaks of women ("not pregnant female")
_SEX_WORDS = {
    "male": re.compile(r"(?i)\b(?:men|man|males?|boys?)\b"),
    "female": re.compile(r"(?i)\b(?:women|woman|females?|girls?)\b"),
}


def _sexes_side_by_side(trial: Trial, out: list[CompiledCriterion]) -> None:
    """ "Male" and "not pregnant female" as two inclusion bullets: alternatives (either sex,
    a woman not pregnant), not two requirements no one meets. A bullet that is only a sex, or a
    sex and an age ("Men aged 18-65" beside "Women aged 18-55"), is then undecided when another
    inclusion bullet names the other sex."""
    named: dict[int, set[str]] = {}
    for position, bullet in enumerate(trial.bullets):
        c = out[position]
        if bullet.kind == "inclusion":
            nodes = list(walk(c.predicate)) if c.predicate is not None else []
            named[position] = {n.sex for n in nodes if isinstance(n, SexIs)} | (
                {"female"}
                if any(
                    isinstance(n, HasConcept) and n.concept in concepts.WOMEN_ONLY for n in nodes
                )
                else set()
            )
            # a sex written where the tree holds none ("Men with breast cancer are also
            # eligible": a permission, a cue) names it too (review 18)
            named[position] |= {
                sex for sex, words in _SEX_WORDS.items() if words.search(bullet.text)
            }
    for position in named:
        only = out[position].predicate
        if (  # "Women aged 40 to 70": a sex and an age, the sex first (compiler._keep_sex)
            isinstance(only, AllOf)
            and "sex_and_age" in only.flags
            and isinstance(only.items[0], SexIs)
        ):
            only = only.items[0]
        if isinstance(only, SexIs) and any(
            sexes_there - {only.sex} for p, sexes_there in named.items() if p != position
        ):
            out[position] = _undecided(out[position], "another bullet names the other sex")


_LEAD_WINDOW = re.compile(
    r"(?i)\bwithin\s+(?:the\s+(?:last|past)\s+)?(?P<n>\d+)\s*(?P<unit>days?|weeks?)\b"
)


def _days(found: re.Match[str]) -> int:
    return int(found["n"]) * (7 if found["unit"].lower().startswith("week") else 1)


def _recent(c: CompiledCriterion, days: float, why: str) -> CompiledCriterion:
    """Lab values of a bullet must be this recent (a window a lead-in line sets)."""

    def windowed(node: Predicate) -> Predicate:
        if isinstance(node, LabCompare):
            now = days if node.within_days is None else min(days, node.within_days)
            return node.model_copy(update={"within_days": now})
        update: dict[str, object] = {}
        for name in ("items", "item", "then", "otherwise"):
            value = getattr(node, name, None)
            if isinstance(value, tuple):
                update[name] = tuple(windowed(v) for v in value)
            elif value is not None and hasattr(value, "kind"):
                update[name] = windowed(value)
        return node.model_copy(update=update) if update else node

    if c.predicate is None or not any(isinstance(n, LabCompare) for n in walk(c.predicate)):
        return c
    return _flag(c, why, predicate=windowed(c.predicate))


def _cut(first: str, second: str) -> bool:
    """Is `second` the rest of a line `first` was cut from?"""
    first, second = first.strip(), second.strip()
    if not first or not second:
        return False
    unclosed = first.count("(") > first.count(")")
    closes = second.count(")") > second.count("(")
    # "... and primary mediastinal B cell" / "lymphoma.": a lower-case tail of a few words
    # after a line with no end of its own is that line's end, not a criterion
    tail = (
        second[0].islower() and len(second.split()) <= 3 and not re.search(r"[.;:!?)]\s*$", first)
    )
    return (second[0].islower() and bool(_CUT_END.search(first))) or (unclosed and closes) or tail


_SEX_AGE_GROUPS = r"women|men|males?|females?|children|child"
_GROUP_WORDS = re.compile(rf"(?i)\b(?:{_SEX_AGE_GROUPS})\b")


def _names_a_group(heading: Heading) -> bool:
    """ "Women may be eligible for this study if they:": the list of one group (men may be
    concerned by other headings, or by none): not a restatement of the section."""
    return _GROUP_WORDS.search(heading.text) is not None


_OR_EDGE = re.compile(r"(?i)^\s*(?:or|and/or)\b|\b(?:or|and/or)\s*[.;:]?\s*$")


_OR_ALONE = re.compile(r"(?i)^\s*(?:or|and/or)\s*[.;:]?\s*$")
_OR_HEAD = re.compile(r"(?i)^\s*(?:or|and/or)\b[\s,:]*")
_OR_TAIL = re.compile(r"(?i)[\s,]*\b(?:or|and/or)\s*[.;:]?\s*$")


def _joined_by_or(trial: Trial, out: list[CompiledCriterion]) -> None:
    """ "ECOG 0-2 OR" / "Karnofsky 70-100%", or "A" / "OR" / "B": bullets joined by a dangling
    "or" are alternatives. Read as one OR (the first bullet holds it, the others are its options)
    where they are plain siblings of one kind; otherwise none of them decides alone."""
    bullets = trial.bullets
    links: set[int] = set()  # i: bullet i is joined to the next real bullet by "or"
    connectives: set[int] = set()
    for i, bullet in enumerate(bullets):
        if not _OR_EDGE.search(bullet.text):
            continue
        if _OR_ALONE.match(bullet.text):
            out[i] = _flag(out[i], "connective between bullets", status="no_constraint")
            connectives.add(i)
            links.add(i - 1)
            continue
        if _OR_TAIL.search(bullet.text):
            links.add(i)
        if _OR_HEAD.match(bullet.text):
            links.add(i - 1)
    for chain in _chains(links, connectives, len(bullets)):
        if not _read_as_or(trial, chain, out):
            first = chain[0]
            while first > 0 and re.search(r"[,;]\s*$", bullets[first - 1].text):
                first -= 1  # "Postmenopausal;" / "Surgically sterile; or" / "Using ...": one list
            for j in range(first, chain[-1] + 1):
                out[j] = _undecided(out[j], "an alternative to a neighbouring bullet ('or')")


def _chains(links: set[int], connectives: set[int], n: int) -> list[list[int]]:
    """Runs of bullets joined by "or" links (connective bullets left out)."""
    chains: list[list[int]] = []
    for i in sorted(x for x in links if 0 <= x < n):
        j = i + 1
        while j in connectives:
            j += 1
        if j >= n:
            continue
        if chains and chains[-1][-1] == i:
            chains[-1].append(j)
        else:
            chains.append([i, j])
    return chains


_WHOLE = re.compile(r"^\s*(?:or\b\s*)?[A-Z0-9(]")
_NEGATED_START = re.compile(r"(?i)^\s*(?:or\s+)?(?:no|not|without|never|none)\b")


def _whole(text: str) -> bool:
    """A bullet that stands as a criterion of its own (not the rest of a phrase, nor a
    negation that may reach over the "or")."""
    return bool(_WHOLE.match(text)) and not _NEGATED_START.match(text)


def _read_as_or(trial: Trial, chain: list[int], out: list[CompiledCriterion]) -> bool:
    """One OR over a chain of sibling bullets; False where the list around them, or their
    kinds, say more than a plain "or" (they are then left undecided)."""
    bullets = [trial.bullets[j] for j in chain]
    parents = {b.parent for b in bullets}
    kinds = {b.kind for b in bullets}
    has_children = {b.parent for b in trial.bullets} & {b.index for b in bullets}
    touched = any(f.startswith("structure:") for j in chain for f in out[j].flags)
    before = trial.bullets[chain[0] - 1] if chain[0] > 0 else None
    if (
        parents != {None}  # inside a group ("one of the following:"): the group says more
        or len(kinds) > 1
        or has_children
        or touched
        or any(not _whole(b.text) for b in bullets)  # "No prior chemotherapy or" / "radiotherapy"
        or (before is not None and re.search(r"[,;]\s*$", before.text))  # "A;" "B; or" "C"
    ):
        return False
    readings = []
    for b in bullets:
        head = _OR_HEAD.match(b.text)
        start = head.end() if head else 0
        tail = _OR_TAIL.search(b.text, start)
        end = tail.start() if tail else len(b.text)
        if end <= start or b.text.rstrip().endswith(":"):
            return False
        reading = compile_slice(b.text, b.kind, start, end)
        if reading.status != "compiled":  # "Prior chemotherapy or" / "... are eligible"
            return False
        readings.append(reading)
    first, name = chain[0], f"#{bullets[0].index}"
    if bullets[0].kind == "exclusion":  # excluded by A or by B: each decides alone
        for j, reading in zip(chain, readings, strict=True):
            out[j] = _flag(reading, "an alternative ('or'): decides alone in an exclusion")
        return True
    items = tuple(_option(r) for r in readings)
    out[first] = _flag(
        readings[0],
        "group:or_chain",
        predicate=AnyOf(items=items, span=(0, len(bullets[0].text))),
        status="compiled",
        uncovered=(),
        canonical=f"one of the {len(chain)} bullets joined by 'or'",
    )
    for j in chain[1:]:
        out[j] = _flag(out[j], f"option of {name}", status="no_constraint")
    return True


def _flag(c: CompiledCriterion, flag: str, **update: object) -> CompiledCriterion:
    group = update.get("applies_if")
    if group is not None and c.applies_if is not None:
        # a group heading over a bullet with its own "unless ...": both must hold
        both = (group, c.applies_if)
        update["applies_if"] = AllOf(items=both, span=c.applies_if.span)
    return c.model_copy(update={"flags": (*c.flags, f"structure:{flag}"), **update})


def _undecided(c: CompiledCriterion, why: str) -> CompiledCriterion:
    """The bullet cannot decide: something around it scopes it in a way not understood."""
    if c.status == "no_constraint":  # a heading stays one; the bullets under it are scoped too
        return c if any(f.endswith(why) for f in c.flags) else _flag(c, why)
    flags = tuple(f for f in c.flags if f != "sound_partial")  # scoped: not sound any more
    c = c.model_copy(update={"flags": flags})
    return _flag(c, why, status="unparsed" if c.status == "unparsed" else "partial")


def _label_kind(label: str) -> str:
    """What a section label or parent heading does: topic, permission, group, cohort, scope."""
    text = label.strip().rstrip(":").strip()
    if not text:
        return "topic"
    if _PERMISSION.match(text):
        return "permission"
    if _GROUP.match(text):
        return "group"
    if _COHORT.match(text):
        return "cohort"
    words = re.findall(r"[a-z']+", text.lower())
    if text.lower() in ("other", "others", "general", "other criteria"):
        return "topic"
    if words and words[0] in ("acceptable", "adequate", "sufficient", "normal"):
        if not _DIGIT.search(text) and not any(w in _SCOPE_WORDS for w in words):
            return "topic"  # "Acceptable coagulation status:": what the bullets under it require
    if _DIGIT.search(text) or any(w in CUE_WORDS for w in words):
        return "scope"
    if any(w in _SCOPE_WORDS for w in words):
        return "scope"
    return "topic"


_SCOPE_WORDS = frozenset(
    """within if unless except only when for no not without
    must should""".split()
)
_KIND_SWITCH = re.compile(
    r"(?i)\b(?:excluded|exclusion|ineligible|not eligible|included|inclusion|eligible|"
    r"must not have|must have|requirements?)\b"
)


_KIND_WORDS = re.compile(r"(?i)\b(?:exclu\w*|inclu\w*|eligib\w*|requirements?|criteria)\b")
# a group a section's list is for ("- NORMAL VOLUNTEERS", "Cohort B"), which the patient may
# belong to; and another person ("for donors", "for the partner"), whom the record does not describe
_SUBGROUP = re.compile(
    r"(?i)\b(?:(?:healthy|normal)\s+(?:volunteers?|controls?|subjects?|participants?|individuals?)|"
    rf"volunteers?|controls?|probands?|recipients?|infants?|newborns?|adults?|adolescents?|"
    rf"{_SEX_AGE_GROUPS}|(?:cohort|arm|group|part|stratum)\s+\w+)\b"
)
_GROUP_LABEL = re.compile(
    r"(?i)(?:(?:healthy|normal|adult|pediatric|paediatric|older|young)\s+)?(?:mothers?|fathers?|"
    r"parents?|children|child|infants?|newborns?|neonates?|adolescents?|adults?|volunteers?|"
    r"controls?|donors?|recipients?|siblings?|partners?|caregivers?|women|men|boys|girls)"
)
_ANOTHER_PERSON = re.compile(
    r"(?i)\b(?:donors?|partners?|spouses?|caregivers?|care\s*givers?|parents?|guardians?|"
    r"siblings?|family\s+members?|relatives?|mothers?|fathers?|household\s+contacts?)\b"
)


def _in_sections(trial: Trial, bullet: Criterion, c: CompiledCriterion) -> CompiledCriterion:
    """Sections above the bullet: permissions, groups, cohorts, scoping headings."""
    if not bullet.section:
        return c
    cohorts = _disease_cohorts(tuple(sorted({b.section for b in trial.bullets if b.section})))
    for label in bullet.section.split(" / "):
        if label in cohorts:  # "Rheumatoid Arthritis" / "Psoriasis" over lists of their own
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            c = _flag(c, f"applies to the cohort '{label}'", applies_if=unknown)
            continue  # the labels under it ("Psoriasis / Exclusion:") still say their part
        window = _WINDOW_SECTION.match(label.strip())
        if window is not None and label == bullet.section.split(" / ")[-1]:
            if _after_its_list(trial, bullet) or _list_ended(trial, bullet):
                return _undecided(c, f"a paragraph after the list '{label}'")
            return _windowed(bullet, c, label, window.group("window"))
        if _KIND_SWITCH.search(label) and not _says_only(label):
            # "Excluded on the day of each dose:", "Excluded within 30 days of entry:"
            return _undecided(c, f"section '{label}' scopes it")
        if _KIND_WORDS.search(label) and _ANOTHER_PERSON.search(label):
            # "Criteria for the donor:", "Exclusions for the partner:": about someone else,
            # whom the patient's record does not describe
            return _undecided(c, f"section '{label}' is about another person")
        if _KIND_WORDS.search(label) and _SUBGROUP.search(label):
            # "EXCLUSIONS - NORMAL VOLUNTEERS", "Exclusion criteria for donors": another person's
            # list, or a group's: membership unknown
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            return _flag(c, f"applies to {label}", applies_if=unknown)
        if _GROUP_LABEL.fullmatch(label.strip().rstrip(":").strip()):
            # "HEALTHY MOTHERS:", "CHILDREN:": the list of one group of the trial's people,
            # which the patient may not be in (review 18: a boy failed the mothers' ages)
            if _ANOTHER_PERSON.search(label):
                return _undecided(c, f"section '{label}' is about another person")
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            return _flag(c, f"applies to {label}", applies_if=unknown)
        what = _label_kind(label)
        if what == "topic":
            if (
                label.strip().rstrip(":").lower() in SUBJECT_LABELS
                and c.status in _UNREAD
                and sum(b.section == bullet.section for b in trial.bullets) == 1
                and all(_topic_path(x) for x in bullet.section.split(" / "))
            ):  # the only bullet under "Age:"; siblings ("10 to 66", "66 to 70 if ...") may
                # be alternatives
                read = compile_with_subject(bullet.text, bullet.kind, label)
                c = c if read is None else _flag(read, f"subject from '{label}'")
            c = _timed_by(label, c)
            continue
        if what == "permission":
            if match_marker(trial.criteria_text, bullet.span[0]) is None:
                # a paragraph after the list of permissions, not one of them
                return _undecided(c, f"a paragraph after the list '{label}'")
            if _list_ended(trial, bullet):
                # a list after that paragraph: its own, whatever the section says
                return _undecided(c, f"after a paragraph that ended the list '{label}'")
            return _permitted(c, label)
        if what == "group":
            return _for_group(c, label)
        if what == "cohort":
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            return _flag(c, f"applies to {label}", applies_if=unknown)
        if _KIND_SWITCH.search(label) and not _has_cue(label):  # (digits: returned above)
            continue  # "Excluded:" / "Patients must have:" set the kind (segmenter)
        return _undecided(c, f"section '{label}' scopes it")
    return c


_UNREAD = ("unparsed", "partial")

# "Excluded within 30 days of study entry:", "Excluded within the past 2 weeks:": each bullet
# under it names what must not have happened in that window (legacy NIAID records)
_WINDOW_SECTION = re.compile(
    r"(?i)^(?:excluded|prohibited|not allowed)\s+(?P<window>within\s+(?:the\s+(?:past|last)\s+)?"
    r"(?:\d+|one|two|three|four|six|eight|twelve)\s+(?:hours?|days?|weeks?|months?|years?))"
    r"(?:\s+(?:prior\s+to|before|of)\s+(?:the\s+)?(?:study\s+)?(?:entry|enrollment|enrolment|"
    r"randomi[sz]ation|registration|screening|study\s+drug\s+administration))?\s*:?$"
)
_OWN_TIME = re.compile(
    r"(?i)\b(?:within|prior|previous(?:ly)?|past|history|current(?:ly)?|concurrent|"
    r"concomitant|ongoing|active|since|ago|during|recent(?:ly)?|now|ever|never|before|after|"
    r"until|days?|weeks?|months?|years?|hours?|no|not|none|without|other|others|another)\b|\d"
)


# what such a window dates: drugs, treatments, procedures, illnesses; not states ("Pregnant"
# under "Excluded within 4 weeks of study entry:" is pregnant now, not in the past 4 weeks)
_DATED = concepts.TREATMENT_CATEGORIES | {"procedure", "condition"}


def _after_its_list(trial: Trial, bullet: Criterion) -> bool:
    """A paragraph (no list marker) after bullets of the same section: text after the list,
    not one of its items ("Alcohol or drug abuse." after the "Excluded within 72 hours:"
    list)."""
    if match_marker(trial.criteria_text, bullet.span[0]) is not None:
        return False
    return any(b.section == bullet.section and b.span[0] < bullet.span[0] for b in trial.bullets)


@functools.cache
def _disease_cohorts(sections: tuple[str, ...]) -> frozenset[str]:
    """Section labels that are each just a disease's name, where a trial has two or more of
    them ("Rheumatoid Arthritis", "Psoriatic arthritis", "Crohn's disease"): cohorts, each list
    for the patients with that disease (one such label is more often the trial's own topic)."""
    labels = {part for section in sections for part in section.split(" / ")}
    named = {label for label in labels if _bare_condition(label) is not None}
    return frozenset(named) if len(named) >= 2 else frozenset()


def _list_ended(trial: Trial, bullet: Criterion) -> bool:
    """Did a paragraph (no list marker) end the section's list before this bullet? ("Allowed:
    - zidovudine." then "Unequivocal diagnosis of PCP ..." then a list of its own)"""
    listed = False
    for b in trial.bullets:
        if b.span[0] >= bullet.span[0]:
            break
        if b.section != bullet.section:
            continue
        marked = match_marker(trial.criteria_text, b.span[0]) is not None
        if not marked and listed:
            return True
        listed = listed or marked
    return False


def _windowed(
    bullet: Criterion, c: CompiledCriterion, label: str, window: str
) -> CompiledCriterion:
    """A bullet under "Excluded within 4 weeks of study entry:": "Rifabutin." means rifabutin
    within those 4 weeks. Read only where the bullet says no time of its own and names only
    concepts (a negation, a number or a time of its own: the pass does not know how they mix)."""
    text = bullet.text.strip().rstrip(".;,").rstrip()
    if bullet.kind != "exclusion" or not text or _OWN_TIME.search(text) or ":" in text:
        return _undecided(c, f"section '{label}' scopes it")
    read = compile_criterion(f"{text} {window}", bullet.kind)
    found = list(leaves(read.predicate))
    if (
        read.status != "compiled"
        or not found
        or any(not isinstance(n, HasConcept) or n.within_days is None for n in found)
        or any(concepts.get(getattr(n, "concept", "")).category not in _DATED for n in found)
    ):
        return _undecided(c, f"section '{label}' scopes it")
    end = len(bullet.text)
    node = clipped(read.predicate, end)
    return _flag(read, f"window from '{label}'", text=bullet.text, predicate=node, uncovered=())


def _topic_path(label: str) -> bool:
    """A section label of the patient's own characteristics ("PATIENT CHARACTERISTICS",
    "Age"), not of someone else's ("DONOR:", "Parent:")."""
    return label.strip().rstrip(":").lower() in _TOPICS


_NOW = re.compile(r"(?i)\b(?:concurrent|current|concomitant|ongoing)\b")
_BEFORE = re.compile(r"(?i)\b(?:prior|previous|past|history)\b")


def _timed_by(label: str, c: CompiledCriterion) -> CompiledCriterion:
    """A "Concurrent Medication:" label makes the concepts under it current (unless a bullet
    says when itself); "Prior Concurrent Therapy" says both, which is any time."""
    if not _NOW.search(label) or _BEFORE.search(label) or c.status == "no_constraint":
        return c
    if any(isinstance(leaf, ConceptDuration) for leaf in leaves(c.predicate)):
        # "Acyclovir therapy of more than 21 days duration" under "Concurrent Medication": how
        # long a course now going on will last (review 25): not read
        return _undecided(c, f"'{label}': how long a concurrent course will last")
    node = _now(c.predicate)
    if node is c.predicate:
        return c
    return _flag(c, f"current by '{label}'", predicate=node)


def _now(node: Predicate) -> Predicate:
    if isinstance(node, HasConcept):
        if node.timing in ("any", "unstated") and node.within_days is None:
            return node.model_copy(update={"timing": "current"})
        return node
    if isinstance(node, (AllOf, AnyOf)):
        items = tuple(_now(i) for i in node.items)
        return node if items == node.items else node.model_copy(update={"items": items})
    if isinstance(node, Not):
        item = _now(node.item)
        return node if item is node.item else node.model_copy(update={"item": item})
    return node


def _has_cue(label: str) -> bool:
    words = re.findall(r"[a-z']+", label.lower())
    return any(
        w in CUE_WORDS and CUE_WORDS[w] not in ("negation",) and w not in ("eligible",)
        for w in words
    )


def _for_group(c: CompiledCriterion, label: str) -> CompiledCriterion:
    """A bullet under "For patients with X:": applies only to patients with X."""
    text = re.sub(r"(?i)^\s*(?:for|in)\s+", "", label.strip().rstrip(":"))
    head = compile_criterion(text, "inclusion")
    if head.status != "compiled":
        unknown = Unparsed(text=label, reason=f"membership of '{label}'")
        return _flag(c, f"applies to {label}", applies_if=unknown)
    return _flag(c, f"applies to {label}", applies_if=head.predicate)


def _option(c: CompiledCriterion) -> Predicate:
    """A child's predicate as an option of a group: unknown unless fully compiled (and not
    for some patients only: "(unless Gilbert's syndrome)")."""
    if c.applies_if is not None:
        return Unparsed(
            text=c.text, reason="an option for some patients only", span=c.predicate.span
        )
    if c.status == "compiled":
        return c.predicate
    if c.status == "no_constraint":
        return Unparsed(text=c.text, reason="no constraint inside a group", span=c.predicate.span)
    return Unparsed(text=c.text, reason=f"{c.status} option", span=c.predicate.span)


def _apply_parent(parent: Criterion, p: int, rows: list[int], out: list[CompiledCriterion]) -> None:
    """What a parent bullet does to its children, and they to it."""
    govern(parent.text, parent.kind, f"#{parent.index}", p, rows, out)


_NEGATING = re.compile(r"(?i)\b(?:no|not|without|none|never|free of|absence of|cannot)\b")
_NOW_WORDS = re.compile(
    r"(?i)\b(?:concurrent|concomitant|current|currently|active|ongoing|within|during|recent)\b"
)
_EXAMPLES = re.compile(r"(?i)\b(?:following|including|such as|e\.\s?g|any of|none of)\b")
_RELATING = re.compile(
    r"(?i)\b(?:with|without|for|if|unless|except|who|when|only|in the (?:absence|presence) of)\b"
)
_CONDITION_HEAD = re.compile(
    r"(?i)^\s*(?:(?:for|in)\s+)?(?:(?:patients?|subjects?|participants?|those|women|men)\s+)?"
    r"(?:with|without|who|in the absence of|in the presence of|absence of|presence of)\b"
)
_TOPICS = frozenset(SUBJECT_LABELS + TOPIC_LABELS)


def govern(
    text: str,
    kind: str,
    name: str,
    p: int | None,
    rows: list[int],
    out: list[CompiledCriterion],
) -> None:
    """What a parent bullet (at `p`) or a heading (`p` None) says about the bullets under it."""
    head = None if p is None else out[p]
    label = text.strip().rstrip(":").strip()
    colon = text.rstrip().endswith(":")
    if head is not None and _scoped(head):
        # "1 of the following:" / "MGUS" / "Bone marrow plasma cells of less than 10%": the
        # bullets under an option say what that option means, not what everyone must meet; and
        # what scopes a bullet in a way not read scopes the bullets under it as well
        _scope(rows, out, name)
        return
    if _SOME_OF.search(text) or _LISTED_AS.search(text):
        # "At least two of the following risk factors:", "The following lesions are considered
        # nonmeasurable:", "indicated by presence of the following:": a count, a definition or
        # a sign among them, not each one required of everyone
        _scope(rows, out, name)
        if p is not None and head is not None and head.status != "unparsed":
            out[p] = _undecided(head, "a count or a definition over a list")
        return
    if p is not None and head is not None and label.lower() in _TOPICS:
        out[p] = _flag(head, "a label over its bullets", status="no_constraint")
        return  # "Chemotherapy" over "No prior chemotherapy": the children say it all
    if (head is None or head.status != "compiled") and restates_kind(text, kind):
        # "Patients must have adequate organ function as defined below:" in an inclusion list,
        # "A subject is not eligible to participate if:" in an exclusion list: nothing changes
        if p is not None and head is not None:
            out[p] = _flag(head, "a heading that restates its list's kind", status="no_constraint")
        return
    any_of, all_of = _ANY.search(text), _ALL.search(text)
    plain = head is None or head.status != "compiled"
    understood = (
        _says_only(text) if head is None else head.status != "unparsed" and _only_group_words(head)
    ) or (head is not None and head.status == "unparsed" and _says_only(text))
    if colon and _NEGATING.search(text):
        examples = bool(_EXAMPLES.search(text)) or _says_only(text)
        if understood and examples and all_of is None and not _DIGIT.search(text):
            if _NOW_WORDS.search(text):  # "No other concurrent therapy, including:" says when
                _scope(rows, out, name)
                return
            for r in rows:
                out[r] = _negated(out[r], name)
            # the head stays as read: its examples may define it more narrowly than its words
        else:
            _scope(rows, out, name)
            if p is not None and head is not None and head.status != "unparsed":
                out[p] = _undecided(head, "a negation over a list not read")
        return
    if (any_of or all_of) and plain:
        if not understood and not (head is not None and _only_group_words(head)):
            _scope(rows, out, name)
        elif head is None:  # a heading cannot hold the group's outcome
            if (kind == "inclusion") != bool(all_of):
                _scope(rows, out, name)
        elif head is not None and any(f.endswith("scopes it") for f in head.flags):
            _scope(rows, out, name)  # an option of a group above, itself scoped: not read
        elif (
            head is not None
            and any_of is not None
            and all_of is None
            and head.status != "no_constraint"
            and any(isinstance(leaf, HasConcept) for leaf in leaves(head.predicate))
        ):  # "Postmenopausal by one of the following:": the options define what the head
            # names; read as the options alone, the head's own word would be lost
            assert p is not None
            _scope(rows, out, name)
            out[p] = _undecided(head, "a head with content over its options")
        else:
            assert p is not None
            _group(p, any_of is not None, kind, name, rows, out)
        return
    if (
        p is not None
        and head is not None
        and not colon
        and head.status in ("compiled", "partial")
        and "age_compare" in {n.kind for n in leaves(head.predicate)}
        and {n.kind for n in leaves(head.predicate)} <= {"age_compare", "sex_is", "unparsed"}
    ):
        # "Patients >= 18 years" over "ECOG 0-1", beside "Patients < 18 years" over "Lansky >=
        # 50": an age group over its own bullets, or a requirement with a list under it? not
        # read (with a colon it is a group: below)
        _scope(rows, out, name)
        out[p] = _undecided(head, "an age over a list")
        return
    what = _label_kind(label) if colon else "topic"
    if p is not None and head is not None and colon and head.status == "compiled":
        # "Age 65-70 years:", "In the absence of liver metastases:", "No prior HRT:": a group
        # whose bullets follow; the heading itself decides nothing
        if _group_like(head) or _CONDITION_HEAD.match(label):
            for r in rows:
                out[r] = _flag(out[r], f"applies if {head.canonical}", applies_if=head.predicate)
            out[p] = _flag(head, "group heading", status="no_constraint")
        else:  # "Immunomodulating agents:", "No prior HRT:": a category or a route, not read
            _scope(rows, out, name)
            out[p] = _undecided(head, "a heading with content over a list")
        return
    if p is not None and head is not None and colon and head.status == "partial":
        names_something = any(isinstance(leaf, HasConcept) for leaf in leaves(head.predicate))
        if _RELATING.search(label) or what == "scope" or (names_something and what == "topic"):
            # "... AML with the following:", "Histologically confirmed adenocarcinoma of the
            # prostate, meeting the following criteria:": a requirement itself, and its list
            # qualifies what it names ("Metastatic disease" there is the prostate cancer's)
            _scope(rows, out, name)
            out[p] = _undecided(head, "a heading with content over a list")
            return
    if what == "permission":
        for r in rows:
            out[r] = _permitted(out[r], name)
    elif what == "group":
        for r in rows:
            out[r] = _for_group(out[r], label)
    elif what == "cohort":
        for r in rows:
            unknown = Unparsed(text=label, reason=f"membership of '{label}'")
            out[r] = _flag(out[r], f"applies to {label}", applies_if=unknown)
    elif what == "scope" and plain:
        _scope(rows, out, name)
    if p is not None and head is not None and colon and head.status != "compiled":
        if what not in ("scope",) and out[p] is head:
            out[p] = _flag(head, "heading of the bullets under it", status="no_constraint")


_SOME_OF = re.compile(
    r"(?i)\b(?:at least|a minimum of|any|(?<!one )or more of)?\s*(?:two|three|four|five|[2-9])"
    r"\s+(?:or more\s+)?of\s+(?:the\s+)?(?:following|below|these|criteria)"
)
_LISTED_AS = re.compile(
    r"(?i)\b(?:considered|indicated by|presence of (?:any of )?the following|one of the following"
    r"\s+(?:risk\s+)?(?:factors|features))\b"
)


def _group_like(head: CompiledCriterion) -> bool:
    """A parent label that names a group of patients by age, sex or score ("Age 65-70 years:",
    "Women:"): its bullets apply to that group only."""
    kinds = {n.kind for n in leaves(head.predicate)}
    return bool(kinds) and kinds <= {"age_compare", "sex_is", "score_compare"}


def _scope(rows: list[int], out: list[CompiledCriterion], name: str) -> None:
    for r in rows:
        out[r] = _undecided(out[r], f"{name} scopes it")


_NEG_PHRASE = re.compile(
    r"(?i)\b(?:patients?|subjects?|participants?|must|should|may|not|no|none|have|has|be|"
    r"do|does|cannot|without|free|of|the|following|any|with|history|evidence|known|"
    r"conditions?|diseases?|disorders?|criteria|including|include|either|are|is|excluded|"
    r"included|eligible|ineligible|will|following|symptoms?|characteristics|required|meet|"
    r"women|men|males?|females?|inclusion|exclusion|key|main|general|study|entry|selection|"
    r"eligibility|ineligibility|non-inclusion|"
    # headings that restate the section's kind ("You will not be eligible for this study if
    # you:", "Patients with the following prior conditions are excluded:")
    r"you|your|they|he/she|he|she|this|trial|if|prior|or|and|an?|volunteers?|individuals?|"
    r"persons?|for (?:this|the) (?:study|trial)|for the following reasons|participation|"
    # "For inclusion in the study subjects should fulfil all of the following criteria:"
    # "all" as a word, never "ALL" (acute lymphoblastic leukaemia: "Patients with ALL must have:")
    r"fulfil+s?|satisfy|satisfies|(?-i:all|All)|"
    r"for inclusion(?: in (?:the|this) (?:study|trial))?)\b|"
    r"[:,.;()*#/-]"
)


# words of a heading that says "the list below defines what is required" ("Patients must have
# adequate organ and marrow function as defined below:")
_DEFINED_BELOW = re.compile(
    r"(?i)\b(?:adequate|normal|acceptable|sufficient|organ|marrow|bone|function|functions|as|"
    r"defined|described|below|by|laboratory|lab|values?|parameters?|tests?|results?|from|to|"
    r"participate|in|enter|enrolled|enrol+ment|will|they)\b"
)
# a heading that names whom it is for ("Patients with known liver disease must have:") is a
# condition, not a restatement; only a trailing "if (they have):" restates an exclusion list
_FOR_SOME = re.compile(
    r"(?i)\b(?:with|without|who|whose|when|unless|except|only|known|history|disease|disorder|"
    r"condition|receiving|taking|on)\b|\bif\b(?!(?:\s+(?:they|you|he/she|the\s+\w+))?"
    r"(?:\s+(?:have|has|are|is|meet|had))?(?:\s+(?:any|one|either)\s+of\s+the\s+following)?"
    r"\s*:?\s*$)"
)
_EXCLUDING = re.compile(
    r"(?i)\b(?:excluded|exclusion|ineligible|not (?:be )?eligible|must not|cannot|can not|"
    r"should not|may not|not be (?:included|enrolled|entered))\b"
)
# ("Diseases to be included:" lists alternatives: not a requirement of each)
_REQUIRING = re.compile(r"(?i)\b(?:must|should|required)\b")
# "Subjects who meet any of the following criteria will not be excluded:": exceptions
_NOT_EXCLUDED = re.compile(r"(?i)\bnot\s+(?:be\s+)?(?:excluded|ineligible)\b")
# "... eligible for entry into the study if all of the following criteria are met:": a
# requirement of each bullet said without "must"
_ELIGIBLE_IF = re.compile(
    r"(?i)\b(?:eligible|included)\b.*\b(?:all|each)\s+(?:of\s+)?(?:the\s+)?following\b"
)
# the words of a heading that frame the list as the section's own ("who meet any of the
# following criteria", "if all of the following criteria are met", "in order to be eligible",
# "Other exclusion criteria"; never "Major ..." beside minor criteria, or PDQ's "PROTOCOL ENTRY
# CRITERIA" over several populations: review 28): said
# of every bullet, they name no group of patients ("who", "if", "with" otherwise may)
_FRAME = re.compile(
    r"(?i)\b(?:who|that)\s+(?:meets?|show|shows|fulfil+s?|satisf(?:y|ies))\s+(?:any|each|all)"
    r"\s+(?:one\s+)?of\s+(?:the\s+)?following(?:\s+(?:inclusion|exclusion|eligibility))?"
    r"(?:\s+criteria)?|"
    r"\b(?:if|when)\s+(?:they\s+meet\s+)?(?:any|all|each)\s+(?:one\s+)?of\s+(?:the\s+)?"
    r"following(?:\s+(?:inclusion|exclusion|eligibility))?\s+criteria"
    r"(?:\s+(?:are|is)\s+(?:met|present|fulfil+ed|satisfied)|\s+apply|\s+applies)?|"
    r"\bwith\s+any\s+(?:one\s+)?of\s+(?:the\s+)?following\s+criteria\b|"
    r"\bin\s+order\s+to\b|"
    r"\bfor\s+(?:study\s+)?(?:entry|enrol+ment|participation)"
    r"(?:\s+in(?:to)?\s+(?:the|this)\s+(?:study|trial))?|"
    r"^\s*other\s+(?=(?:inclusion|exclusion|eligibility)\s+criteria\s*:?\s*$)"
)


def restates_kind(text: str, kind: str) -> bool:
    """Does a heading only say again what its list is: requirements in an inclusion list
    ("Patients must:", "... must have normal organ and marrow function as defined below:"),
    exclusions in an exclusion list ("Patients will be excluded from the study if they have
    any of the following:")? Not with a number, a group of patients, another person, or a
    group word that changes how the bullets combine ("one of the following" in an inclusion)."""
    if _DIGIT.search(text) or _SUBGROUP.search(text) or _ANOTHER_PERSON.search(text):
        return False
    framed = _FRAME.sub(" ", text)
    if _FOR_SOME.search(framed):
        return False
    if _DEFINED_BELOW.sub(" ", _NEG_PHRASE.sub(" ", framed)).strip():
        return False
    if kind == "inclusion":
        return (
            (_REQUIRING.search(text) is not None or _ELIGIBLE_IF.search(text) is not None)
            and _EXCLUDING.search(text) is None
            and _NEGATING.search(text) is None
            and _ANY.search(text) is None
        )
    return (
        _EXCLUDING.search(text) is not None
        and _ALL.search(text) is None
        and _NOT_EXCLUDED.search(text) is None
    )


def _says_only(text: str) -> bool:
    """A negating parent with nothing but the negation, group words and a subject noun: no
    window, no number, no other person ("Patient or her household contacts must not have")."""
    return not _DIGIT.search(text) and not _NEG_PHRASE.sub(" ", text).strip()


def _group(
    p: int,
    any_of: bool,
    kind: str,
    name: str,
    rows: list[int],
    out: list[CompiledCriterion],
) -> None:
    """A parent over options: it holds the OR (AND) of its children and decides. Where each
    child deciding alone means the same (AND in an inclusion, OR in an exclusion) they still
    do; otherwise they are shown as options and constrain nobody on their own."""
    head = out[p]
    items = tuple(_option(out[r]) for r in rows)
    node: Predicate = (AnyOf if any_of else AllOf)(items=items, span=(0, len(head.text)))
    word = "any_of" if any_of else "all_of"
    out[p] = _flag(
        head,
        f"group:{word}",
        predicate=node,
        status="compiled",
        uncovered=(),
        canonical=f"{'one' if any_of else 'all'} of the {len(rows)} bullets under it",
    )
    alone = (kind == "inclusion") != any_of
    if not alone:
        for r in rows:
            out[r] = _flag(out[r], f"option of {name}", status="no_constraint")


def _only_group_words(c: CompiledCriterion) -> bool:
    """A partly compiled parent whose only unread words are the group phrase itself."""
    rest = " ".join(c.uncovered_text()).lower()
    rest = _ANY.sub(" ", rest)
    rest = _ALL.sub(" ", rest)
    rest = re.sub(
        r"(?i)\b(?:(?:at least one|one or more|any|one|all|none|either|each|both)\s+of|either|"
        r"including|following|the|must|have|meet|be|patients?|criteria)\b|[:,.;]",
        " ",
        rest,
    )
    return not rest.strip()


def _negated(c: CompiledCriterion, parent: str) -> CompiledCriterion:
    """A child of "No ... any of the following:": its predicate must not hold."""
    if c.status in ("unparsed", "no_constraint"):
        return c
    if c.predicate.kind == "not" or c.text.lstrip().lower().startswith(("no ", "not ")):
        return _undecided(c, f"negated twice ({parent})")
    node = Not(item=c.predicate, span=c.predicate.span)
    flags = (*c.flags, "negated_by_parent", f"structure:negated by {parent}")
    return c.model_copy(
        update={"predicate": node, "canonical": f"no ({c.canonical})", "flags": flags}
    )
