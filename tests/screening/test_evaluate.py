"""Three-valued evaluation: Kleene tables, thresholds, units, ULN sources, concepts, time."""

from __future__ import annotations

from typing import Any

import pytest

from trialscreen.evaluate import Result, _all, _any, evaluate_node
from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.records import read_patient
from trialscreen.screening import judge

T, F, U = True, False, None


@pytest.mark.parametrize(
    ("a", "b", "and_", "or_"),
    [
        (T, T, T, T),
        (T, F, F, T),
        (T, U, U, T),
        (F, F, F, F),
        (F, U, F, U),
        (U, U, U, U),
        (F, T, F, T),
        (U, T, U, T),
        (U, F, F, U),
    ],
)
def test_kleene_tables(a: bool | None, b: bool | None, and_: bool | None, or_: bool | None) -> None:
    ra, rb = Result(a, "a"), Result(b, "b")
    assert _all([ra, rb]).met is and_
    assert _any([ra, rb]).met is or_


def patient(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "t",
        "as_of": "2026-11-01",
        "birth_date": "1960-01-01",
        "sex": "female",
    }
    base.update(extra)
    return base


def check(
    text: str, record: dict[str, Any], kind: str = "inclusion"
) -> tuple[bool | None, str, str]:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    result, outcome = judge(compiled, build_facts(read_patient(record)))
    return result.met, outcome, result.reason


def obs(name: str, value: float, unit: str | None = None, **kw: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "value": value, "date": "2026-10-30", **kw}
    if unit:
        item["unit"] = unit
    return item


def test_anc_in_si_meets_threshold_in_per_mm3_exactly() -> None:
    met, outcome, _ = check("ANC ≥ 1,500/mm³", patient(observations=[obs("ANC", 1.5, "10^9/L")]))
    assert (met, outcome) == (True, "pass")
    met, outcome, _ = check("ANC ≥ 1,500/mm³", patient(observations=[obs("ANC", 1.4, "10^9/L")]))
    assert (met, outcome) == (False, "fail")


@pytest.mark.parametrize(("op", "at"), [(">=", True), (">", False), ("<=", True), ("<", False)])
def test_exactly_at_threshold(op: str, at: bool) -> None:
    met, _, _ = check(
        f"Hemoglobin {op} 9 g/dL", patient(observations=[obs("hemoglobin", 90, "g/L")])
    )
    assert met is at


def test_creatinine_molar_against_mass_threshold() -> None:
    record = patient(observations=[obs("creatinine", 97, "umol/L")])
    met, _, reason = check("Creatinine ≤ 1.5 mg/dL", record)
    assert met is True and "mg/dL" in reason


def test_uln_from_patient_range_then_assumed_default() -> None:
    own = patient(observations=[obs("ALT", 61, "U/L", reference_range={"low": 7, "high": 55})])
    met, _, reason = check("ALT ≤ 2.5 × ULN", own)
    assert met is True and "reference range" in reason
    # the assumed ULN is an interval (23-56 U/L: JCCLS women to US labs): 55 meets every end,
    # 61 meets 2.5 x 56 but not 2.5 x 23, so it stays open
    assumed = patient(observations=[obs("ALT", 55, "U/L")])
    met, _, reason = check("ALT ≤ 2.5 × ULN", assumed)
    assert met is True and "assumed ULN" in reason
    met, _, reason = check("ALT ≤ 2.5 × ULN", patient(observations=[obs("ALT", 61, "U/L")]))
    assert met is None and "assumed ULN" in reason


def test_conditional_threshold_uses_the_condition() -> None:
    alt = obs("ALT", 200, "U/L", reference_range={"high": 50})
    text = "ALT ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver metastases)"
    with_mets = patient(
        observations=[alt], conditions=[{"name": "liver metastases", "status": "active"}]
    )
    without = patient(
        observations=[alt], conditions=[{"name": "liver metastases", "status": "absent"}]
    )
    unknown = patient(observations=[alt])
    assert check(text, with_mets)[0] is True
    assert check(text, without)[0] is False
    assert check(text, unknown)[0] is None


def test_missing_and_stale_data_are_unknown() -> None:
    assert check("ANC ≥ 1500/mm3", patient())[1] == "unknown"
    old = patient(
        observations=[{"name": "ANC", "value": 3, "unit": "10^9/L", "date": "2026-01-01"}]
    )
    met, outcome, reason = check("ANC ≥ 1500/mm3", old)
    assert outcome == "unknown" and "days old" in reason


def test_fhir_style_comparator_leaves_answer_open_or_decides() -> None:
    below = patient(observations=[obs("total bilirubin", 0.5, "mg/dL", comparator="<")])
    assert check("Total bilirubin ≤ 1.5 mg/dL", below)[0] is True
    assert check("Total bilirubin ≤ 0.3 mg/dL", below)[0] is None


def test_exclusion_outcomes() -> None:
    known = patient(conditions=[{"name": "brain metastases", "status": "active"}])
    absent = patient(conditions=[{"name": "brain metastases", "status": "absent"}])
    assert check("Patients with known brain metastases", known, "exclusion")[1] == "fail"
    assert check("Patients with known brain metastases", absent, "exclusion")[1] == "pass"
    assert check("Patients with known brain metastases", patient(), "exclusion")[1] == "unknown"


def test_nci_style_negation_is_inclusion() -> None:
    hiv = patient(conditions=[{"name": "HIV infection", "status": "active"}])
    no_hiv = patient(conditions=[{"name": "HIV infection", "status": "absent"}])
    assert check("No known HIV infection", hiv)[1] == "fail"
    assert check("No known HIV infection", no_hiv)[1] == "pass"


def test_time_windows() -> None:
    surgery = {
        "name": "liver resection",
        "category": "surgery",
        "major": True,
        "date": "2026-10-15",
    }
    record = patient(treatments=[surgery])
    assert check("Major surgery within 4 weeks of start of study", record, "exclusion")[1] == "fail"
    record = patient(as_of="2026-12-31", treatments=[surgery])
    assert check("Major surgery within 4 weeks of start of study", record, "exclusion")[1] == "pass"


def test_time_since_radiotherapy() -> None:
    rt = {
        "name": "radiotherapy",
        "category": "radiotherapy",
        "start": "2026-10-01",
        "end": "2026-10-25",
    }
    assert check("At least 2 weeks since prior radiotherapy", patient(treatments=[rt]))[1] == "fail"
    rt_old = {**rt, "end": "2026-08-20"}
    assert (
        check("At least 2 weeks since prior radiotherapy", patient(treatments=[rt_old]))[1]
        == "pass"
    )


def test_unverifiable_qualifier_is_unknown_when_present() -> None:
    htn = patient(conditions=[{"name": "hypertension", "status": "active"}])
    assert check("Uncontrolled hypertension", htn, "exclusion")[1] == "unknown"
    no_htn = patient(conditions=[{"name": "hypertension", "status": "absent"}])
    assert check("Uncontrolled hypertension", no_htn, "exclusion")[1] == "pass"


def test_karnofsky_from_ecog_only_when_decisive() -> None:
    ecog1 = patient(observations=[{"name": "ECOG", "value": 1, "date": "2026-10-20"}])
    assert check("Karnofsky ≥ 70", ecog1)[0] is True
    assert check("Karnofsky ≥ 80", ecog1)[0] is None
    assert check("Karnofsky ≥ 90", ecog1)[0] is False


def test_undated_score_decides_nothing() -> None:
    undated = patient(observations=[{"name": "ECOG", "value": 1}])
    met, outcome, reason = check("ECOG 0-2", undated)
    assert met is None and outcome == "unknown" and "no date" in reason


def test_partial_bullet_never_passes_alone() -> None:
    rt = {"name": "radiotherapy", "category": "radiotherapy", "end": "2026-01-01"}
    text = "More than 2 weeks since prior radiotherapy, except if to a non-target lesion only"
    met, outcome, reason = check(text, patient(treatments=[rt]))
    assert outcome == "unknown" and "partly understood" in reason


def test_defective_criterion_is_unknown() -> None:
    record = patient(observations=[obs("platelets", 250, "10^9/L")])
    assert check("Platelet count 100,000/ml", record)[1] == "unknown"


def test_unparsed_is_unknown_with_manual_review() -> None:
    compiled = compile_criterion("Able to swallow tablets")
    result = evaluate_node(compiled.predicate, build_facts(read_patient(patient())))
    assert result.met is None and result.needs == ["manual review"]


def test_shorter_than_counts_every_course_together() -> None:
    """ "Less than N" of a treatment: one course too long fails; several short courses that
    together reach N may be one exposure (unknown); one or more that stay short pass."""
    import datetime as dt

    from trialscreen.evaluate import lasted
    from trialscreen.facts import ConceptFact

    def course(start: str, end: str) -> ConceptFact:
        return ConceptFact(
            concept="prednisone",
            status="completed",
            first=dt.date.fromisoformat(start),
            last=dt.date.fromisoformat(end),
            ongoing=False,
            grade=None,
            source="t",
            label="p",
        )

    today = dt.date(2026, 11, 1)
    short, other, long_ = (
        course("2026-01-01", "2026-01-07"),
        course("2026-03-01", "2026-03-07"),
        course("2026-05-01", "2026-06-01"),
    )
    assert lasted([short], today, "<", 10, False)[0] is True
    assert lasted([short, other], today, "<", 10, False)[0] is None  # 12 days together
    assert lasted([short, other], today, "<", 20, False)[0] is True
    assert lasted([short, long_], today, "<", 10, False)[0] is False
    assert lasted([short, long_], today, ">=", 10, False)[0] is True
    assert lasted([short], today, ">=", 10, True)[0] is False  # not going on now
