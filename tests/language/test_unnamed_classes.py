"""A class no lexicon holds, named by its examples ("Immunomodulating agents (e.g.,
interferon)"): an example decides, the class itself never does; and a window after the
examples' bracket, which the class and every example share."""

from __future__ import annotations

import pytest
from test_results import decide

from trialscreen.language.compiler import _lex, compile_criterion
from trialscreen.language.unnamed import UNNAMED_REASON, merge_unnamed
from trialscreen.model.predicate import Unparsed, walk

ON_INTERFERON = [{"name": "interferon alfa", "start": "2026-09-01", "status": "active"}]


def _unnamed(text: str) -> list[str]:
    return [str(t) for t in merge_unnamed(_lex(text)) if t.type == "UNNAMED"]


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Bone marrow suppressive drugs (e.g., ganciclovir, zidovudine)", "drug_class"),
        ("No concurrent immune modulating drugs (e.g., interferon)", "drug_class"),
        (
            "Neurodegenerative disorders such as Alzheimer's disease, multiple sclerosis",
            "condition",
        ),
        ("Significant vascular disease (e.g., aortic aneurysm, aortic dissection)", "condition"),
    ],
)
def test_a_class_before_examples_of_one_family_is_one_token(text: str, family: str) -> None:
    assert _unnamed(text) == [f"unnamed_{family}"]


@pytest.mark.parametrize(
    "text",
    [
        "Recent cardiac events (e.g. myocardial infarction)",  # "recent" narrows the patient's
        "No prior or concurrent pleurodesis with cytotoxic drugs (e.g., bleomycin)",  # relation
        "Medications to promote weight gain (e.g., corticosteroid, dronabinol)",  # what for
        "Hormonal therapy for nondisease related conditions (e.g., thyroid replacement therapy)",
        "Several diseases such as malignancies etc.",  # "several"
        "Cardiac glycosides",  # no examples
        "Immunomodulating agents (e.g., interferon, myocardial infarction)",  # two families
        "Back pain due to damage to adjacent structures (e.g., arachnoiditis)",  # "due to"
        # review 23: words that narrow how, why or from what (the example's name does not say)
        "Topical medications (e.g., corticosteroids, tacrolimus) within 2 weeks",
        "Prophylactic agents (e.g., fluconazole)",
        "Alcohol-related medical conditions (e.g., pancreatitis, cirrhosis)",
        "Childhood diseases (e.g., asthma)",
        "Intra-articular medications (e.g., corticosteroids)",
    ],
)
def test_no_class_token_where_the_examples_may_not_be_its_members(text: str) -> None:
    assert _unnamed(text) == []


def test_the_class_is_an_unread_leaf_and_the_bullet_sound() -> None:
    compiled = compile_criterion("Immune modulating agents (e.g., interferon)", "exclusion")
    holes = [n for n in walk(compiled.predicate) if isinstance(n, Unparsed)]
    assert [(h.text, h.reason) for h in holes] == [("Immune modulating agents", UNNAMED_REASON)]
    assert compiled.status == "partial"
    assert "sound_partial" in compiled.flags
    assert compiled.uncovered == ()


@pytest.mark.parametrize(
    ("text", "kind", "treatments", "expected"),
    [
        # an example: the patient has the class, whatever else it holds
        ("Immune modulating agents (e.g., interferon, interleukin-2)", "exclusion", True, "fail"),
        ("No concurrent immune modulating drugs (e.g., interferon)", "inclusion", True, "fail"),
        ("Prior immune modulating drugs (e.g., interferon)", "inclusion", True, "pass"),
        # no example: another member of the class may be there
        (
            "Immune modulating agents (e.g., interferon, interleukin-2)",
            "exclusion",
            False,
            "unknown",
        ),
        ("No concurrent immune modulating drugs (e.g., interferon)", "inclusion", False, "unknown"),
    ],
)
def test_an_example_decides_the_class_never_does(
    text: str, kind: str, treatments: bool, expected: str
) -> None:
    record = ON_INTERFERON if treatments else [{"name": "metformin", "start": "2025-01-01"}]
    assert decide(text, kind, treatments=record) == expected


def test_a_narrowing_word_before_the_class_narrows_its_examples() -> None:
    text = "Significant vascular disease (e.g., aortic aneurysm, aortic dissection)"
    had = [{"name": "aortic aneurysm", "onset": "2020-01-01"}]
    assert decide(text, "exclusion", conditions=had) == "unknown"  # significant? not recorded


def test_a_class_left_without_its_examples_is_not_read() -> None:
    text = "At least 4 weeks since prior cytokine therapies (e.g., filgrastim, interferon)"
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "partial" and "sound_partial" not in compiled.flags
    assert "unnamed_" not in compiled.canonical


@pytest.mark.parametrize(
    ("ended", "expected"),
    # ended long ago: not within the window (another immunosuppressant may be: unknown)
    [("2026-10-30", "fail"), ("2026-06-01", "unknown")],
)
def test_a_window_after_the_examples_bracket_dates_every_example(ended: str, expected: str) -> None:
    text = "Immunosuppressive drugs (e.g. tacrolimus, cyclosporine) within 2 weeks prior to entry"
    compiled = compile_criterion(text, "exclusion")
    assert compiled.status == "compiled", compiled.canonical
    assert compiled.canonical.count("within 2 weeks") == 3
    took = [{"name": "tacrolimus", "start": "2026-01-01", "end": ended, "status": "stopped"}]
    assert decide(text, "exclusion", treatments=took) == expected


def test_words_after_the_bracket_that_change_more_than_a_window_are_not_read() -> None:
    text = "Immunosuppressive drugs (e.g. tacrolimus) within the past 2 weeks or planned"
    assert compile_criterion(text, "exclusion").status == "partial"


def test_a_negation_before_a_class_whose_examples_are_not_read_stays_with_the_examples() -> None:
    # review 23: the class reading undone, "no" still covers what follows it
    text = "no concurrent medications including aspirin or nonsteroidal anti-inflammatory drugs"
    compiled = compile_criterion(text, "inclusion")
    assert compiled.canonical.startswith("no (")
    assert "unnamed_" not in compiled.canonical
