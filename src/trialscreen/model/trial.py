"""The Trial model: one record, whatever its source, with its bullets and headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

_NCT_ID = re.compile(r"NCT\d{8}")
CriterionKind = Literal["inclusion", "exclusion"]
TrialFormat = Literal["ctgov_json", "ctgov_xml", "seed_page"]
Sex = Literal["all", "female", "male"]
AgeUnit = Literal["years", "months", "weeks", "days", "hours", "minutes"]

_DAYS_PER_UNIT: dict[str, float] = {
    "years": 365.25,
    "months": 365.25 / 12,
    "weeks": 7.0,
    "days": 1.0,
    "hours": 1 / 24,
    "minutes": 1 / 1440,
}


class AgeLimit(BaseModel):
    """An age bound as the registry states it ("18 Years", "6 Months")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: AgeUnit

    @property
    def years(self) -> float:
        """The bound in years (months are 1/12 of a Julian year)."""
        return self.value * _DAYS_PER_UNIT[self.unit] / 365.25

    def __str__(self) -> str:
        value = int(self.value) if self.value == int(self.value) else self.value
        return f"{value} {self.unit}"


class Heading(BaseModel):
    """A heading line of the criteria text ("Inclusion Criteria:", "PATIENT CHARACTERISTICS:")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    span: tuple[int, int]
    kind: CriterionKind | None = None  # the kind it switches to, if any
    section: str | None = None  # the section it opens, if any


class Criterion(BaseModel):
    """One bullet of the criteria text, with its exact span in `Trial.criteria_text`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    kind: CriterionKind
    section: str | None = None
    parent: int | None = None
    text: str
    span: tuple[int, int]


# recruitment status as ClinicalTrials.gov names it, in one spelling for every source
TrialStatus = Literal[
    "not_yet_recruiting",
    "recruiting",
    "enrolling_by_invitation",
    "active_not_recruiting",
    "suspended",
    "terminated",
    "completed",
    "withdrawn",
    "unknown",
    "available",
    "no_longer_available",
    "temporarily_not_available",
    "approved_for_marketing",
    "withheld",
]
Phase = Literal["early_phase1", "phase1", "phase2", "phase3", "phase4", "na"]
StudyType = Literal["interventional", "observational", "expanded_access"]
# the primary purpose of an interventional study, in the registry's one spelling
Purpose = Literal[
    "treatment",
    "prevention",
    "supportive_care",
    "screening",
    "diagnostic",
    "basic_science",
    "health_services_research",
    "device_feasibility",
    "educational",
    "ecologic",
    "other",
]


@dataclass(frozen=True, slots=True)
class Location:
    """A site of the study, as the registry writes it (a plain dataclass: a registry holds
    tens of thousands of sites)."""

    facility: str = ""
    city: str = ""
    state: str = ""
    country: str = ""


class Registration(BaseModel):
    """What the registry says about the study besides its eligibility: where it stands, what it
    studies and where. Unstated fields stay empty (None, no items)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: TrialStatus | None = None
    phases: tuple[Phase, ...] = ()
    study_type: StudyType | None = None
    purpose: Purpose | None = None  # "screening": for people not known to have the condition
    keywords: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()  # condition MeSH terms (XML condition_browse, v2 derived)
    interventions: tuple[str, ...] = ()  # "Drug: Nifedipine"
    locations: tuple[Location, ...] = ()
    start_date: str | None = None  # ISO, to the precision written ("2008-01", "2017-06-20")
    completion_date: str | None = None
    enrollment: int | None = None

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries of the sites, each once, in order."""
        return tuple(dict.fromkeys(site.country for site in self.locations if site.country))


class Trial(BaseModel):
    """A clinical trial record: identity, structured eligibility, criteria text and bullets."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = ""
    conditions: list[str] = []
    source: str = ""
    format: TrialFormat
    minimum_age: AgeLimit | None = None
    maximum_age: AgeLimit | None = None
    sex: Sex = "all"
    healthy_volunteers: bool | None = None
    criteria_text: str = ""
    registration: Registration = Registration()
    bullets: list[Criterion] = []
    headings: list[Heading] = []
    warnings: list[str] = []

    @property
    def url(self) -> str | None:
        """The study's page on ClinicalTrials.gov (for an NCT id)."""
        return f"https://clinicaltrials.gov/study/{self.id}" if _NCT_ID.fullmatch(self.id) else None

    def count(self, kind: CriterionKind) -> int:
        """Number of bullets of one kind."""
        return sum(1 for bullet in self.bullets if bullet.kind == kind)
