"""How a drug is given ("IV amphotericin B", "oral antibiotics") is a qualifier the record cannot
check; "have taken", "has undergone" mean received; "positivity" is a positive result; HIV RNA
in copies/mL; "greater or equal to"; "less than 4 weeks prior to entry" is a window, "more than
6 months prior to entry" is not (unread)."""

from __future__ import annotations

from typing import Any

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import leaves

AMPHO = {"name": "amphotericin B", "start": "2026-10-01"}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("IV amphotericin B.", "IV amphotericin b"),
        ("Intravenous pentamidine.", "intravenous pentamidine"),
        ("Oral antibiotics.", "oral antibiotic"),
        ("Have taken d4T.", "history of stavudine"),
        (
            "Has undergone major surgery within 30 days prior to the first dose of study "
            "treatment;",
            "history of major surgery within 30 days",
        ),
        (
            "Have received any vaccinations within 30 days prior to study entry.",
            "history of vaccine within 30 days",
        ),
        ("HIV positivity.", "current hiv infection"),
        ("Presence of glaucoma", "current glaucoma"),
        # "A or (any) other B": one more item, B (the class after a member): either
        (
            "Prior treatment with cetuximab or any other anti-EGFR antibody",
            "history of cetuximab or else history of anti-egfr monoclonal antibody",
        ),
        (
            "No prior doxorubicin or other anthracycline",
            "no (history of doxorubicin or else history of anthracycline)",
        ),
        ("The presence of an active infection", "current infection"),
        ("HIV seronegativity.", "no (current hiv infection)"),
        ("Plasma HIV-1 RNA >= 5000 copies/ml.", "HIV viral load >= 5000 copies/ml"),
        ("Absolute CD4 count = or > 500 cells/mm3.", "CD4 count >= 500 cells/mm3"),
        ("Age greater or equal to 18 years", "age >= 18 years"),
        ("> or = to 21 years of age.", "age >= 21 years"),
        (
            "Subjects who have received anti-androgens < 3 months ago",
            "history of antiandrogen within 3 months",
        ),
        (
            "Prior radiotherapy less than 4 weeks prior to study registration.",
            "history of radiotherapy within 4 weeks",
        ),
    ],
)
def test_compiled(text: str, canonical: str) -> None:
    # a requirement "No ...", "HIV seronegativity" stands in an inclusion list (in an exclusion
    # list a negation is a double negative, not read: test_nci_phrases.test_negations_and_allowed)
    negated = text.startswith("No ") or "negativ" in text
    compiled = compile_criterion(text, "inclusion" if negated else "exclusion")
    assert compiled.status == "compiled", compiled.uncovered_text()
    assert compiled.canonical == canonical


@pytest.mark.parametrize(
    ("text", "record", "expected"),
    [
        # the route cannot be checked: a present drug is unknown, an absent one absent
        ("IV amphotericin B.", {"treatments": [AMPHO]}, "unknown"),
        # (drug abuse is a kind of substance abuse since review 13: the record names it)
        (
            "Intravenous drug abuse.",
            {"conditions": [{"name": "drug abuse", "status": "absent"}]},
            "pass",
        ),
        ("Intravenous drug abuse.", {"conditions": [{"name": "drug abuse"}]}, "unknown"),
        (
            "Oral ketoconazole.",
            {"treatments": [{"name": "ketoconazole", "start": "2026-10-01"}]},
            "unknown",
        ),
        # "have taken": ever received
        (
            "Have taken d4T.",
            {"treatments": [{"name": "stavudine", "end": "2019-01-01", "start": "2018-01-01"}]},
            "fail",
        ),
        ("HIV positivity", {"conditions": [{"name": "HIV infection"}]}, "fail"),
        (
            "HIV positivity",
            {"conditions": [{"name": "HIV infection", "status": "absent"}]},
            "pass",
        ),
        (
            "Subjects who have received anti-androgens < 3 months ago",
            {"treatments": [{"name": "bicalutamide", "start": "2026-05-01", "end": "2026-09-15"}]},
            "fail",
        ),
        (
            "Subjects who have received anti-androgens < 3 months ago",
            {"treatments": [{"name": "bicalutamide", "start": "2025-01-01", "end": "2025-09-15"}]},
            "pass",
        ),
    ],
)
def test_decides(text: str, record: dict[str, Any], expected: str) -> None:
    assert decide(text, "exclusion", **record) == expected


def test_major_is_a_qualifier() -> None:
    """ "major depression" is not any depression (a mild one would fail the patient)."""
    text = "No major depression or other major psychiatric illness"
    record = {"conditions": [{"name": "depression", "onset": "2025-01-01"}]}
    assert decide(text, "inclusion", **record) == "unknown"
    assert decide("Prior major surgery", "exclusion", treatments=[
        {"name": "colectomy", "category": "surgery", "major": True, "date": "2025-01-01"}
    ]) == "fail"  # fmt: skip


def test_an_egfr_tki_is_not_an_anti_egfr_antibody() -> None:
    text = "Prior treatment with cetuximab or any other anti-EGFR antibody"
    record = {"treatments": [{"name": "erlotinib", "start": "2025-01-01", "end": "2025-06-01"}]}
    assert decide(text, "exclusion", **record) != "fail"


def test_viral_load_in_copies() -> None:
    record = {
        "observations": [
            {"name": "HIV viral load", "value": 12000, "unit": "copies/mL", "date": "2026-10-20"}
        ]
    }
    assert decide("Plasma HIV-1 RNA >= 5000 copies/ml.", "inclusion", **record) == "pass"
    assert decide("HIV RNA < 400 copies/ml.", "inclusion", **record) == "fail"


@pytest.mark.parametrize(
    "text",
    [
        "CMV viral load > 1000 copies/mL",  # a bare "viral load" is not HIV's (review F1)
        "CMV seronegativity",  # antibodies stay after the infection has gone (review F3-F5)
        "HCV seropositivity",
        "Hepatitis B seropositivity",
        # when it was diagnosed, which "present in the window" does not read (review F6)
        "Diagnosis of Parkinson's disease less than 5 years prior to screening",
    ],
)
def test_review_findings_are_not_read(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


def test_an_hcv_viral_load_is_hcv_rna_and_copies_are_not_iu() -> None:
    compiled = compile_criterion("HCV viral load > 100,000 copies/mL", "exclusion")
    assert compiled.canonical == "HCV RNA > 100000 copies/mL"
    assert "unit_mismatch" in compiled.flags  # HCV RNA is in IU/mL; copies are assay-specific
    hiv = {"observations": [{"name": "HIV viral load", "value": 250000, "unit": "copies/mL",
                             "date": "2026-10-20"}]}  # fmt: skip
    hcv = {"observations": [{"name": "HCV RNA", "value": 250000, "unit": "IU/mL",
                             "date": "2026-10-20"}]}  # fmt: skip
    assert decide("HCV viral load > 100,000 copies/mL", "exclusion", **hiv) == "unknown"
    assert decide("HCV viral load > 100,000 copies/mL", "exclusion", **hcv) == "unknown"


def test_hiv_serology_is_the_infection() -> None:
    assert compile_criterion("HIV seronegative", "inclusion").status == "compiled"


@pytest.mark.parametrize(
    "text",
    [
        "Diagnosis of CMV retinitis more than 4 months prior to study entry.",
        "Had chickenpox at least 6 months prior to study entry.",
    ],
)
def test_long_ago_is_not_a_window(text: str) -> None:
    """ "more than 4 months before entry" says it happened, and long ago: how long ago it began
    (test_durations.py), never "within 4 months"."""
    compiled = compile_criterion(text, "exclusion")
    assert "within" not in compiled.canonical
    assert compiled.canonical.endswith(" ago")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Stage IV disease", "stage iv disease"),
        ("Patients with severe heart failure NYHA IV ()", None),
    ],
)
def test_roman_iv_is_not_a_route(text: str, canonical: str | None) -> None:
    compiled = compile_criterion(text, "exclusion")
    quals = [q for leaf in leaves(compiled.predicate) for q in getattr(leaf, "qualifiers", ())]
    assert "iv" not in quals
    assert not compiled.canonical.startswith("iv ")
    if canonical:
        assert compiled.canonical == canonical
