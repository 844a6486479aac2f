"""Readers: ClinicalTrials.gov JSON and XML, and plain-text trial pages, from small inline files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trialscreen.model.trial import AgeLimit, Trial
from trialscreen.trials.load import load_records
from trialscreen.trials.seed_page import LOST_HEADINGS

CRITERIA_MD = (
    "Inclusion Criteria:\n\n* Age \\>= 18\n* HbA1c \\< 10 \\*\n\nExclusion Criteria:\n\n* Pregnant"
)


def study(nct: str = "NCT01234567", **eligibility: Any) -> dict[str, Any]:
    """A minimal API v2 study."""
    module = {"eligibilityCriteria": CRITERIA_MD, "sex": "FEMALE", "minimumAge": "18 Years"}
    module.update(eligibility)
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct,
                "briefTitle": "A trial",
                "officialTitle": "Long",
            },
            "conditionsModule": {"conditions": ["Breast Cancer", "Obesity"]},
            "eligibilityModule": module,
        }
    }


def only(path: Path) -> Trial:
    report = load_records(path)
    assert report.errors == []
    assert len(report.trials) == 1
    return report.trials[0]


def test_json_single_study(tmp_path: Path) -> None:
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study(maximumAge="6 Months", healthyVolunteers=True)))
    trial = only(path)
    assert (trial.id, trial.title, trial.format) == ("NCT01234567", "A trial", "ctgov_json")
    assert trial.conditions == ["Breast Cancer", "Obesity"]
    assert trial.minimum_age == AgeLimit(value=18, unit="years")
    assert trial.maximum_age == AgeLimit(value=6, unit="months")
    assert (trial.sex, trial.healthy_volunteers) == ("female", True)
    assert trial.source == str(path)


def test_json_escapes_undone_in_text_but_criteria_text_is_original(tmp_path: Path) -> None:
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study()))
    trial = only(path)
    assert trial.criteria_text == CRITERIA_MD
    assert [(b.kind, b.text) for b in trial.bullets] == [
        ("inclusion", "Age >= 18"),
        ("inclusion", "HbA1c < 10 *"),
        ("exclusion", "Pregnant"),
    ]
    start, end = trial.bullets[1].span
    assert trial.criteria_text[start:end] == "* HbA1c \\< 10 \\*"


def test_json_list_and_api_page(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(json.dumps([study("NCT00000001"), study("NCT00000002")]))
    (tmp_path / "page.json").write_text(json.dumps({"studies": [study("NCT00000003")]}))
    report = load_records(tmp_path)
    assert [t.id for t in report.trials] == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert report.trials[1].source == f"{tmp_path / 'list.json'}[1]"


def test_json_title_falls_back_to_official_title(tmp_path: Path) -> None:
    data = study()
    del data["protocolSection"]["identificationModule"]["briefTitle"]
    (tmp_path / "s.json").write_text(json.dumps(data))
    assert only(tmp_path / "s.json").title == "Long"


def test_json_without_eligibility_module_loads_with_a_warning(tmp_path: Path) -> None:
    data = study()
    del data["protocolSection"]["eligibilityModule"]
    (tmp_path / "s.json").write_text(json.dumps(data))
    report = load_records(tmp_path)
    assert report.trials[0].bullets == []
    assert report.warnings == [f"{tmp_path / 's.json'}: NCT01234567: no eligibility criteria text"]


def test_json_bad_age_and_sex_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(study(minimumAge="adult", sex="OTHER")))
    report = load_records(tmp_path)
    trial = report.trials[0]
    assert (trial.minimum_age, trial.sex) == (None, "all")
    assert len(report.warnings) == 2


XML = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><org_study_id>X</org_study_id><nct_id>NCT00001189</nct_id></id_info>
  <brief_title>Sarcoma study</brief_title>
  <condition>Sarcoma</condition>
  <condition>Desmoid Tumor</condition>
  <eligibility>
    <criteria>
      <textblock>
        DISEASE CHARACTERISTICS:&#xD;
&#xD;
          -  Biopsy-proven soft tissue sarcoma with margins &gt; 1 cm&#xD;
             or re-excision&#xD;
&#xD;
        PATIENT CHARACTERISTICS:&#xD;
&#xD;
        Age:&#xD;
&#xD;
          -  18 and over&#xD;
      </textblock>
    </criteria>
    <gender>{gender}</gender>
    <minimum_age>{minimum}</minimum_age>
    <maximum_age>N/A</maximum_age>
    <healthy_volunteers>{healthy}</healthy_volunteers>
  </eligibility>
</clinical_study>
"""


def xml(gender: str = "Both", minimum: str = "18 Years", healthy: str = "No") -> str:
    return XML.format(gender=gender, minimum=minimum, healthy=healthy)


def test_xml_fields_and_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "NCT00001189.xml"
    path.write_text(xml())
    trial = only(path)
    assert (trial.id, trial.title, trial.format) == ("NCT00001189", "Sarcoma study", "ctgov_xml")
    assert trial.conditions == ["Sarcoma", "Desmoid Tumor"]
    assert (trial.minimum_age, trial.maximum_age) == (AgeLimit(value=18, unit="years"), None)
    assert (trial.sex, trial.healthy_volunteers) == ("all", False)
    assert "\r" not in trial.criteria_text
    assert [(b.section, b.text) for b in trial.bullets] == [
        (
            "DISEASE CHARACTERISTICS",
            "Biopsy-proven soft tissue sarcoma with margins > 1 cm or re-excision",
        ),
        ("PATIENT CHARACTERISTICS / Age", "18 and over"),
    ]


def test_xml_gender_age_and_volunteer_variants(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text(xml(gender="Female", minimum="6 Months", healthy="Accepts Healthy Volunteers"))
    trial = only(path)
    assert (trial.sex, trial.minimum_age, trial.healthy_volunteers) == (
        "female",
        AgeLimit(value=6, unit="months"),
        True,
    )


def test_xml_without_nct_id_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text(xml().replace("<nct_id>NCT00001189</nct_id>", ""))
    report = load_records(path)
    assert report.trials == []
    assert report.errors == [f"{path}: clinical_study has no id_info/nct_id"]


def test_other_xml_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss><channel/></rss>")
    report = load_records(path)
    assert (report.trials, report.errors) == ([], [])
    assert report.warnings == [f"{path}: skipped: XML root <rss> is not <clinical_study>"]


PAGE = """Try our beta test site

A Study of Drug X in Adults

ClinicalTrials.gov Identifier: NCT00605566
Condition Intervention Phase
Lung Cancer
Drug: drug X
Primary Outcome Measures:
  \u2022 Response rate [ Time Frame: 1 year ]
Other Names:
  \u2022 BAY 43-9006

Ages Eligible for Study: \u00a0 18 Years to 75 Years (Adult, Senior)
Sexes Eligible for Study: \u00a0 Male
Accepts Healthy Volunteers: \u00a0 Yes

{criteria}
\u00a0 Contacts and Locations
Please refer to this study by its ClinicalTrials.gov identifier: NCT00605566
"""


def test_page_fields_and_eligibility_block(tmp_path: Path) -> None:
    criteria = "Inclusion Criteria:\n\n  \u2022 Adult\n\nExclusion Criteria:\n\n  \u2022 Pregnant"
    path = tmp_path / "page.txt"
    path.write_text(PAGE.format(criteria=criteria))
    trial = only(path)
    assert (trial.id, trial.title, trial.format) == (
        "NCT00605566",
        "A Study of Drug X in Adults",
        "seed_page",
    )
    assert trial.conditions == ["Lung Cancer"]
    assert (trial.minimum_age, trial.maximum_age) == (
        AgeLimit(value=18, unit="years"),
        AgeLimit(value=75, unit="years"),
    )
    assert (trial.sex, trial.healthy_volunteers) == ("male", True)
    assert trial.criteria_text == criteria
    assert [(b.kind, b.text) for b in trial.bullets] == [
        ("inclusion", "Adult"),
        ("exclusion", "Pregnant"),
    ]


def test_page_with_lost_headings_warns(tmp_path: Path) -> None:
    criteria = "  \u2022 Adult\n  \u2022 ECOG 0-1\n\n\n  \u2022 Pregnant"
    path = tmp_path / "page.txt"
    path.write_text(PAGE.format(criteria=criteria))
    trial = only(path)
    assert [b.kind for b in trial.bullets] == ["inclusion", "inclusion", "exclusion"]
    assert trial.warnings == [LOST_HEADINGS]


def test_page_without_criteria_or_id_loads_with_warnings(tmp_path: Path) -> None:
    path = tmp_path / "001_summary.txt"
    path.write_text("Sorafenib in Neuroendocrine Tumors\nThis phase II trial is studying...\n")
    report = load_records(path)
    trial = report.trials[0]
    assert (trial.id, trial.title, trial.bullets) == (
        "001_summary",
        "Sorafenib in Neuroendocrine Tumors",
        [],
    )
    assert trial.warnings == [
        "no NCT id in the page; the file name is used as the id",
        "no eligibility criteria text",
    ]
    assert report.errors == []


def test_page_brief_title_line(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Viewing Study NCT06592989\n\nBrief Title: Sorafenib With Gefitinib\n")
    assert only(path).title == "Sorafenib With Gefitinib"


def test_page_table_layout_fields(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    path.write_text(
        "Sorafenib in Breast Cancer\nClinicalTrials.gov Identifier: NCT00573755 |\n"
        "Condition or disease | Intervention/treatment | Phase |\n---|---|---|\n"
        "Breast Cancer | Drug: sorafenib | Phase 2 |\n"
        "Ages Eligible for Study: | up to 17 Years (Child) |\n"
        "Genders Eligible for Study: | Both |\nAccepts Healthy Volunteers: | No |\n"
        "DISEASE CHARACTERISTICS:\n- Metastatic disease\n\n"
        "To learn more about this study, you or your doctor may contact the study staff.\n"
    )
    trial = only(path)
    assert trial.conditions == ["Breast Cancer"]
    assert (trial.minimum_age, trial.maximum_age) == (None, AgeLimit(value=17, unit="years"))
    assert (trial.sex, trial.healthy_volunteers) == ("all", False)
    assert [(b.section, b.text) for b in trial.bullets] == [
        ("DISEASE CHARACTERISTICS", "Metastatic disease")
    ]


def test_page_with_criteria_before_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text(
        "Study NCT ID: NCT06592989\nEligibility Criteria\n\nInclusion Criteria:\n\n* Adult\n\n"
        "Ages Eligible for Study: 18 Years and older\n\nContacts and Locations\nSomewhere\n"
    )
    trial = only(path)
    assert [b.text for b in trial.bullets] == ["Adult"]
    assert trial.criteria_text.startswith("Eligibility Criteria")
