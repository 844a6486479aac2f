"""A narrower term is its own concept under the broader one, never a synonym of it (review 13:
"abdominal fistula" read as any fistula excluded a tracheoesophageal one; "gastric ulcer" as
peptic ulcer excluded a duodenal one). Invented wordings, judged like meaning-suite cases: the
engine may say unknown where a decision was possible, never the wrong decision."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "meaning"))

from suite import Case, outcome, variant_cases, verdict  # noqa: E402

from trialscreen.lexicon import concepts  # noqa: E402

VARIANTS = variant_cases(Path(__file__).parent / "data" / "review13_variants.json")


@pytest.mark.parametrize("case", VARIANTS, ids=[c.id for c in VARIANTS])
def test_no_wrong_decision_on_a_variant(case: Case) -> None:
    got, reason = outcome(case)
    assert verdict(case.expected, got) != "wrong", f"{case.text!r}: {got} ({reason})"


@pytest.mark.parametrize(
    ("narrow", "broad"),
    [
        ("abdominal fistula", "fistula"),
        ("tracheoesophageal fistula", "fistula"),
        ("gastric ulcer", "peptic_ulcer_disease"),
        ("pulmonary tuberculosis", "tuberculosis"),
        ("brain stem tumor", "brain_tumor"),
        ("multikinase inhibitor", "tyrosine_kinase_inhibitor"),
        ("sickle cell anemia", "sickle_cell_disease"),
        # review 15 (an audit of every concept's synonyms)
        ("therapeutic anticoagulation", "anticoagulation"),
        ("tace", "local_liver_therapy"),
        ("radioembolization", "local_liver_therapy"),
        ("cryoablation", "tumor_ablation"),
        ("drug abuse", "substance_abuse"),
        ("percutaneous coronary intervention", "coronary_revascularization"),
        ("radical prostatectomy", "prostatectomy"),
        ("interferon alfa", "interferon"),
        ("intracerebral hemorrhage", "intracranial_hemorrhage"),
    ],
)
def test_a_narrower_term_is_a_kind_of_the_broader_concept(narrow: str, broad: str) -> None:
    found: Any = concepts.lookup(narrow)
    assert found is not None and found.id != broad
    assert broad in concepts.ancestors(found.id)


@pytest.mark.parametrize(
    ("sibling", "narrow"),
    [
        ("radioembolization", "tace"),  # a Y-90 patient had no chemoembolization
        ("cryoablation", "radiofrequency ablation"),
        ("alcohol abuse", "drug abuse"),
        ("cabg", "percutaneous coronary intervention"),
    ],
)
def test_a_sibling_is_not_the_narrow_term(sibling: str, narrow: str) -> None:
    had: Any = concepts.lookup(sibling)
    asked: Any = concepts.lookup(narrow)
    assert had is not None and asked is not None
    assert asked.id not in concepts.ancestors(had.id)
