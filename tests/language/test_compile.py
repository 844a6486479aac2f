"""What must compile (issue: the criteria language), one assertion per spelling."""

from __future__ import annotations

import pytest

from trialscreen.language.compiler import compile_criterion
from trialscreen.model.predicate import (
    AgeCompare,
    AllOf,
    AnyOf,
    Conditional,
    HasConcept,
    LabCompare,
    LifeExpectancy,
    NormalMultiple,
    Not,
    Quantity,
    ScoreCompare,
    SexIs,
    TimeSince,
    Unparsed,
    walk,
)


def lab(text: str) -> LabCompare:
    node = compile_criterion(text).predicate
    assert isinstance(node, LabCompare), (text, node)
    return node


@pytest.mark.parametrize(
    ("spelling", "op"),
    [
        ("≥", ">="),
        (">=", ">="),
        ("=>", ">="),
        ("≧", ">="),
        ("⩾", ">="),
        (">", ">"),
        ("greater than or equal to", ">="),
        ("greater than", ">"),
        ("at least", ">="),
        ("more than", ">"),
        ("no less than", ">="),
        ("minimum of", ">="),
        ("≤", "<="),
        ("<=", "<="),
        ("=<", "<="),
        ("<", "<"),
        ("less than", "<"),
        ("no more than", "<="),
        ("up to", "<="),
        ("not exceeding", "<="),
        ("maximum", "<="),
        ("below", "<"),
        ("above", ">"),
    ],
)
def test_comparator_spellings(spelling: str, op: str) -> None:
    assert lab(f"Hemoglobin {spelling} 9 g/dL").op == op


@pytest.mark.parametrize(
    ("text", "per_ul"),
    [
        ("ANC ≥ 1,500/mm³", 1500),
        ("ANC >= 1,500/mm^3", 1500),
        ("ANC >= 1500/mm3", 1500),
        ("ANC >= 1.5 x 10^9/L", 1500),
        ("ANC >= 1.5 × 10⁹/L", 1500),
        ("ANC >= 1.5x10(9)/L", 1500),
        ("ANC >= 1.5 10e9/L", 1500),
        ("ANC >= 1500 cells/µL", 1500),
        ("ANC >= 1.5 K/uL", 1500),
        ("Platelets >= 100 x 10³/µL", 100000),
        ("Platelets >= 100,000/mm3", 100000),
        ("ANC >= .5 x 10^9/L", 500),
    ],
)
def test_number_and_unit_spellings(text: str, per_ul: float) -> None:
    threshold = lab(text).threshold
    assert isinstance(threshold, Quantity)
    assert threshold.canonical == pytest.approx(per_ul, rel=1e-12)
    assert threshold.canonical_unit == "/uL"


def test_molar_threshold_converted_at_compile_time() -> None:
    threshold = lab("Creatinine <= 133 umol/L").threshold
    assert isinstance(threshold, Quantity)
    assert threshold.canonical == pytest.approx(133 / 88.42, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "factor", "limit", "op"),
    [
        ("Total bilirubin ≤ 2.5 × ULN", 2.5, "ULN", "<="),
        ("Total bilirubin < 1.5 times the upper limit of normal", 1.5, "ULN", "<"),
        ("AST ≤ 3 x institutional ULN", 3, "ULN", "<="),
        ("Albumin ≥ LLN", 1, "LLN", ">="),
        ("Creatinine ≤ ULN", 1, "ULN", "<="),
    ],
)
def test_normal_multiples(text: str, factor: float, limit: str, op: str) -> None:
    node = lab(text)
    assert node.threshold == NormalMultiple(factor=factor, limit=limit)  # type: ignore[arg-type]
    assert node.op == op


def test_within_normal_limits_is_between_lln_and_uln() -> None:
    node = compile_criterion("PTT within normal limits").predicate
    assert isinstance(node, AllOf)
    assert [(n.op, n.threshold) for n in node.items] == [  # type: ignore[union-attr]
        (">=", NormalMultiple(factor=1, limit="LLN")),
        ("<=", NormalMultiple(factor=1, limit="ULN")),
    ]


@pytest.mark.parametrize(
    ("text", "analytes"),
    [
        ("ALT and AST ≤ 2.5 × ULN", ["alt", "ast"]),
        ("Amylase and lipase < 1.5 X ULN", ["amylase", "lipase"]),
        ("PT-INR/PTT < 1.5 x ULN", ["inr", "ptt"]),
        ("AST/ALT ≤ 3 x ULN", ["ast", "alt"]),
    ],
)
def test_shared_subjects(text: str, analytes: list[str]) -> None:
    node = compile_criterion(text).predicate
    assert isinstance(node, AllOf)
    assert [item.analyte for item in node.items] == analytes  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("ALT ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver involvement)", "liver_involvement"),
        ("ALT ≤ 2.5 × ULN (≤ 5 × ULN for patients with liver metastases)", "liver_metastases"),
        ("ALT ≤ 2.5 × ULN or ≤ 5 × ULN if liver metastases", "liver_metastases"),
    ],
)
def test_conditional_thresholds(text: str, condition: str) -> None:
    node = compile_criterion(text).predicate
    assert isinstance(node, Conditional), node
    assert node.condition == condition
    assert node.then.threshold == NormalMultiple(factor=5)  # type: ignore[union-attr]
    assert node.otherwise.threshold == NormalMultiple(factor=2.5)  # type: ignore[union-attr]


def test_gilbert_condition() -> None:
    node = compile_criterion(
        "Bilirubin ≤ 1.5 x ULN (< 3 x ULN if Gilbert's disease is present)"
    ).predicate
    assert isinstance(node, Conditional)
    assert node.condition == "gilberts_syndrome"


def test_alternatives() -> None:
    node = compile_criterion("creatinine ≤ 1.5 mg/dL or creatinine clearance ≥ 60 mL/min").predicate
    assert isinstance(node, AnyOf)
    assert [i.analyte for i in node.items] == ["creatinine", "creatinine_clearance"]  # type: ignore[union-attr]
    node = compile_criterion("ECOG 0-1 or Karnofsky ≥ 70").predicate
    assert isinstance(node, AnyOf)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ECOG ≤2", [("<=", 2)]),
        ("ECOG performance status 0-1", [("<=", 1)]),
        ("ECOG 0 to 2", [("<=", 2)]),
        ("Zubrod performance status 0-1", [("<=", 1)]),
        ("WHO performance status ≤ 1", [("<=", 1)]),
        ("Karnofsky ≥ 70%", [(">=", 70)]),
    ],
)
def test_scales(text: str, expected: list[tuple[str, float]]) -> None:
    node = compile_criterion(text).predicate
    items = node.items if isinstance(node, AllOf) else (node,)
    assert [(i.op, i.value) for i in items] == expected  # type: ignore[union-attr]


def test_score_sets() -> None:
    node = compile_criterion("ECOG performance status of 0, 1, or 2").predicate
    assert isinstance(node, ScoreCompare) and (node.op, node.value) == ("<=", 2)  # 0-2 is <= 2
    node = compile_criterion("ECOG 1-2").predicate
    assert isinstance(node, AllOf) and [(i.op, i.value) for i in node.items] == [
        (">=", 1),
        ("<=", 2),
    ]  # type: ignore[union-attr]
    node = compile_criterion("ECOG Performance Status of 0 or 2").predicate
    assert isinstance(node, AnyOf)


def test_nyha() -> None:
    node = compile_criterion("congestive heart failure > NYHA class 2", "exclusion").predicate
    leaves = node.items if isinstance(node, (AnyOf, AllOf)) else (node,)
    scores = [leaf for leaf in leaves if isinstance(leaf, ScoreCompare)]
    assert scores and scores[0].scale == "nyha" and scores[0].op == ">" and scores[0].value == 2
    node = compile_criterion(
        "New York Heart Association class III-IV congestive heart failure"
    ).predicate
    found = [
        leaf
        for leaf in (node.items if isinstance(node, AllOf) else (node,))
        if isinstance(leaf, (AllOf, ScoreCompare))
    ]
    assert found


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("age at screening ≥ 18 years", [(">=", 18)]),
        ("all adults over the age of 18", [(">", 18)]),
        ("younger than 75 years", [("<", 75)]),
        ("older than 65 years of age", [(">", 65)]),
        ("patients ages 18 years to 65 years", [(">=", 18), ("<=", 65)]),
        ("aged 2 to < 18 years", [(">=", 2), ("<", 18)]),
        ("aged ≥ 18 and ≤ 65 years", [(">=", 18), ("<=", 65)]),
        ("maximum age 65 years", [("<=", 65)]),
        ("between the age of 18 and 65", [(">=", 18), ("<=", 65)]),
        ("18 years and older", [(">=", 18)]),
        ("> 6 months of age", [(">", 0.5)]),
        # a person and a number of years that ends the phrase
        ("Patients <18 years,", [("<", 18)]),
        ("Patients must be ≥18 years.", [(">=", 18)]),
        ("Patient over 18 years...", [(">", 18)]),
    ],
)
def test_more_age_phrasings(text: str, bounds: list[tuple[str, float]]) -> None:
    node = compile_criterion(text).predicate
    items = node.items if isinstance(node, AllOf) else (node,)
    assert all(isinstance(i, AgeCompare) for i in items), node
    assert [(i.op, round(i.years, 6)) for i in items] == bounds  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("Age ≥ 18 years", [(">=", 18)]),
        ("18 to 75 years old", [(">=", 18), ("<=", 75)]),
        ("Age between 18 and 75 years", [(">=", 18), ("<=", 75)]),
        ("aged 18 years or older", [(">=", 18)]),
    ],
)
def test_age(text: str, bounds: list[tuple[str, float]]) -> None:
    node = compile_criterion(text).predicate
    items = node.items if isinstance(node, AllOf) else (node,)
    assert all(isinstance(i, AgeCompare) for i in items)
    assert [(i.op, i.years) for i in items] == bounds  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["Patients > 5 years from diagnosis", "Subjects < 2 years since transplant"]
)
def test_a_person_and_years_since_something_is_no_age(text: str) -> None:
    assert not any(isinstance(leaf, AgeCompare) for leaf in walk(compile_criterion(text).predicate))


def test_sex_only_when_the_bullet_is_about_sex() -> None:
    assert compile_criterion("Female").predicate == SexIs(sex="female", span=(0, 6))
    node = compile_criterion(
        "Pregnant women and women who are breastfeeding", "exclusion"
    ).predicate
    assert "sex_is" not in node.model_dump_json()


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Life expectancy > 3 months", 3),
        ("Life expectancy of at least 12 weeks", 12 * 7 / (365.25 / 12)),
        ("Life expectancy of greater than 3 months", 3),
    ],
)
def test_life_expectancy(text: str, months: float) -> None:
    node = compile_criterion(text).predicate
    assert isinstance(node, LifeExpectancy)
    assert node.months == pytest.approx(months)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Myocardial infarction within the past 6 months", 182.625),
        ("Major surgery within 4 weeks of start of study", 28),
        ("major surgery within the last 4 weeks", 28),
    ],
)
def test_windows(text: str, days: float) -> None:
    node = compile_criterion(text, "exclusion").predicate
    assert isinstance(node, HasConcept), node
    assert node.within_days == pytest.approx(days)


def test_time_since() -> None:
    node = compile_criterion("At least 2 weeks since prior radiotherapy").predicate
    assert node == TimeSince(concept="radiotherapy", op=">=", days=14, span=node.span)
    node = compile_criterion("More than 2 weeks since prior radiotherapy").predicate
    assert isinstance(node, TimeSince) and node.op == ">"


def test_negated_concepts() -> None:
    node = compile_criterion("No known HIV infection").predicate
    assert isinstance(node, Not)
    assert isinstance(node.item, HasConcept) and node.item.concept == "hiv_infection"
    node = compile_criterion("No concurrent rifampin").predicate
    assert isinstance(node, Not) and node.item.timing == "current"  # type: ignore[union-attr]


def test_blood_pressure_pair() -> None:
    node = compile_criterion(
        "uncontrolled hypertension (>= 160 mmHg systolic and/or 90 mmHg diastolic)", "exclusion"
    ).predicate
    text = node.model_dump_json()
    assert "systolic_bp" in text and "diastolic_bp" in text


def test_not_computable_is_unparsed_with_reason() -> None:
    compiled = compile_criterion("Able to swallow tablets")
    assert compiled.status == "unparsed"
    assert isinstance(compiled.predicate, Unparsed) and compiled.predicate.reason


def test_partial_lists_uncovered_text() -> None:
    compiled = compile_criterion(
        "More than 2 weeks since prior radiotherapy, except if to a non-target lesion only"
    )
    assert compiled.status == "partial"
    assert any("non-target" in piece for piece in compiled.uncovered_text())


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Platelet count 100,000/ml", "missing_comparator"),
        ("Alkaline phosphatase 4 x ULN", "missing_comparator"),
        ("Platelets >= 100 mg/dL", "unit_mismatch"),
        ("Hemoglobin >= 900 g/dL", "implausible_value"),
    ],
)
def test_defects_are_flagged(text: str, flag: str) -> None:
    assert flag in compile_criterion(text).flags


def test_missing_comparator_inferred_only_for_multiples_of_uln() -> None:
    assert "comparator_inferred:<=" in compile_criterion("Alkaline phosphatase 4 x ULN").flags
    assert not any(
        f.startswith("comparator_inferred")
        for f in compile_criterion("Platelet count 100,000/ml").flags
    )


def test_spans_point_at_the_source() -> None:
    compiled = compile_criterion("Adequate function: ANC ≥ 1,500/mm³ and hemoglobin > 9 g/dL")
    node = compiled.predicate
    assert isinstance(node, AllOf)
    first, second = node.items
    assert compiled.text[first.span[0] : first.span[1]] == "ANC ≥ 1,500/mm³"
    assert compiled.text[second.span[0] : second.span[1]] == "hemoglobin > 9 g/dL"


@pytest.mark.parametrize(
    "text",
    [
        "Hypercalcemia (greater than 2.5 mmol/L).",
        "Untreated thoracic or abdominal aneurysm (6 cm or more)",
        "No recent history of clinically significant anemia (less than or equal to 8.0 g/dL).",
        "Patients with leukopenia (less than 2,000 /mm3), neutropenia (less than 1,000 /mm3), or lymphopenia",
        "neutropenia ( < 2 / mm3 )",
        "hypercalcemia : serum calcium > 2 mmol / l ( > 2 mg / dl ) or > 2 mmol / l ( > 2 mg / dl )",
    ],
)
def test_concept_followed_by_a_bracketed_bound_compiles(text: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert compiled.status in ("compiled", "partial", "unparsed")
    assert not compiled.canonical.endswith("and ") and " and  " not in compiled.canonical


@pytest.mark.parametrize(
    ("text", "analyte", "op"),
    [
        (">= 5,000 HIV-1 RNA copies/ml", "viral_load", ">="),
        ("Greater than 15% peripheral blood blasts", "blood_blasts", ">"),
        ("At least 30% blasts in bone marrow", "marrow_blasts", ">="),
        ("Thrombocytopenia (< 75000 platelets/mm3).", "platelets", "<"),
        ("Other: At least 15 kg body weight", "weight", ">="),
    ],
)
def test_value_before_the_test(text: str, analyte: str, op: str) -> None:
    leaves = [
        n for n in walk(compile_criterion(text, "exclusion").predicate) if isinstance(n, LabCompare)
    ]
    assert [(n.analyte, n.op) for n in leaves] == [(analyte, op)], text


def test_a_number_before_a_count_counts_tests() -> None:
    compiled = compile_criterion("have had at least 2 CD4 cell counts", "inclusion")
    labs = [n for n in walk(compiled.predicate) if isinstance(n, LabCompare)]
    assert labs and all("tests_counted" in n.flags for n in labs)
    assert compiled.status != "compiled"


def test_blood_pressure_pair_and_glued_comparators() -> None:
    pair = compile_criterion(">= 160 mmHg systolic and/or 90 mmHg diastolic", "exclusion")
    assert isinstance(pair.predicate, AnyOf) and pair.status == "compiled"
    assert [
        (n.analyte, n.threshold.value) for n in pair.predicate.items if isinstance(n, LabCompare)
    ] == [
        ("systolic_bp", 160.0),
        ("diastolic_bp", 90.0),
    ]
    glued = compile_criterion("diastolic blood pressure greater than100 mm Hg", "exclusion")
    assert isinstance(glued.predicate, LabCompare) and glued.predicate.threshold.value == 100.0


def test_temperatures_in_either_scale() -> None:
    node = lab("temperature > 100.4 degrees F")
    assert node.analyte == "temperature" and abs(node.threshold.canonical - 38.0) < 1e-9


@pytest.mark.parametrize(
    "text",
    [
        "at least 3 PSA values",
        "at least 2 CD4 results",
        "more than 2 potassium results",
        "> 2 bilirubin",
        "> 5 kg weight loss",
        "> 10% LVEF decline",
        "Grade > 1 creatinine",
    ],
)
def test_a_number_before_a_test_that_is_not_its_value(text: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    labs = [n for n in walk(compiled.predicate) if isinstance(n, LabCompare)]
    assert compiled.status != "compiled"
    assert all({"tests_counted", "value_of_something_else"} & set(n.flags) for n in labs), text
