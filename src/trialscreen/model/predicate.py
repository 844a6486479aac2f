"""Predicate trees: what a criterion requires, as typed, frozen nodes with spans.

Every node has `kind` (the tag of the union, the same name as its grammar rule) and `span`
(start, end) in the bullet text it was compiled from. Thresholds are stored as written
(`value`, `unit`) and in the analyte's canonical unit (`canonical`), converted once at compile
time, so evaluation compares floats.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from trialscreen.lexicon.biomarkers import Alteration

Op = Literal[">=", ">", "<=", "<", "=="]
Span = tuple[int, int]
# "any": now or ever, said so ("prior or current", "history of active TB"); "unstated": no word
# of when ("Pregnancy.", "Anemia"): what is there now counts, an entry that has ended settles
# nothing (it may be what is meant, or not)
Timing = Literal["any", "unstated", "history", "current"]


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span = (0, 0)
    flags: tuple[str, ...] = ()


class Quantity(BaseModel):
    """A threshold as written and in the analyte's canonical unit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str | None = None
    canonical: float | None = None  # None when the unit could not be converted
    canonical_unit: str | None = None


class NormalMultiple(BaseModel):
    """A multiple of the patient's normal limit: `factor` x ULN (or LLN)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: float = 1.0
    limit: Literal["ULN", "LLN"] = "ULN"


class LabCompare(_Node):
    """A lab value or vital sign compared with a quantity or a multiple of a normal limit."""

    kind: Literal["lab_compare"] = "lab_compare"
    analyte: str
    op: Op
    threshold: Quantity | NormalMultiple
    # "ANC >= 1500/mm3 within 14 days prior to registration": the value must be at most this
    # old (this replaces the usual staleness limit of the analyte's kind)
    within_days: float | None = Field(default=None, gt=0)


class ScoreCompare(_Node):
    """A performance or functional score (ECOG, Karnofsky, Lansky, NYHA) compared with a value."""

    kind: Literal["score_compare"] = "score_compare"
    scale: str
    op: Op
    value: float


AgeUnit = Literal["years", "months", "weeks", "days", "hours"]
AGE_UNIT_DAYS: dict[str, float] = {
    "years": 365.25,
    "months": 365.25 / 12,
    "weeks": 7.0,
    "days": 1.0,
    "hours": 1 / 24,
}


class AgeCompare(_Node):
    """The patient's age compared with a bound, in the unit the criterion was written in
    (`years` is the bound in years; "6 months" is compared in completed months)."""

    kind: Literal["age_compare"] = "age_compare"
    op: Op
    years: float
    unit: AgeUnit = "years"


class LifeExpectancy(_Node):
    """The patient's life expectancy in months compared with a bound."""

    kind: Literal["life_expectancy"] = "life_expectancy"
    op: Op
    months: float


class MeasureCompare(_Node):
    """A measurement the vocabulary does not hold ("VAS < 40 mm", "PR interval > 200 msec"),
    compared with a value. It is read, so the words around it are accounted for, but no
    record value can be tied to a name no lexicon knows: it is always unknown and names the
    measurement that would decide it (`measure`, as written; the threshold as written, no
    canonical unit)."""

    kind: Literal["measure_compare"] = "measure_compare"
    measure: str
    op: Op
    threshold: Quantity | NormalMultiple


class SexIs(_Node):
    """The patient's sex is the one named."""

    kind: Literal["sex_is"] = "sex_is"
    sex: Literal["female", "male"]


class HasConcept(_Node):
    """The patient has (had, receives) a concept: condition, treatment, drug, procedure or state.

    `timing` says when counts ("history": ever, "current": now); `within_days` restricts to
    events in that many days before the screening date; `grade` to adverse events of that CTCAE
    grade; `qualifiers` are words the record cannot check ("uncontrolled"): a present concept
    with such a qualifier is unknown, an absent one is still absent. `except_concepts` are
    kinds of it that do not count ("malignancy other than basal cell carcinoma"): only an entry
    of another kind is the concept here; `except_qualifier` is a condition on the excepted kinds
    the record cannot check ("except adequately treated basal cell carcinoma"): an entry of such
    a kind may be excepted or not. `indication` is the condition a treatment was given
    for ("chemotherapy for metastatic disease"): only a treatment for it (or a kind of it)
    counts.
    """

    kind: Literal["has_concept"] = "has_concept"
    concept: str
    timing: Timing = "any"
    within_days: float | None = None
    grade_op: Op | None = None
    grade: int | None = None
    qualifiers: tuple[str, ...] = ()
    except_concepts: tuple[str, ...] = ()
    except_qualifier: str | None = None
    indication: str | None = None
    # "stage III or IV NSCLC": the stages the recorded condition must be in ("III" the whole
    # group, "IIIB" one letter; language/stages.py)
    stages: tuple[str, ...] = ()

    @property
    def by_test(self) -> bool:
        """Worded as a test result ("HCV negative", "positive for hepatitis B")."""
        return "test_result" in self.flags


class TimeSince(_Node):
    """Days since the concept last happened (its end, or its date) compared with a bound."""

    kind: Literal["time_since"] = "time_since"
    concept: str
    op: Op
    days: float
    # words the record cannot check ("systemic"): an answer that rests on an entry is unknown
    qualifiers: tuple[str, ...] = ()
    # "... and recovered (from its toxic effects)": a patient who had it long enough ago must
    # also have recovered, which the record does not say (unknown); never had it: nothing to
    # recover from
    recovered: bool = False


class ConceptDuration(_Node):
    """How long the concept has lasted, compared with a bound ("diabetes for at least 6
    months", "corticosteroids for more than 10 days"): one episode, from its onset or start to
    its end (or now, while it goes on)."""

    kind: Literal["concept_duration"] = "concept_duration"
    concept: str
    op: Op
    days: float
    current: bool = False  # "currently on X for 3 months": the episode goes on
    qualifiers: tuple[str, ...] = ()


class ConceptOnset(_Node):
    """How long ago the concept began (onset, or the date of a procedure) compared with a
    bound: "Had chickenpox at least 6 months prior to study entry", "Diagnosis of CMV retinitis
    more than 4 months prior to study entry". It must have happened, first that long ago."""

    kind: Literal["concept_onset"] = "concept_onset"
    concept: str
    op: Op
    days: float
    qualifiers: tuple[str, ...] = ()


class RegimenCount(_Node):
    """How many regimens (lines of treatment) of a kind the patient has had, compared with a
    bound: "No more than 2 prior chemotherapy regimens", "At least 1 prior line of systemic
    therapy". `concept` is the kind, or LINES_OF_THERAPY for lines of any kind ("prior
    regimens", "lines of therapy"); `qualifiers` are words that narrow the regimens counted and
    the record cannot check ("standard"), and `indication` the condition they were given for:
    such regimens are some of those counted."""

    kind: Literal["regimen_count"] = "regimen_count"
    concept: str
    op: Op
    count: int
    qualifiers: tuple[str, ...] = ()
    indication: str | None = None  # "for metastatic disease": only those given for it count


# "prior regimens", "lines of therapy": every line of treatment, whatever its kind
LINES_OF_THERAPY = "lines_of_therapy"


class BiomarkerStatus(_Node):
    """A tumour marker's result: "HER2-negative", "EGFR exon 19 deletion or L858R", "ALK
    rearrangement", "MSI-H", "germline BRCA1 mutation". `alteration` is the kind of change the
    text names (a bare "positive" the marker's usual one, lexicon.biomarkers); `variants` the
    ones that count (any of them; none named: any of the kind); `germline` that only an
    inherited one counts."""

    kind: Literal["biomarker_status"] = "biomarker_status"
    marker: str
    result: Literal["positive", "negative"]
    alteration: Alteration = "expression"
    variants: tuple[str, ...] = ()
    germline: bool = False


class BiomarkerValue(_Node):
    """A tumour marker's value compared with a bound: "PD-L1 TPS >= 50%", "Ki-67 >= 20%",
    "TMB >= 10 mut/Mb". `method` is the scoring the value must be of ("TPS", "CPS"), if named."""

    kind: Literal["biomarker_value"] = "biomarker_value"
    marker: str
    op: Op
    value: float
    unit: str | None = None
    method: str | None = None


# a LabCompare flag: the ">= LLN" half of "creatinine normal"; a value below it is unknown, not a
# fail ("normal" renal or liver function may mean only "not raised")
BELOW_NORMAL_OPEN = "below_normal_open"
# a LabCompare flag: an end of a range written in whole numbers ("30-59"); a value within one
# unit past it (59.6, 29.5) is open, since the next band may start there
INTEGER_BAND = "integer_band"
# a ScoreCompare flag: the bullet names both performance scales ("ECOG 0-1 or Karnofsky > 70"),
# so each is read only from the patient's own score on it, not converted from the other
SCALES_PAIRED = "scales_paired"
# an AllOf flag: tests joined by "and" where meeting them excludes ("AST and ALT > 2 x ULN" in
# an exclusion): both, or either? Decided only where the readings agree (all met, or none)
EITHER_OR_BOTH = "either_or_both"


class AllOf(_Node):
    """Every item must hold (Kleene AND); flagged EITHER_OR_BOTH, all or none must."""

    kind: Literal["all_of"] = "all_of"
    items: tuple[Predicate, ...]


class AnyOf(_Node):
    """At least one item must hold (Kleene OR)."""

    kind: Literal["any_of"] = "any_of"
    items: tuple[Predicate, ...]


class Not(_Node):
    """The item must not hold (Kleene NOT)."""

    kind: Literal["not"] = "not"
    item: Predicate


class Conditional(_Node):
    """`then` applies when the patient has `condition`, `otherwise` when not."""

    kind: Literal["conditional"] = "conditional"
    condition: str
    then: Predicate
    otherwise: Predicate


class NoConstraint(_Node):
    """Text that constrains nobody: a heading, a placeholder ("Not specified"), a permission
    ("Prior chemotherapy allowed"), both sexes. `reason` says which; shown, never unknown."""

    kind: Literal["no_constraint"] = "no_constraint"
    reason: str


class Unparsed(_Node):
    """Text that compiled to nothing computable, with the reason."""

    kind: Literal["unparsed"] = "unparsed"
    text: str
    reason: str


Predicate = Annotated[
    LabCompare
    | ScoreCompare
    | AgeCompare
    | LifeExpectancy
    | MeasureCompare
    | SexIs
    | HasConcept
    | TimeSince
    | ConceptDuration
    | ConceptOnset
    | RegimenCount
    | BiomarkerStatus
    | BiomarkerValue
    | AllOf
    | AnyOf
    | Not
    | Conditional
    | NoConstraint
    | Unparsed,
    Field(discriminator="kind"),
]

NODE_TYPES: tuple[type[_Node], ...] = (
    LabCompare,
    ScoreCompare,
    AgeCompare,
    LifeExpectancy,
    MeasureCompare,
    SexIs,
    HasConcept,
    TimeSince,
    ConceptDuration,
    ConceptOnset,
    RegimenCount,
    BiomarkerStatus,
    BiomarkerValue,
    AllOf,
    AnyOf,
    Not,
    Conditional,
    NoConstraint,
    Unparsed,
)

for _cls in (AllOf, AnyOf, Not, Conditional):
    _cls.model_rebuild()


def walk(node: Predicate) -> list[Predicate]:
    """Every node of a tree, the root first (conditions' branches included)."""
    out: list[Predicate] = [node]
    if isinstance(node, (AllOf, AnyOf)):  # by type: a missing attribute is slow on a model
        for item in node.items:
            out += walk(item)
    elif isinstance(node, Not):
        out += walk(node.item)
    elif isinstance(node, Conditional):
        out += walk(node.then)
        out += walk(node.otherwise)
    return out


def leaves(node: Predicate) -> list[Predicate]:
    """The leaf nodes of a tree, in order."""
    if isinstance(node, (AllOf, AnyOf)):
        return [leaf for item in node.items for leaf in leaves(item)]
    if isinstance(node, Not):
        return leaves(node.item)
    if isinstance(node, Conditional):
        return leaves(node.otherwise) + leaves(node.then)
    return [node]


def map_leaves(node: Predicate, change: Callable[[Predicate], Predicate]) -> Predicate:
    """The tree with each leaf replaced by `change(leaf)`; the node itself where nothing
    changed (so `is` tells whether anything did)."""
    if isinstance(node, (AllOf, AnyOf)):
        items = tuple(map_leaves(item, change) for item in node.items)
        same = all(a is b for a, b in zip(items, node.items, strict=True))
        return node if same else node.model_copy(update={"items": items})
    if isinstance(node, Not):
        item = map_leaves(node.item, change)
        return node if item is node.item else node.model_copy(update={"item": item})
    if isinstance(node, Conditional):
        then, otherwise = map_leaves(node.then, change), map_leaves(node.otherwise, change)
        if then is node.then and otherwise is node.otherwise:
            return node
        return node.model_copy(update={"then": then, "otherwise": otherwise})
    return change(node)


def node_kind(cls: type[_Node]) -> str:
    """The `kind` tag of a node class."""
    return str(cls.model_fields["kind"].default)
