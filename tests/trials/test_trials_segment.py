"""Segmentation: headings, kinds, sections, nesting, markers, continuation, offsets."""

from __future__ import annotations

import pytest

from trialscreen.model.trial import Criterion, Heading
from trialscreen.trials.segment import segment
from trialscreen.trials.text import source_offsets, span_problems


def run(text: str, style: str | None = None) -> tuple[list[Criterion], list[Heading]]:
    """Segment and check the invariants every segmentation must keep."""
    criteria, headings = segment(text, style=style)
    assert span_problems(text, [c.span for c in criteria] + [h.span for h in headings]) == []
    for number, bullet in enumerate(criteria):
        assert bullet.index == number
        assert bullet.text
        assert bullet.parent is None or bullet.parent < bullet.index
        assert source_offsets(text, bullet.text, bullet.span) is not None
    return criteria, headings


def texts(criteria: list[Criterion]) -> list[str]:
    return [bullet.text for bullet in criteria]


def test_inclusion_and_exclusion_headings_set_kinds() -> None:
    text = (
        "Inclusion Criteria:\n\n* Age 18 or older\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnant"
    )
    criteria, headings = run(text, "markdown")
    assert [(c.kind, c.text) for c in criteria] == [
        ("inclusion", "Age 18 or older"),
        ("inclusion", "ECOG 0-1"),
        ("exclusion", "Pregnant"),
    ]
    assert [(h.text, h.kind) for h in headings] == [
        ("Inclusion Criteria:", "inclusion"),
        ("Exclusion Criteria:", "exclusion"),
    ]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("EXCLUSION CRITERIA:", "exclusion"),
        ("Exclusion criteria", "exclusion"),
        ("Key Exclusion Criteria:", "exclusion"),
        ("**Exclusion Criteria:**", "exclusion"),
        ("### Exclusion criteria", "exclusion"),
        ("2. Exclusion Criteria", "exclusion"),
        ("EXCLUSION:", "exclusion"),
        ("Exclusion criteria for medical history and comorbidities:", "exclusion"),
        ("-  EXCLUSION CRITERIA:", "exclusion"),
        ("Patients with the following are excluded:", "exclusion"),
        ("You will not be eligible for this study if you:", "exclusion"),
        ("Excluded within 30 days of study entry:", "exclusion"),
        ("Patients may not have:", "exclusion"),
        ("Eligibility Criteria:", "inclusion"),
        ("Inclusion criteria include:", "inclusion"),
        ("PROTOCOL ENTRY CRITERIA:", "inclusion"),
    ],
)
def test_heading_variants_switch_kind(heading: str, kind: str) -> None:
    text = (
        f"Exclusion Criteria:\n\n- first\n\nInclusion Criteria:\n\n- second\n\n{heading}\n\n- third"
    )
    criteria, headings = run(text, "markdown")
    assert criteria[-1].kind == kind
    assert headings[-1].kind == kind


def test_heading_with_text_on_the_same_line_splits() -> None:
    criteria, headings = run("Exclusion Criteria: contra-indication to MRI")
    assert headings[0].text == "Exclusion Criteria:"
    assert (criteria[0].kind, criteria[0].text) == ("exclusion", "contra-indication to MRI")


def test_sentences_naming_criteria_are_bullets() -> None:
    text = (
        "Inclusion Criteria:\n"
        "- Failure to meet inclusion criteria.\n"
        "- Further inclusion criteria apply."
    )
    criteria, _ = run(text)
    assert texts(criteria) == [
        "Failure to meet inclusion criteria.",
        "Further inclusion criteria apply.",
    ]


NCI = """
        DISEASE CHARACTERISTICS:

          -  Small cell lung cancer

               -  No pleural fluid cytology

        PATIENT CHARACTERISTICS:

        Age:

          -  18 and over

        Performance status:

          -  ECOG 0-1

        Other:

          -  No known HIV infection

        EXCLUSION CRITERIA:

          -  Pregnant
"""


def test_nci_sections_are_sections_not_kinds() -> None:
    criteria, headings = run(NCI)
    assert [(c.kind, c.section, c.parent, c.text) for c in criteria] == [
        ("inclusion", "DISEASE CHARACTERISTICS", None, "Small cell lung cancer"),
        ("inclusion", "DISEASE CHARACTERISTICS", 0, "No pleural fluid cytology"),
        ("inclusion", "PATIENT CHARACTERISTICS / Age", None, "18 and over"),
        ("inclusion", "PATIENT CHARACTERISTICS / Performance status", None, "ECOG 0-1"),
        ("inclusion", "PATIENT CHARACTERISTICS / Other", None, "No known HIV infection"),
        ("exclusion", None, None, "Pregnant"),
    ]
    assert headings[3].section == "PATIENT CHARACTERISTICS / Performance status"


def test_dashed_sections_and_leaf_qualifiers() -> None:
    text = (
        "--Prior/Concurrent Therapy-- At least 4 weeks since chemotherapy\n\n"
        "Prior Medication:\n\nExcluded within 30 days of study entry:\n\n  -  Interferon.\n\n"
        "Allowed:\n\n  -  Acyclovir."
    )
    criteria, _ = run(text)
    top = "Prior/Concurrent Therapy"
    assert [(c.kind, c.section, c.text) for c in criteria] == [
        ("inclusion", top, "At least 4 weeks since chemotherapy"),
        (
            "exclusion",
            f"{top} / Prior Medication / Excluded within 30 days of study entry",
            "Interferon.",
        ),
        ("inclusion", f"{top} / Prior Medication / Allowed", "Acyclovir."),
    ]


def test_intro_before_first_heading_is_a_heading() -> None:
    criteria, headings = run("Patients must meet all of the following:\n\n1. Age 18\n2. ECOG 0-1")
    assert headings[0].text == "Patients must meet all of the following:"
    assert texts(criteria) == ["Age 18", "ECOG 0-1"]


def test_text_before_first_heading_that_is_no_intro_is_an_inclusion_bullet() -> None:
    criteria, _ = run("Adults with asthma.\n\nExclusion Criteria:\n\n- Smokers")
    assert [(c.kind, c.text) for c in criteria] == [
        ("inclusion", "Adults with asthma."),
        ("exclusion", "Smokers"),
    ]


def test_wrapped_intro_sentence_becomes_a_heading() -> None:
    text = (
        "Inclusion Criteria\n\n  -  Adult\n\n"
        "An individual who meets any of the following criteria will be excluded from\n"
        "participation in this study:\n\n  -  Pregnancy"
    )
    criteria, headings = run(text)
    assert [(c.kind, c.text) for c in criteria] == [
        ("inclusion", "Adult"),
        ("exclusion", "Pregnancy"),
    ]
    assert headings[-1].kind == "exclusion"


@pytest.mark.parametrize(
    "markers",
    [
        ["1.", "2."],
        ["1)", "2)"],
        ["(1)", "(2)"],
        ["a.", "b."],
        ["(a)", "(b)"],
        ["i.", "ii."],
        ["-", "-"],
        ["*", "*"],
        ["\u2022", "\u2022"],
        ["\u00b7", "\u00b7"],
        ["o", "o"],
        ["+", "+"],
    ],
)
def test_numbering_styles(markers: list[str]) -> None:
    text = f"{markers[0]} First criterion\n{markers[1]} Second criterion"
    criteria, _ = run(text)
    assert texts(criteria) == ["First criterion", "Second criterion"]
    assert criteria[0].span == (0, len(markers[0]) + len(" First criterion"))


def test_escaped_markdown_numbering() -> None:
    criteria, _ = run("3\\. Progressed on EGFR-TKI\n4\\. ECOG \\<= 1", "markdown")
    assert texts(criteria) == ["Progressed on EGFR-TKI", "ECOG <= 1"]


def test_nesting_by_indentation() -> None:
    text = (
        "* Adequate organ function:\n  * ANC > 1.5\n    * measured twice\n"
        "  * Platelets > 100\n* ECOG 0-1"
    )
    criteria, _ = run(text, "markdown")
    assert [c.parent for c in criteria] == [None, 0, 1, 0, None]


def test_other_family_after_a_colon_nests_at_equal_indent() -> None:
    text = "1. Adequate labs:\na. ANC > 1.5\nb. Platelets > 100\n2. ECOG 0-1"
    criteria, _ = run(text)
    assert [c.parent for c in criteria] == [None, 0, 0, None]


def test_wrapped_lines_join_with_single_spaces() -> None:
    text = (
        "          -  Dementia or evidence of mental incompetence which would preclude\n"
        "             compliance with the protocol."
    )
    criteria, _ = run(text)
    assert texts(criteria) == [" ".join(text.replace("-", "", 1).split())]
    assert criteria[0].span == (10, len(text))


def test_paragraphs_without_markers_are_separate_bullets() -> None:
    text = (
        "        No prior amputation.\n\n"
        "        No serious infection.\n        Treated basal cell allowed."
    )
    criteria, _ = run(text)
    assert texts(criteria) == [
        "No prior amputation.",
        "No serious infection. Treated basal cell allowed.",
    ]


def test_indented_paragraph_after_blank_line_continues_a_bullet() -> None:
    criteria, _ = run(
        "-  Prior therapy allowed:\n\n   if stopped 4 weeks before entry\n\n-  ECOG 0-1"
    )
    assert texts(criteria) == ["Prior therapy allowed: if stopped 4 weeks before entry", "ECOG 0-1"]


def test_lone_dash_groups_children_until_a_no_line_under_a_no_parent() -> None:
    text = (
        "-\nNo clinically significant cardiac disease, including any of the following:\n"
        "- NYHA class III-IV heart failure\n- Unstable angina\n"
        "- No cardiac ventricular arrhythmias\n-\nHormone receptor status:\n- ER-positive\n"
        "- No uncontrolled hypertension"
    )
    criteria, _ = run(text, "seed")
    assert [(c.parent, c.text[:20]) for c in criteria] == [
        (None, "No clinically signif"),
        (0, "NYHA class III-IV he"),
        (0, "Unstable angina"),
        (None, "No cardiac ventricul"),
        (None, "Hormone receptor sta"),
        (4, "ER-positive"),
        (4, "No uncontrolled hype"),
    ]
    assert criteria[0].span[0] == 0


def test_lone_marker_before_a_heading_and_at_the_end() -> None:
    criteria, headings = run("-\n\nPatients must have:\n\n- HIV infection\n-")
    assert headings[0].span[0] == 0
    assert texts(criteria) == ["HIV infection"]


def test_lost_headings_in_seed_style() -> None:
    text = "  \u2022 Age 18\n  \u2022 ECOG 0-1\n\n\n  \u2022 Pregnant\n  \u2022 Dementia"
    seed, _ = run(text, "seed")
    assert [c.kind for c in seed] == ["inclusion", "inclusion", "exclusion", "exclusion"]
    plain, _ = run(text)
    assert {c.kind for c in plain} == {"inclusion"}


def test_decoration_and_notes_change_nothing() -> None:
    text = "Excluded:\n\n- Rifampin\n\n---\n\n- Phenytoin\n\nNOTE:\n\n- Isoniazid"
    criteria, headings = run(text)
    assert {c.kind for c in criteria} == {"exclusion"}
    assert [h.text for h in headings] == ["Excluded:", "---", "NOTE:"]


def test_label_set_apart_above_a_list_is_a_section() -> None:
    text = (
        "Exclusion Criteria:\n\nObesity-related\n\n- Weight-loss drugs\n\nMale or female\n- Adult"
    )
    criteria, _ = run(text, "markdown")
    assert [(c.section, c.text) for c in criteria] == [
        ("Obesity-related", "Weight-loss drugs"),
        ("Obesity-related", "Male or female"),
        ("Obesity-related", "Adult"),
    ]


def test_no_eligibility_criteria_gives_no_bullets() -> None:
    criteria, headings = run("\n        No eligibility criteria\n      ")
    assert criteria == []
    assert headings[0].text == "No eligibility criteria"


def test_markdown_escapes_are_undone_with_offsets_into_the_original() -> None:
    text = "Inclusion Criteria:\n\n* Age \\>= 18 years\n* BMI 27 kg/m\\^2 \\[both inclusive\\]"
    criteria, _ = run(text, "markdown")
    assert texts(criteria) == ["Age >= 18 years", "BMI 27 kg/m^2 [both inclusive]"]
    bullet = criteria[0]
    offsets = source_offsets(text, bullet.text, bullet.span)
    assert offsets is not None
    assert text[offsets[bullet.text.index(">")] - 1 : offsets[bullet.text.index(">")] + 1] == "\\>"
    assert all(text[o] == ch for o, ch in zip(offsets, bullet.text, strict=True) if ch != " ")
    assert text[bullet.span[0] : bullet.span[1]] == "* Age \\>= 18 years"


def test_plain_style_keeps_backslashes() -> None:
    criteria, _ = run("- Age \\>= 18")
    assert texts(criteria) == ["Age \\>= 18"]


def test_crlf_and_cr_line_ends() -> None:
    criteria, _ = run("Inclusion Criteria:\r\n\r\n- Adult\r\n  aged 18\r- ECOG 0-1\r\n")
    assert texts(criteria) == ["Adult aged 18", "ECOG 0-1"]


def test_empty_and_blank_text() -> None:
    assert run("") == ([], [])
    assert run(" \n\t\n") == ([], [])


def test_unknown_style_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown segmentation style"):
        segment("x", style="html")
