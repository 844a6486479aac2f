"""Unit tests of the reading rules behind the meaning suite: cues, frames, the document pass,
run-on bullets, safe numbers. Each asserts what a bullet compiles to, or how a list is read."""

from __future__ import annotations

import pytest

from trialscreen.language.compiler import compile_criterion
from trialscreen.language.runon import split_run_on
from trialscreen.language.structure import read_document
from trialscreen.model.compiled import CompiledCriterion
from trialscreen.model.trial import Trial
from trialscreen.trials.segment import segment


def read_list(text: str) -> list[tuple[str, str, CompiledCriterion]]:
    """(kind, text, compiled) of every bullet of a criteria text, after the document pass."""
    bullets, headings = segment(text)
    trial = Trial(
        id="t", format="ctgov_xml", criteria_text=text, bullets=bullets, headings=headings
    )
    compiled = read_document(trial, [compile_criterion(b.text, b.kind) for b in bullets])
    return [(b.kind, b.text, c) for b, c in zip(bullets, compiled, strict=True)]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Patients with brain metastases are not permitted unless treated", "not"),
        (  # what follows "other than" is no kind of malignancy the lexicon holds
            "Any prior malignancy other than those treated with curative intent more than 5 years ago",
            "other than",
        ),
        ("No prior chemotherapy for the current cancer", "for"),  # which cancer?
        ("Prior radiotherapy allowed if disease free for 2 years", "allowed"),
        # "(men)" is read as the sex of the first threshold; the one after "/" is not joined
        ("creatinine <= 1.4 mg/dL (men) / <= 1.2 mg/dL (women)", "women"),
        ("ECOG 0-2 OR", "or"),
        ("History of ALT > 3 x ULN", "history of"),
        ("Anaphylaxis to thymopentin", "to"),
    ],
)
def test_a_cue_outside_an_operator_keeps_the_bullet_from_deciding(text: str, word: str) -> None:
    compiled = compile_criterion(text)
    assert compiled.status == "partial"
    assert f"cue:{word}" in compiled.flags


def test_an_unknown_modifier_blocks_generalisation() -> None:
    compiled = compile_criterion("No familial amyloidosis")
    assert compiled.status == "partial" and compiled.uncovered_text() == ["familial"]


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Patients with brain metastases are not eligible", "inclusion", "no (brain metastases)"),
        ("Patients with brain metastases are not eligible", "exclusion", "brain metastases"),
        ("Must not be breastfeeding", "inclusion", "no (breastfeeding)"),
        ("Men and women aged >= 18 years", "inclusion", "age >= 18 years"),
        ("Prior therapy with anthracyclines", "exclusion", "history of anthracycline"),
        ("No prior or current CNS metastases", "inclusion", "no (prior or current cns metastases)"),
        (
            ">= 4 weeks since chemotherapy or radiotherapy",
            "inclusion",
            ">= 4 weeks since chemotherapy and also >= 4 weeks since radiotherapy",
        ),
    ],
)
def test_frames_and_relations_are_read(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, "exclusion" if kind == "exclusion" else "inclusion")
    assert compiled.status == "compiled"
    assert compiled.canonical == canonical


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Not specified", "placeholder"),
        ("See Disease Characteristics", "placeholder"),
        ("Prior chemotherapy allowed", "permission"),
        ("Chemotherapy:", "heading"),
        ("Male or female", "either sex"),
    ],
)
def test_no_constraint_bullets(text: str, reason: str) -> None:
    compiled = compile_criterion(text)
    assert compiled.status == "no_constraint" and compiled.canonical == f"no constraint ({reason})"


@pytest.mark.parametrize(
    ("text", "canonical", "flag"),
    [
        ("Platelets >= 100", "Platelets >= 100", "unit_inferred:10^9/L"),
        ("ANC >= 1.5", "ANC >= 1.5", "unit_inferred:10^9/L"),
        ("Creatinine <= 133", "Creatinine <= 133", "unit_inferred:umol/L"),
        ("ANC >= 1.5 x 109/L", "ANC >= 1.5 x 10^9/L", None),
        ("Creatinine no more than 2 times normal", "Creatinine <= 2 x ULN", None),
        ("Hemoglobin >= 8,5 g/dL", "Hemoglobin >= 8.5 g/dL", None),
    ],
)
def test_numbers_read_in_the_unit_that_makes_sense(
    text: str, canonical: str, flag: str | None
) -> None:
    compiled = compile_criterion(text)
    assert compiled.canonical == canonical
    assert flag is None or flag in compiled.flags


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Hemoglobin < 12 g/l", "implausible_value"),
        ("Bilirubin <= 0.3 umol/L", "implausible_value"),
    ],
)
def test_implausible_thresholds_do_not_decide(text: str, flag: str) -> None:
    assert flag in compile_criterion(text).flags


def test_ages_keep_their_unit() -> None:
    assert compile_criterion("Is 6 months - 18 years of age.").canonical == (
        "age >= 6 months and age <= 18 years"
    )


def test_a_run_on_bullet_is_split_at_its_labels() -> None:
    text = (
        "Age: 18 and over Performance status: ECOG 0-2 Life expectancy: Not specified "
        "Hematopoietic: ANC at least 1,500/mm3 Other: Fertile patients must use contraception"
    )
    pieces = split_run_on(text)
    assert pieces is not None and [p.label for p in pieces] == [
        "age",
        "performance status",
        "life expectancy",
        "hematopoietic",
        "other",
    ]
    compiled = compile_criterion(text)
    assert compiled.status == "partial" and "sound_partial" in compiled.flags
    assert compiled.canonical.startswith("age >= 18 years and ECOG <= 2 and ANC >= 1500")


def test_criteria_run_together_under_a_topic_label_are_pieces_of_their_own() -> None:
    text = (
        "Biologic therapy: At least 12 months since prior rituximab No prior interleukin-12 "
        "Chemotherapy: At least 3 weeks since prior chemotherapy (6 weeks for mitomycin or "
        "nitrosoureas) No concurrent chemotherapy"
    )
    pieces = split_run_on(text)
    assert pieces is not None and [p.text for p in pieces] == [
        "At least 12 months since prior rituximab",
        "No prior interleukin-12",
        "At least 3 weeks since prior chemotherapy (6 weeks for mitomycin or nitrosoureas)",
        "No concurrent chemotherapy",
    ]
    assert all(text[p.start : p.start + len(p.text)] == p.text for p in pieces)


@pytest.mark.parametrize(
    "text",
    [
        # a permission may be about its neighbour (hydroxyurea is a chemotherapy): not cut
        "Chemotherapy: At least 4 weeks since prior chemotherapy Prior hydroxyurea allowed",
        "Chemotherapy: No prior chemotherapy except No more than 1 prior regimen of 5-FU",
        # inside brackets: not cut
        "Chemotherapy: At least 4 weeks since prior chemotherapy (No nitrosoureas)",
    ],
)
def test_a_topic_piece_is_not_cut_where_its_sentences_may_depend_on_each_other(text: str) -> None:
    pieces = split_run_on(text)
    assert pieces is not None and len(pieces) == 1


def test_a_sub_list_heading_governs_its_own_list_only() -> None:
    text = (
        "Exclusion Criteria\n\n"
        "Patients with the following conditions are included:\n\n"
        "  -  HIV infection.\n\n"
        "History of intravenous drug abuse.\n"
    )
    kinds = [(kind, t) for kind, t, _ in read_list(text)]
    assert kinds == [
        ("inclusion", "HIV infection."),
        ("exclusion", "History of intravenous drug abuse."),
    ]


def test_any_of_the_following_is_one_or_over_the_children() -> None:
    text = (
        "Inclusion Criteria:\n"
        "- At least one of the following:\n"
        "  - Creatinine >= 2 mg/dL\n"
        "  - ECOG 3 or 4\n"
    )
    (_, _, parent), (_, _, first), (_, _, second) = read_list(text)
    assert parent.status == "compiled" and parent.predicate.kind == "any_of"
    assert first.status == "no_constraint" and second.status == "no_constraint"
    # the same list under a heading line: no bullet can hold the OR, so no child decides
    heading = text.replace("- At least one", "Patients must have one")
    assert all(c.status == "partial" for _, _, c in read_list(heading))


def test_a_negating_parent_negates_its_children_only_when_it_says_nothing_else() -> None:
    plain = "Inclusion Criteria:\n- No cardiac disease, including any of the following:\n  - Myocardial infarction\n"
    child = read_list(plain)[1][2]
    assert child.canonical == "no (myocardial infarction)"
    other = (
        "Inclusion Criteria:\n- Patient or her household contacts must not have any of the "
        "following:\n  - Eczema\n"
    )
    ((kind, _, child),) = read_list(other)  # the segmenter reads the line as a heading
    assert child.status == "partial" and child.canonical == "atopic dermatitis"


def test_a_group_heading_makes_its_bullets_conditional() -> None:
    text = "Inclusion Criteria:\n- Age 65-70 years:\n  - Karnofsky 80-100%\n"
    (_, _, heading), (_, _, bullet) = read_list(text)
    assert heading.status == "no_constraint"
    assert bullet.applies_if is not None and bullet.applies_if.kind == "all_of"


def test_a_permission_label_is_only_a_permission_word() -> None:
    text = "Inclusion Criteria:\n- Acceptable coagulation status:\n  - INR <= 1.5\n"
    (_, _, heading), (_, _, child) = read_list(text)
    assert heading.status == "no_constraint" and child.status == "compiled"
    allowed = (
        "Inclusion Criteria:\n\nAllowed:\n\n  -  Fluconazole.\n\n"
        "  -  Systemic corticosteroid use for <21 days is permitted. However, chronic use is "
        "not allowed.\n"
    )
    (_, _, first), (_, _, second) = read_list(allowed)
    assert first.status == "no_constraint" and second.status != "no_constraint"


@pytest.mark.parametrize(
    ("text", "kind", "free"),
    [
        ("Signed informed consent", "inclusion", True),
        (
            "Provide written informed consent prior to any study-specific procedures",
            "inclusion",
            True,
        ),
        ("Unwilling to sign informed consent", "exclusion", True),
        ("Informed consent", "exclusion", False),  # as an exclusion: a slip
        ("Ability to give informed consent.", "inclusion", False),  # capacity: may fail
        ("Willing and able to provide written informed consent", "inclusion", False),
        ("Unable or unwilling to give informed consent", "exclusion", False),
        (
            "Signed, informed consent from parent or legal guardian for patients less than 18 "
            "years of age",
            "inclusion",
            False,
        ),
    ],
)
def test_consent_alone_is_a_step_of_enrolment(text: str, kind: str, free: bool) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status == "no_constraint") == free
    if free:
        assert compiled.canonical == "no constraint (consent at enrolment)"


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Prior AZT therapy.", "exclusion", "history of zidovudine"),
        (
            "At least 2 weeks since corticosteroid therapy",
            "inclusion",
            ">= 2 weeks since corticosteroids",
        ),
        (
            "Have received prior antiretroviral therapy.",
            "exclusion",
            "history of antiretroviral therapy",
        ),
        ("Must not have received prior chemotherapy", "inclusion", "no (history of chemotherapy)"),
        (
            "Have not received any investigational agent within 30 days",
            "inclusion",
            "no (history of investigational agent within 30 days)",
        ),
    ],
)
def test_drug_therapy_and_have_received(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize("text", ["HIV therapy", "Kaposi's sarcoma treatment"])
def test_therapy_of_a_condition_is_not_the_condition(text: str) -> None:
    compiled = compile_criterion(text, "exclusion")
    assert compiled.status == "partial" and "therapy_of_condition" in compiled.flags


@pytest.mark.parametrize(
    "text",
    [
        # a bracket of measurements and what follows it read as one clause: whose "or"?
        "Thrombocytopenia (platelet count < 50,000/mm3) or coagulopathy",
        # an age group's rule: children are not held to it
        "in adults: serum creatinine less than or equal to 2 mg/dl",
        "Creatinine <= 1.5 mg/dL for adults",
    ],
)
def test_scopes_not_read(text: str) -> None:
    for kind in ("inclusion", "exclusion"):
        assert compile_criterion(text, kind).status == "partial"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please contact site for information.", "inclusion"),  # criteria not published
        ("Participation in any study or refusal of informed consent", "exclusion"),
        ("Patients must personally sign informed consent", "inclusion"),  # not by a proxy
        ("Age at diagnosis between 18 - 40 years", "inclusion"),  # not today's age
    ],
)
def test_not_a_placeholder_nor_consent_alone(text: str, kind: str) -> None:
    assert compile_criterion(text, kind).status in ("partial", "unparsed")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        # each bound keeps the time unit written after it
        (
            "Age at least 6 months and less than 6 years",
            "inclusion",
            "age >= 6 months and age < 6 years",
        ),
        ("aged >= 6 months and < 6 years", "inclusion", "age >= 6 months and age < 6 years"),
        (
            "Age greater than or equal to 2 years and less than or equal to 10 years.",
            "inclusion",
            "age >= 2 years and age <= 10 years",
        ),
        # "or" before a comparator: either bound of one subject
        ("Age < 35 or > 75 years", "exclusion", "age < 35 years or age > 75 years"),
        (
            "Creatinine less than 1.5 mg/dL or less than 2 x ULN",
            "inclusion",
            "Creatinine < 1.5 mg/dL or Creatinine < 2 x ULN",
        ),
        (
            "At least 1 and no more than 3 prior chemotherapy regimens",
            "inclusion",
            ">= 1 prior chemotherapy regimens and <= 3 prior chemotherapy regimens",
        ),
        # "no older than": at most (review 13: it was read "older than", the opposite)
        ("No older than 70 years", "inclusion", "age <= 70 years"),
        ("Not younger than 18 years", "inclusion", "age >= 18 years"),
        # "and a": an article opens the next thing listed, it is no loose connective
        (
            "ECOG performance status of 0 or 1 and a life-expectancy of greater than 6 months.",
            "inclusion",
            "ECOG <= 1 and life expectancy > 6 months",
        ),
    ],
)
def test_two_bounds_written_in_words(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    ("text", "kind", "cue"),
    [
        # "and" before a comparator joins a second clause: an exclusion's "and" may mean either
        ("ANC < 1500/mm3 and less than 4 weeks since prior chemotherapy", "exclusion", "cue:and"),
        ("ANC < 1500/mm3 and < 4 weeks since prior chemotherapy", "exclusion", "cue:and"),
        # and an inclusion's "or" may mean both
        ("ANC > 1500/mm3 or more than 4 weeks since prior chemotherapy", "inclusion", "cue:or"),
    ],
)
def test_a_connective_before_a_comparator_joining_clauses_is_read_as_a_connective(
    text: str, kind: str, cue: str
) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert compiled.status == "partial" and cue in compiled.flags


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Women aged 40 to 70", "inclusion", "female and age >= 40 years and age <= 70 years"),
        ("Female, aged 18 years and above", "inclusion", "female and age >= 18 years"),
        # an exclusion of both at once, not of every woman and everyone over 75
        ("Women aged over 75", "exclusion", "female and age > 75 years"),
    ],
)
def test_a_sex_and_an_age_are_both_required(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_a_sex_and_an_age_beside_the_other_sex_are_alternatives() -> None:
    rows = read_list(
        "Inclusion Criteria:\n- Men aged 18 to 65 years\n- Women aged 18 to 55 years\n"
    )
    assert [c.status for _, _, c in rows] == ["partial", "partial"]
    alone = read_list("Inclusion Criteria:\n- Women aged 18 to 55 years\n- ECOG 0-1\n")
    assert alone[0][2].status == "compiled"


def test_an_exclusion_of_one_sex_with_a_thing_excludes_both_at_once() -> None:
    compiled = compile_criterion("Men with PSA > 4 ng/mL", "exclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", "male and PSA > 4 ng/mL")
    # pregnancy is a woman's: the sex word adds nothing
    pregnant = compile_criterion("Women who are pregnant or breastfeeding", "exclusion")
    assert pregnant.canonical == "pregnancy or else breastfeeding"
    # in an inclusion "Women with X" may be one sex's rule beside the other's: not read
    assert compile_criterion("Women with hemoglobin >= 11 g/dL", "inclusion").status == "partial"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Prior radiotherapy allowed if more than 4 weeks ago", "> 4 weeks since radiotherapy"),
        (
            "Prior radiation therapy is allowed but must be completed at least 3 weeks prior to "
            "randomization.",
            ">= 3 weeks since radiotherapy",
        ),
        (
            "Prior radiotherapy is allowed, provided at least 28 days have elapsed since the "
            "last treatment",
            ">= 4 weeks since radiotherapy",
        ),
    ],
)
def test_a_permission_with_a_wait_is_a_time_since(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # in an exclusion the words describe who is not excluded: not read
        (
            "Prior chemotherapy allowed if completed more than 12 months before registration",
            "exclusion",
        ),
        ("Prior corticosteroids allowed if started at least 8 weeks prior to study", "inclusion"),
        ("Prior radiotherapy allowed if completed less than 4 weeks before entry", "inclusion"),
        ("Prior brain metastases allowed if treated at least 4 weeks ago", "inclusion"),
        # palliative surgery only, or any? (review 18)
        (
            "Prior palliative radiotherapy or surgery are allowed if completed at least 4 weeks "
            "before the randomization;",
            "inclusion",
        ),
    ],
)
def test_a_permission_with_another_condition_is_not_read_as_a_wait(text: str, kind: str) -> None:
    assert compile_criterion(text, kind).status != "compiled"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        (
            "History of grade 2 or worse peripheral neuropathy.",
            "exclusion",
            "history of peripheral neuropathy grade >= 2",
        ),
        ("Grade ≥ 2 peripheral neuropathy", "exclusion", "peripheral neuropathy grade >= 2"),
        (
            "No grade 2 or greater peripheral neuropathy",
            "inclusion",
            "no (peripheral neuropathy grade >= 2)",
        ),
        (  # the class of the disease, ruled out as one
            "No New York Heart Association class III or IV heart disease",
            "inclusion",
            "no (NYHA class >= 3 and NYHA class <= 4 and heart disease)",
        ),
    ],
)
def test_a_grade_or_class_before_the_disease(text: str, kind: str, canonical: str) -> None:
    compiled = compile_criterion(text, kind)  # type: ignore[arg-type]
    assert (compiled.status, compiled.canonical) == ("compiled", canonical)


def test_a_class_after_no_history_of_is_a_past_class_not_read() -> None:
    text = "No history of NYHA class III or IV heart failure"
    assert compile_criterion(text, "inclusion").status != "compiled"


def test_contraception_during_and_after_the_study_is_the_fertile_rule() -> None:
    text = (
        "Fertile patients must use effective contraception during and for 10 weeks after study "
        "participation"
    )
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled"
    assert compiled.canonical.startswith("if childbearing potential: current contraception")


def test_a_group_s_section_is_the_group_s_only() -> None:
    text = (
        "Inclusion Criteria:\n\nHEALTHY CHILDREN:\n\n- Children less than 18 years of age.\n\n"
        "HEALTHY MOTHERS:\n\n- Women between 18 and 45 years of age.\n"
    )
    assert all(c.status != "compiled" or c.applies_if is not None for _, _, c in read_list(text))


def test_a_sex_named_in_a_permission_makes_the_sex_and_age_an_alternative() -> None:
    rows = read_list(
        "Inclusion Criteria:\n- Women aged 18 years or older\n"
        "- Men with breast cancer are also eligible\n"
    )
    assert rows[0][2].status != "compiled"


@pytest.mark.parametrize(
    "text",
    [
        "Negative pregnancy test in women of childbearing potential",
        "Women of childbearing potential must have a negative pregnancy test",
        "Negative pregnancy test required of fertile women",
    ],
)
def test_a_pregnancy_test_is_required_of_those_who_could_be_pregnant(text: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled"
    assert compiled.canonical.startswith("if childbearing potential: no (current pregnancy)")


def test_a_pregnancy_test_with_a_time_or_in_an_exclusion_is_not_read_so() -> None:
    timed = "Negative pregnancy test within 7 days in women of childbearing potential"
    assert compile_criterion(timed, "inclusion").status != "compiled"
    positive = "Positive pregnancy test in women of childbearing potential"
    assert compile_criterion(positive, "exclusion").status != "compiled"
