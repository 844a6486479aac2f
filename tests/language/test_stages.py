"""Cancer stages: the set a criterion allows, a record's stage, and the test between them."""

from __future__ import annotations

from typing import Any

import pytest

from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.language.stages import stage_met, stage_set
from trialscreen.records import check_record, read_patient
from trialscreen.screening import judge


@pytest.mark.parametrize(
    ("written", "allowed"),
    [
        ("stage III or IV", ("III", "IV")),
        ("stage IIIB/IV", ("IIIB", "IV")),
        ("Stage I-IIIA", ("I", "II", "IIIA")),
        ("FIGO stage IIIC-IV", ("IIIC", "IIID", "IV")),  # IIID: melanoma's 8th edition
        ("stage 4", ("IV",)),
        ("Ann Arbor stage II-IV", ("II", "III", "IV")),
        ("stage IIIA-IIIC", ("IIIA", "IIIB", "IIIC")),
        ("stage II, III or IV", ("II", "III", "IV")),
        ("stage IV-II", ()),  # backwards: not read
    ],
)
def test_the_set_a_criterion_writes(written: str, allowed: tuple[str, ...]) -> None:
    assert stage_set(written) == allowed


@pytest.mark.parametrize(
    ("allowed", "stage", "met"),
    [
        (("III", "IV"), "IIIB", True),
        (("III", "IV"), "II", False),
        (("IIIB", "IV"), "IIIA", False),
        (("IIIB", "IV"), "III", None),  # IIIA or IIIB?
        (("IIIB", "IV"), "IIIC", None),  # IIIC was carved out of IIIB
        (("I", "II", "IIIA"), "IIIB", False),
        (("IV",), "4", True),
        (("IV",), "IVA", True),
        (("IVA",), "IV", None),
        (("IV",), None, None),
    ],
)
def test_a_records_stage_against_the_set(
    allowed: tuple[str, ...], stage: str | None, met: bool | None
) -> None:
    assert stage_met(allowed, stage) is met


def _decide(text: str, kind: str, conditions: list[dict[str, Any]]) -> bool | None:
    patient = read_patient({"id": "s", "as_of": "2026-11-01", "conditions": conditions})
    return judge(compile_criterion(text, kind), build_facts(patient))[0].met


NSCLC = "Histologically confirmed stage III or IV non-small cell lung cancer"


def test_criteria_decide_on_the_recorded_stage() -> None:
    assert _decide(NSCLC, "inclusion", [{"name": "NSCLC", "stage": "IIIB"}]) is True
    assert _decide(NSCLC, "inclusion", [{"name": "NSCLC", "stage": "IB"}]) is False
    assert _decide(NSCLC, "inclusion", [{"name": "NSCLC"}]) is None  # no stage recorded
    # a kind of the disease carries its stage: adenocarcinoma of the lung is an NSCLC
    kind = [{"name": "lung adenocarcinoma", "stage": "IV"}]
    assert _decide(NSCLC, "inclusion", kind) is True
    assert _decide("Stage IIIB/IV NSCLC", "inclusion", [{"name": "NSCLC", "stage": "III"}]) is None
    # an exclusion: the stage excludes only that stage
    assert (
        _decide(
            "Stage IV ovarian cancer", "exclusion", [{"name": "ovarian cancer", "stage": "IIIC"}]
        )
        is False
    )


def test_other_staging_systems_and_lexicon_phrases_are_not_this_set() -> None:
    for text in ("Rai stage III CLL", "ISS stage III multiple myeloma", "Tanner stage 2 breasts"):
        compiled = compile_criterion(text)
        assert all(getattr(leaf, "stages", ()) == () for leaf in _leaves(compiled)), text
    # "stage IV disease" is the lexicon's stage IV disease (metastatic disease is a kind of it)
    assert compile_criterion("Stage IV disease").canonical == "stage iv disease"


def _leaves(compiled: Any) -> list[Any]:
    from trialscreen.model.predicate import leaves

    return list(leaves(compiled.predicate))


def test_a_record_stage_not_read_is_a_warning() -> None:
    check = check_record({"id": "s", "conditions": [{"name": "NSCLC", "stage": "IIIX"}]})
    assert check.errors == [] and check.warnings[0].startswith("conditions[0].stage: ")


# ---- review findings ----------------------------------------------------------------------


def test_sub_stages_below_a_letter_are_not_read_in_criteria() -> None:
    for text in ("FIGO stage IB2 cervical cancer", "FIGO stage IB2-IIB cervical cancer"):
        compiled = compile_criterion(text)
        assert compiled.status != "compiled" and "stage_unread" in compiled.flags, text
    # a record's sub-stage is a kind of its letter
    assert stage_met(("IB",), "IB2") is True
    assert stage_met(("III", "IV"), "IIID") is True


def test_real_stage_values_warn_instead_of_refusing_the_record() -> None:
    for stage in ("IB3", "IIID"):
        check = check_record({"id": "s", "conditions": [{"name": "melanoma", "stage": stage}]})
        assert check.errors == [] and check.warnings == [], stage
    check = check_record({"id": "s", "conditions": [{"name": "bladder cancer", "stage": "Tis"}]})
    assert check.errors == [] and check.warnings[0].startswith("conditions[0].stage: 'Tis'")


def test_a_stage_below_iv_beside_metastases_on_record_is_not_known() -> None:
    record = [{"name": "NSCLC", "stage": "IIIA"}, {"name": "brain metastases"}]
    assert _decide("Stage IV NSCLC", "inclusion", record) is None
    assert _decide("Stage III NSCLC", "inclusion", record) is None


def test_the_stage_of_a_cancer_that_has_ended_is_not_its_stage_now() -> None:
    record = [{"name": "NSCLC", "stage": "IIIA", "status": "resolved"}]
    assert _decide("Stage IIIA NSCLC", "inclusion", record) is None
