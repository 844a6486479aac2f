"""Found by the second review: "other" ruling out a class that holds (or may hold) what the
trial asks for elsewhere means "other than that one"; a section for another person or a group
("EXCLUSIONS - NORMAL VOLUNTEERS", "Donor criteria") applies only to them; "No A and other B" is
not read."""

from __future__ import annotations

import pytest
from test_meaning_rules import read_list

from trialscreen.language.compiler import compile_criterion

PROSTATE = """Inclusion Criteria:

  -  Hormone-refractory prostate cancer

  -  Primary testicular androgen suppression (e.g., LHRH agonist or DES) continues during study

  -  No concurrent megestrol or other hormonal agents
"""

AZT = """Inclusion Criteria:

  -  At least 6 months of prior AZT therapy, including continuous AZT therapy during the study

Exclusion Criteria:

  -  Other antiretroviral agents.

  -  Systemic antifungals.
"""

VOLUNTEERS = """Inclusion Criteria:

  -  ADHD diagnosed by a child psychiatrist

EXCLUSIONS - NORMAL VOLUNTEERS:

  -  Presence of ADHD.
"""

PARTNER = """Inclusion Criteria:

  -  HIV-negative women aged 18 to 45

Exclusions for the partner:

  -  Pregnant
"""

DONORS = """Inclusion Criteria:

  -  Acute myeloid leukemia in first remission

Exclusion Criteria for donors:

  -  HIV infection
"""


def by_text(text: str) -> dict[str, tuple[str, object]]:
    return {t: (k, c) for k, t, c in read_list(text)}


def test_other_than_what_the_trial_asks_for() -> None:
    read = by_text(PROSTATE)
    megestrol = read["No concurrent megestrol or other hormonal agents"][1]
    assert megestrol.status == "partial"  # type: ignore[attr-defined]
    assert any("asks for" in f for f in megestrol.flags)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("wanted", "ruled"),
    [  # classes that only hold some targeted therapies (not intravitreal aflibercept, not
        # sirolimus after a transplant): "other" may still mean the one the trial wants
        ("Anti-VEGF therapy continues during study", "No concurrent other targeted agents"),
        ("mTOR inhibitor therapy continues during study", "No concurrent other targeted therapy"),
    ],
)
def test_other_than_a_class_that_may_be_what_the_trial_asks_for(wanted: str, ruled: str) -> None:
    text = f"Inclusion Criteria:\n\n  -  {wanted}\n\n  -  {ruled}\n"
    compiled = by_text(text)[ruled][1]
    assert compiled.status == "partial"  # type: ignore[attr-defined]
    assert any("asks for" in f for f in compiled.flags)  # type: ignore[attr-defined]


def test_other_agents_in_a_trial_that_wants_one_of_them() -> None:
    read = by_text(AZT)
    assert read["Other antiretroviral agents."][1].status == "partial"  # type: ignore[attr-defined]
    # no "other": the bullet is read as written
    assert read["Systemic antifungals."][1].status == "compiled"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "bullet"),
    [(VOLUNTEERS, "Presence of ADHD."), (DONORS, "HIV infection"), (PARTNER, "Pregnant")],
)
def test_a_section_for_another_group(text: str, bullet: str) -> None:
    compiled = by_text(text)[bullet][1]
    # for the group only (membership unknown), or not decided at all
    assert compiled.applies_if is not None or compiled.status != "compiled"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "No asthma and other lung disease",
        "No prior chemotherapy and other anticancer therapy",
        "No hypertension and other cardiac disease",
    ],
)
def test_no_a_and_other_b_is_not_read(text: str) -> None:
    assert compile_criterion(text, "inclusion").status != "compiled"


def test_a_section_about_another_person_is_not_decided() -> None:
    """The partner's or the donor's list: the patient's own record says nothing of them."""
    compiled = by_text(PARTNER)["Pregnant"][1]
    assert compiled.status != "compiled"  # type: ignore[attr-defined]
