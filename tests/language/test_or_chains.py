"""Bullets joined by a dangling "or" ("ECOG 0-2 OR" / "Karnofsky 70-100%", "A" / "OR" / "B"):
one OR in an inclusion list, each alone in an exclusion list, undecided where the list around
them says more."""

from __future__ import annotations

from test_meaning_rules import read_list


def test_an_inclusion_chain_is_one_or_held_by_its_first_bullet() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  ECOG 0-2 OR\n\n  -  Karnofsky 70-100%\n\n  -  Age 18 or over\n"
    )
    rows = read_list(text)
    first, second, third = (c for _, _, c in rows)
    assert first.status == "compiled" and first.predicate.kind == "any_of"
    assert [i.kind for i in first.predicate.items] == ["score_compare", "all_of"]
    assert second.status == "no_constraint"
    assert third.status == "compiled" and third.canonical == "age >= 18 years"


def test_a_connective_bullet_joins_its_neighbours() -> None:
    text = "Inclusion Criteria:\n\n  -  HIV infection\n\n  -  OR\n\n  -  Hepatitis C infection\n"
    first, middle, last = (c for _, _, c in read_list(text))
    assert first.predicate.kind == "any_of" and first.status == "compiled"
    assert middle.status == "no_constraint" and last.status == "no_constraint"


def test_an_exclusion_chain_decides_bullet_by_bullet() -> None:
    text = "Exclusion Criteria:\n\n  -  Creatinine > 2 mg/dL or\n\n  -  Bilirubin > 3 mg/dL\n"
    first, second = (c for _, _, c in read_list(text))
    assert (first.status, first.canonical) == ("compiled", "Creatinine > 2 mg/dL")
    assert second.status == "compiled"


def test_a_chain_into_another_list_stays_undecided() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  ECOG 0-2 OR\n\nExclusion Criteria:\n\n  -  Karnofsky < 70%\n"
    )
    assert all(c.status == "partial" for _, _, c in read_list(text))


def test_a_chain_with_a_member_not_read_stays_undecided() -> None:
    text = (
        "Exclusion Criteria:\n\n  -  Prior chemotherapy or\n\n"
        "  -  Patients who completed adjuvant chemotherapy more than 12 months ago are eligible\n"
    )
    assert all(c.status == "partial" for _, _, c in read_list(text))


def test_a_list_run_into_the_chain_stays_undecided() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  Postmenopausal;\n\n  -  Surgically sterile; or\n\n"
        "  -  Using two methods of effective contraception\n"
    )
    assert all(c.status == "partial" for _, _, c in read_list(text))
