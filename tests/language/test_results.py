"""Test results in criteria: "HIV negative", "Negative pregnancy test", "positive for hepatitis B".
A result says whether a condition is there only for what such tests find (infections,
pregnancy); a result of anything else (a receptor, a biopsy) is left unread."""

from __future__ import annotations

from typing import Any

import pytest

from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.trial import Criterion, Trial
from trialscreen.records import load_patient
from trialscreen.screening import compiled_bullets, judge


def reads(text: str, kind: str, status: str, canonical: str | None = None) -> None:
    """The bullet compiles to this status (and, if given, this canonical text)."""
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert compiled.status == status, compiled.uncovered_text()
    if canonical is not None:
        assert compiled.canonical == canonical


def decide(text: str, kind: str, **record: Any) -> str:
    bullet = Criterion(index=0, kind=kind, text=text, span=(0, len(text)))  # type: ignore[arg-type]
    compiled = compiled_bullets(Trial(id="t", format="ctgov_xml", bullets=[bullet]))[0]
    patient = load_patient({"id": "p", "as_of": "2026-11-01", **record})
    return judge(compiled, build_facts(patient))[1]


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("HIV negative", "inclusion", "no (current hiv infection)"),
        ("HIV-negative", "inclusion", "no (current hiv infection)"),
        ("Negative urine pregnancy test", "inclusion", "no (current pregnancy)"),
        ("Hepatitis B surface antigen negative", "inclusion", "no (current hepatitis b carrier)"),
        (
            "HIV and hepatitis B negative",
            "inclusion",
            "no (current hiv infection or else current hepatitis b)",
        ),
        ("Positive for hepatitis B", "exclusion", "current hepatitis b"),
    ],
)
def test_a_result_of_a_test_for_an_infection_or_pregnancy(
    text: str, kind: str, canonical: str
) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize("text", ["Biopsy positive", "HIV and HBV positive"])
def test_other_results_are_not_read_as_the_condition(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


@pytest.mark.parametrize("text", ["Estrogen receptor negative", "ER negative"])
def test_a_receptor_result_is_a_marker_result(text: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert (compiled.predicate.kind, compiled.canonical) == (
        "biomarker_status",
        "Estrogen receptor negative",
    )


def test_what_a_negative_result_decides() -> None:
    hiv = {"name": "HIV infection", "status": "active"}
    assert decide("HIV negative", "inclusion", conditions=[hiv]) == "fail"
    assert decide("HIV negative", "inclusion", conditions=[{**hiv, "status": "absent"}]) == "pass"
    assert decide("HIV negative", "inclusion") == "unknown"
    test = "Negative urine pregnancy test"
    assert decide(test, "inclusion", sex="female", pregnant=True) == "fail"
    assert decide(test, "inclusion", sex="female", pregnant=False) == "pass"


@pytest.mark.parametrize(
    ("text", "canonical", "status"),
    [
        (
            "Performance status - Karnofsky 60-100%",
            "Karnofsky >= 60 and Karnofsky <= 100",
            "compiled",
        ),
        ("Performance status - Zubrod 0-2", "ECOG <= 2", "compiled"),
        ("ECOG (Karnofsky) 0-2", "ECOG <= 2", "partial"),
    ],
)
def test_the_scale_is_the_one_named(text: str, canonical: str, status: str) -> None:
    compiled = compile_criterion(text)
    assert (compiled.canonical, compiled.status) == (canonical, status)


@pytest.mark.parametrize(
    ("text", "canonical", "status"),
    [
        ("Hypersensitivity to acyclovir.", "hypersensitivity to acyclovir", "compiled"),
        (
            "History of allergic reaction or severe hypersensitivity to fluorouracil.",
            "history of hypersensitivity to fluorouracil",
            "compiled",
        ),
        ("Known allergy to anaphylaxis", None, "partial"),  # not a drug
        ("History of intolerance or hypersensitivity to fluorouracil.", None, "partial"),
        (  # "or other X": one more item of the list, the class after a member
            "Known hypersensitivity to zidovudine (AZT) or other nucleoside analogs.",
            "hypersensitivity to zidovudine or else hypersensitivity to nucleoside analogue",
            "compiled",
        ),
        ("History of anaphylaxis to penicillin", None, "partial"),
    ],
)
def test_a_hypersensitivity_is_to_the_drug_named(
    text: str, canonical: str | None, status: str
) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert compiled.status == status
    if canonical is not None:
        assert compiled.canonical == canonical


def test_an_allergy_in_a_record_is_to_the_drug_and_its_classes() -> None:
    text = "No prior allergy to platinum compounds"
    allergy = {"name": "allergy to cisplatin", "status": "active"}
    assert decide(text, "inclusion", conditions=[allergy]) == "fail"
    other = {"name": "penicillin allergy", "status": "active"}
    assert decide(text, "inclusion", conditions=[other]) == "unknown"
    assert decide("Hypersensitivity to acyclovir.", "exclusion", conditions=[other]) == "unknown"
    cisplatin = {"name": "cisplatin", "status": "completed"}  # the drug, not an allergy to it
    assert decide(text, "inclusion", treatments=[cisplatin]) == "unknown"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Not pregnant (negative pregnancy test)", "inclusion"),
        ("Pregnant (negative pregnancy test required)", "exclusion"),
        # (was here: "Women of childbearing potential must have a negative pregnancy test",
        # read as childbearing potential AND not pregnant, which failed men; it is now read
        # as a test of those who could be pregnant: the test below)
        ("HIV positive or HIV negative", "inclusion"),
        ("Alzheimer's disease (MMSE >= 18)", "inclusion"),  # a further requirement
        ("No anemia (Hb >= 10 g/dL)", "inclusion"),  # the bracket is the other side
        ("Bleeding disorder (platelets < 100,000/mm3)", "exclusion"),  # an example?
    ],
)
def test_readings_found_wrong_in_review_do_not_decide(text: str, kind: str) -> None:
    assert compile_criterion(text, kind).status != "compiled"  # type: ignore[arg-type]


def test_a_systemic_antifungal() -> None:
    fluconazole = [{"name": "fluconazole", "start": "2026-10-01"}]
    assert (
        decide("No concurrent systemic antifungals", "inclusion", treatments=fluconazole) == "fail"
    )


def test_a_drug_once_filed_as_its_class_is_itself() -> None:
    # vancomycin was a synonym of "nephrotoxic drugs": an allergy to it read as one to them all
    compiled = compile_criterion("Known hypersensitivity to vancomycin", "exclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", "hypersensitivity to vancomycin")
    erythromycin = compile_criterion("Erythromycin.", "exclusion")
    assert erythromycin.canonical == "erythromycin"  # not any macrolide


def test_a_result_is_about_now() -> None:
    """A pregnancy that ended is not a positive test today (as for any current-timing clause, a
    resolved entry is not a current one)."""
    past = {"name": "pregnancy", "status": "resolved", "onset": "2020-01-01", "end": "2020-09-01"}
    text = "Negative urine pregnancy test"
    assert decide(text, "inclusion", sex="female", conditions=[past]) == "pass"
    now = {"name": "pregnancy", "status": "active", "onset": "2026-09-01"}
    assert decide(text, "inclusion", sex="female", conditions=[now]) == "fail"


def test_record_names_with_words_that_change_them_are_not_read_as_the_name() -> None:
    from trialscreen.facts import concept_of

    assert concept_of("HBsAg negative") is None
    assert concept_of("aspirin intolerance") is None
    assert concept_of("no known drug allergies") is None
    assert concept_of("penicillin allergy") == "hypersensitivity_to:penicillin"


def test_or_before_a_drug_name_with_a_number() -> None:
    compiled = compile_criterion("Known hypersensitivity to oxaliplatin or 5-FU", "exclusion")
    assert compiled.canonical == (
        "hypersensitivity to oxaliplatin or else hypersensitivity to fluorouracil"
    )


@pytest.mark.parametrize(
    ("text", "kind", "record"),
    [
        # a kind of a thing whose class has a narrower name is not that name
        (
            "Prior donor lymphocyte infusion",
            "exclusion",
            {
                "treatments": [
                    {"name": "CAR T-cell therapy", "status": "completed", "end": "2025-01-01"}
                ]
            },
        ),
        (
            "History of upper GI bleeding",
            "exclusion",
            {"conditions": [{"name": "rectal bleeding"}]},
        ),
        ("Visual impairment", "exclusion", {"conditions": [{"name": "glaucoma"}]}),
        (
            "No concurrent multivitamins",
            "inclusion",
            {"treatments": [{"name": "cyanocobalamin", "start": "2026-01-01"}]},
        ),
        (
            "No psoralens",
            "inclusion",
            {"treatments": [{"name": "porfimer", "start": "2026-01-01"}]},
        ),
        (
            "No antihypertensive medications",
            "inclusion",
            {"treatments": [{"name": "sotalol", "start": "2026-01-01"}]},
        ),
        (
            "No prior IMiDs",
            "inclusion",
            {"treatments": [{"name": "imiquimod", "start": "2026-01-01"}]},
        ),
        (
            "No long-acting nitrates",
            "inclusion",
            {"treatments": [{"name": "nitroglycerin", "start": "2026-01-01"}]},
        ),
        (
            "No concurrent systemic antifungals",
            "inclusion",
            {"treatments": [{"name": "miconazole", "start": "2026-01-01"}]},
        ),
    ],
)
def test_a_narrower_name_of_a_class_is_not_the_class(
    text: str, kind: str, record: dict[str, Any]
) -> None:
    assert decide(text, kind, **record) == "unknown"


def test_a_pregnancy_test_of_women_of_childbearing_potential_decides_by_them() -> None:
    text = "Negative pregnancy test in women of childbearing potential"
    fertile = {"sex": "female", "childbearing_potential": True}
    assert decide(text, "inclusion", **fertile, pregnant=False) == "pass"
    assert decide(text, "inclusion", **fertile, pregnant=True) == "fail"
    assert decide(text, "inclusion", sex="male") == "pass"  # not required of him
    assert decide(text, "inclusion", sex="female", menopausal_status="postmenopausal") == "pass"
    assert decide(text, "inclusion", sex="female") == "unknown"
