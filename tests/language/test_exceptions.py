"""Exceptions: "Malignancies other than Kaposi's sarcoma", "(except X)", ", excluding X". Only an
entry of another kind counts; an exception that is no kind of what it excepts from is unread."""

from __future__ import annotations

import pytest
from test_results import decide

from trialscreen.language.compiler import compile_criterion


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Malignancies other than Kaposi's sarcoma.", "cancer other than kaposi's sarcoma"),
        (
            "Malignancies, with the exception of basal cell carcinoma.",
            "cancer other than basal cell carcinoma",
        ),
        (
            "No prior chemotherapy except cisplatin",
            "no (history of chemotherapy other than cisplatin)",
        ),
    ],
)
def test_an_exception_is_read_into_the_concept(text: str, canonical: str) -> None:
    # a requirement "No ..." stands in an inclusion list (in an exclusion list a negation is a
    # double negative, not read: test_nci_phrases.test_negations_and_allowed)
    kind = "inclusion" if text.startswith("No ") else "exclusion"
    compiled = compile_criterion(text, kind)
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        "Malignancy other than HIV",  # no kind of malignancy
        "Corticosteroids (other than oral asthma inhalers).",  # not read
        "Active malignancy (other than cutaneous Kaposi's sarcoma).",  # a modifier not read
    ],
)
def test_an_exception_not_understood_does_not_decide(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


def test_what_an_exception_decides() -> None:
    text = "Malignancies, with the exception of basal cell carcinoma."
    bcc = {"name": "basal cell carcinoma", "status": "active"}
    ks = {"name": "Kaposi's sarcoma", "status": "active"}
    scc = {"name": "squamous cell carcinoma of the skin", "status": "active"}
    assert decide(text, "exclusion", conditions=[ks]) == "fail"
    assert decide(text, "exclusion", conditions=[scc]) == "fail"  # not the excepted kind
    assert decide(text, "exclusion", conditions=[bcc]) == "unknown"  # another may be unrecorded
    assert decide(text, "exclusion", conditions=[{"name": "cancer", "status": "absent"}]) == "pass"


@pytest.mark.parametrize(
    "text",
    [
        "No concurrent chemotherapy (except hydroxyurea) or radiotherapy",
        "Antiretroviral agents (other than AZT) or immunomodulating agents within 15 days",
    ],
)
def test_what_follows_a_bracketed_exception_may_share_its_frame(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


def test_an_entry_broader_than_the_exception_may_be_it() -> None:
    text = "Malignancies, with the exception of basal cell carcinoma."
    broad = {"name": "non-melanoma skin cancer", "status": "active"}
    assert decide(text, "exclusion", conditions=[broad]) == "unknown"
    uveal = {"name": "uveal melanoma", "status": "resolved", "end": "2020-01-01"}
    assert decide("History of skin cancer", "exclusion", conditions=[uveal]) == "unknown"


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        (  # "other" before a malignancy: one other than the patient's own
            "No other prior malignancy within the past 5 years except nonmelanoma skin cancer",
            "inclusion",
            "no (second malignancy within 5 years other than non-melanoma skin cancer)",
        ),
        ("Other active malignancy", "exclusion", "current second malignancy"),
        (
            "History of another primary malignancy within 3 years",
            "exclusion",
            "history of second malignancy within 3 years",
        ),
        (  # the condition on the excepted kinds is kept; the cell types share "skin cancer"
            "Any other malignancy within 3 years, except adequately treated basal cell or "
            "squamous cell skin cancer",
            "exclusion",
            "second malignancy within 3 years other than adequately treated basal cell "
            "carcinoma or cutaneous squamous cell carcinoma",
        ),
        (  # an in situ lesion excepted from a cancer is a kind the writer leaves out
            "Prior history of breast cancer, except LCIS.",
            "exclusion",
            "history of breast cancer other than lobular carcinoma in situ",
        ),
    ],
)
def test_other_malignancies_and_their_exceptions(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        "Patients treated with other cancer drugs",  # "other" of no malignancy
        "Other carcinoma in situ",  # other than which?
    ],
)
def test_other_before_anything_but_a_malignancy_is_not_read(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


def test_a_qualified_exception_may_or_may_not_leave_an_entry_out() -> None:
    text = "Malignancies, except adequately treated basal cell carcinoma"
    treated = {"name": "basal cell carcinoma", "status": "resolved", "end": "2025-01-01"}
    melanoma = {"name": "melanoma", "status": "active"}
    # adequately treated? the record does not say: unknown, not a pass
    assert decide(text, "exclusion", conditions=[treated]) == "unknown"
    assert decide(text, "exclusion", conditions=[treated, melanoma]) == "fail"
    assert decide(text, "exclusion", conditions=[{"name": "cancer", "status": "absent"}]) == "pass"
    plain = "Prior malignancy except basal cell carcinoma"
    second = {"name": "second malignancy", "status": "active"}
    # a second malignancy of no stated kind may be the excepted one
    assert decide(plain, "exclusion", conditions=[second]) == "unknown"
    absent = {"name": "second malignancy", "status": "absent"}
    assert decide(plain, "exclusion", conditions=[absent]) == "pass"
