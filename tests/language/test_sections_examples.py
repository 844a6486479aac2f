"""Examples after a concept ("(e.g., A, B)", "such as A"), headings that only restate the
section's kind, and "Excluded within N days of study entry:" sections over plain bullets."""

from __future__ import annotations

import pytest
from test_meaning_rules import read_list
from test_results import decide

from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.records import load_patient
from trialscreen.screening import judge


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        (
            "No clinically significant autoimmune disease (e.g. rheumatoid arthritis)",
            "inclusion",
            "no (clinically significant autoimmune disease or else clinically significant "
            "rheumatoid arthritis)",
        ),
        (
            "Prior treatment with CYP3A4 inhibitors (e.g., ketoconazole, itraconazole)",
            "exclusion",
            "history of cyp3a4 inhibitor or else history of ketoconazole or else history of "
            "itraconazole",
        ),
        ("Known HIV infection (including AIDS)", "exclusion", "hiv infection or else aids"),
        (
            "Autoimmune disease (eg, lupus, etc.)",
            "exclusion",
            "autoimmune disease or else lupus erythematosus",
        ),
    ],
)
def test_examples_are_kinds_of_the_concept_before_them(
    text: str, kind: str, canonical: str
) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    "text",
    [
        "Prior chemotherapy including an anthracycline",  # may require it: not examples
        "No allergy to azoles (e.g., ketoconazole, itraconazole, or voriconazole)",  # allergy to
        "Prior chemotherapy (e.g., > 15 mg/day)",  # not concepts
        "Autoimmune disease such as lupus in the past year",  # the list does not end the bullet
        "Autoimmune disease (i.e., lupus)",  # a definition: may narrow
        "Family history of cancer (e.g., breast cancer)",  # the patient's own: not a kind of it
        "Topical corticosteroids such as hydrocortisone",  # filed as a steroid, mostly not topical
        "Terminal illness such as AIDS or cancer.",  # cancer is no kind of terminal illness
        "Prior platinum-based chemotherapy (e.g., carboplatin/paclitaxel)",  # a regimen
    ],
)
def test_examples_not_read(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"


def test_examples_then_more_after_a_negation_not_read() -> None:
    # does "or diabetes" share the negation, or is it one more example?
    text = "No autoimmune disease (e.g. lupus) or diabetes"
    assert compile_criterion(text, "inclusion").status != "compiled"


def test_an_example_counts_as_the_concept_whatever_the_lexicon_says() -> None:
    text = "Prior treatment with CYP3A4 inhibitors (e.g., ketoconazole, itraconazole)"
    took = [{"name": "ketoconazole", "start": "2025-01-01", "end": "2025-02-01"}]
    assert decide(text, "exclusion", treatments=took) == "fail"
    other = [{"name": "metformin", "start": "2025-01-01"}]
    assert decide(text, "exclusion", treatments=other) == "unknown"  # other CYP3A4 inhibitors?
    assert (
        decide(
            "No clinically significant autoimmune disease (e.g. rheumatoid arthritis)",
            "inclusion",
            conditions=[{"name": "rheumatoid arthritis"}],
        )
        == "unknown"
    )


RESTATED = """Inclusion Criteria

Patients may be eligible for this study if they:

  -  Are at least 21 years old.

Exclusion Criteria

Patients with the following prior conditions are excluded:

  -  History of pancreatitis.
"""


def test_a_heading_that_restates_the_section_leaves_its_bullets_as_written() -> None:
    rows = read_list(RESTATED)
    assert [(kind, c.status) for kind, _, c in rows] == [
        ("inclusion", "compiled"),
        ("exclusion", "compiled"),
    ]


GROUPS = """Inclusion Criteria

Men and women may be eligible for this study if they:

  -  Are at least 21 years old.

Women may be eligible for this study if they:

  -  Have a negative pregnancy test.
"""


def test_a_heading_for_one_group_of_several_scopes_its_bullets() -> None:
    rows = read_list(GROUPS)
    assert all(c.status != "compiled" for _, _, c in rows)


WINDOWS = """Exclusion Criteria

Excluded within 4 weeks of study entry:

  -  Rifabutin.
  -  Pregnant
  -  Active alcohol abuse in the past 3 months.
  -  No abstinence.

Excluded within 72 hours prior to study entry:

  -  Systemic corticosteroids.
"""


def test_a_window_section_dates_plain_bullets_only() -> None:
    rows = read_list(WINDOWS)
    read = {text: c for _, text, c in rows}
    assert read["Rifabutin."].status == "compiled"
    assert read["Rifabutin."].canonical == "rifabutin within 4 weeks"
    assert read["Systemic corticosteroids."].canonical == "systemic corticosteroids within 3 days"
    assert read["Active alcohol abuse in the past 3 months."].status != "compiled"  # own time
    assert read["No abstinence."].status != "compiled"  # a negation under "Excluded"
    assert read["Pregnant"].status != "compiled"  # pregnant now, not in the past 4 weeks


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        ({"name": "rifabutin", "start": "2026-09-01", "end": "2026-10-20"}, "fail"),
        ({"name": "rifabutin", "start": "2025-01-01", "end": "2025-03-01"}, "pass"),
        ({"name": "rifabutin", "start": "2024-01-01", "end": "2024-02-01"}, "pass"),
    ],
)
def test_a_window_section_decides_by_the_dates(treatment: dict[str, str], expected: str) -> None:
    rows = read_list(WINDOWS)
    compiled = next(c for _, text, c in rows if text == "Rifabutin.")
    patient = load_patient({"id": "p", "as_of": "2026-11-01", "treatments": [treatment]})
    assert judge(compiled, build_facts(patient))[1] == expected


AFTER_THE_LIST = """Exclusion Criteria

Excluded within 72 hours prior to entry:

  -  Rifabutin.
  -  Clarithromycin.

Alcohol or drug abuse.
"""


def test_a_paragraph_after_a_window_list_is_not_dated() -> None:
    read = {text: c for _, text, c in read_list(AFTER_THE_LIST)}
    assert read["Rifabutin."].status == "compiled"
    assert read["Alcohol or drug abuse."].status != "compiled"


CHILDREN = """Exclusion Criteria

Children must not have:

  -  Asthma.
"""


def test_a_heading_naming_children_is_not_a_restatement() -> None:
    ((_, _, compiled),) = read_list(CHILDREN)
    assert compiled.status != "compiled"
