"""Measurements no lexicon holds: read as typed comparisons that never decide
(language/measures.py, MeasureCompare), and only where the reading is unmistakable."""

from __future__ import annotations

from typing import Any

import pytest
from tests.language.test_results import decide

from trialscreen.facts import build_facts
from trialscreen.fastpath import screen_plan, trial_plan
from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import MeasureCompare, leaves
from trialscreen.model.trial import Criterion, Trial
from trialscreen.records import load_patient

LOW_ANC = {"observations": [{"name": "ANC", "value": 1.0, "unit": "10^9/L", "date": "2026-10-20"}]}
GOOD_ANC = {"observations": [{"name": "ANC", "value": 2.0, "unit": "10^9/L", "date": "2026-10-20"}]}


@pytest.mark.parametrize(
    ("text", "measure", "canonical"),
    [
        ("VAS < 40 mm", "VAS", "VAS < 40 mm"),
        ("IPSS>=8", "IPSS", "IPSS >= 8"),
        ("plasma aldosterone ≥ 15 ng/dL", "plasma aldosterone", "plasma aldosterone >= 15 ng/dL"),
        (
            "visual analogue scale (VAS) ≥ 4 cm",
            "visual analogue scale (VAS)",
            "visual analogue scale (VAS) >= 4 cm",
        ),
        ("Patients must have a pain score ≥ 4", "pain score", "pain score >= 4"),
        ("MADRS total score ≥ 22", "MADRS total score", "MADRS total score >= 22"),
    ],
)
def test_a_measure_is_read_with_its_name_and_bound(text: str, measure: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled" and compiled.canonical == canonical
    (leaf,) = leaves(compiled.predicate)
    assert isinstance(leaf, MeasureCompare) and leaf.measure == measure


@pytest.mark.parametrize(
    "text",
    [
        "Symptoms less than 6 weeks",  # a duration
        "Hospitalized > 2 times",  # a count
        "A score of greater than 4 on the Modified Hachinski Ischemic Scale.",  # no name
        "No other cancer with VAS > 4",  # after a concept: not a name of its own
        "cd4 count nadir ≥ 200 cells/mm3",  # a known test's nadir is not its value
        "Liver function tests or serum creatinine kinase (CK) greater than 3 times ULN",
        "T-score < -2.5",  # a negative number is not read
        "ISI ≥ 11 points",  # a word after the number
        "only subjects whose pain score > 4",  # a cue word before it
        # a bracket after a condition defines it: not a measure beside it (review 11)
        "Patients must not have hepatic dysfunction (liver function tests greater than 2 "
        "times the upper limit of normal).",
        "Children <18",  # a person: an age
        "Tumor must be >= 5 mm",  # "must be" is no part of a name
        "Antinuclear antibody titer > 1:160",  # a titre, not 1
        "cardiac scan shows at least 50% ejection fraction",  # what is measured follows
        "PSA doubling time < 10",  # a change, not a level
        "weight loss of > 10%",
        "with microscopic evidence Tumors ≥ 5 mm",  # two sentences run together
    ],
)
def test_no_measure_where_the_reading_is_not_unmistakable(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert not any(leaf.kind == "measure_compare" for leaf in leaves(compiled.predicate))


@pytest.mark.parametrize("kind", ["inclusion", "exclusion"])
def test_a_measure_alone_never_decides(kind: str) -> None:
    assert decide("VAS < 40 mm", kind, sex="female", **GOOD_ANC) == "unknown"


def test_the_known_part_decides_where_it_settles_the_whole() -> None:
    text = "ANC ≥ 1500/mm3 and VAS < 4"
    assert decide(text, "inclusion", **LOW_ANC) == "fail"  # fails whatever the VAS
    assert decide(text, "inclusion", **GOOD_ANC) == "unknown"  # the VAS decides
    assert decide("ANC < 1500/mm3 or VAS > 4", "exclusion", **LOW_ANC) == "fail"


def test_the_reason_and_needs_name_the_measure_on_both_paths() -> None:
    text = "ANC ≥ 1500/mm3 and IPSS >= 8"
    record: dict[str, Any] = {"id": "p", "as_of": "2026-11-01", **GOOD_ANC}
    facts = build_facts(load_patient(record))
    trial = Trial(
        id="t",
        format="ctgov_xml",
        bullets=[Criterion(index=0, kind="inclusion", text=text, span=(0, len(text)))],
    )
    from trialscreen.screening import screen_trial

    slow = screen_trial(trial, facts)
    fast = screen_plan(trial_plan(trial), facts, None)
    (row,) = [c for c in slow.criteria if c.kind == "inclusion" and c.section != "structured"]
    assert row.outcome == "unknown" and "IPSS" in row.needs
    assert "'IPSS' is a measurement the vocabulary does not hold" in row.reason
    assert fast.verdict == slow.verdict == "undetermined"
    assert "IPSS" in fast.needs


def test_a_definition_bracket_keeps_the_bullet_from_deciding() -> None:
    """Review 11 (m11-021): the bracket says what hepatic dysfunction is; fatty liver with
    normal tests must not fail on the bare concept."""
    text = (
        "Patients must not have hepatic dysfunction (liver function tests greater than 2 times "
        "the upper limit of normal)."
    )
    record: dict[str, Any] = {
        "conditions": [{"name": "fatty liver disease", "status": "active"}],
        "observations": [
            {
                "name": "ALT",
                "value": 25,
                "unit": "U/L",
                "date": "2026-10-20",
                "reference_range": {"low": 7, "high": 40},
            },
        ],
    }
    assert decide(text, "inclusion", **record) == "unknown"


def test_an_of_between_the_name_and_its_bound_is_read() -> None:
    compiled = compile_criterion("Roland-Morris Disability Questionnaire score of at least 9")
    assert (compiled.status, compiled.canonical) == (
        "compiled",
        "Roland-Morris Disability Questionnaire score >= 9",
    )
