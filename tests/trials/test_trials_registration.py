"""Registry fields (status, phase, study type, keywords, MeSH terms, interventions, sites, dates,
enrollment) from every source, in one spelling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trialscreen.trials.load import load_records, load_trials
from trialscreen.trials.registration import (
    date_of,
    phases_of,
    purpose_of,
    status_of,
    study_type_of,
)

ROOT = Path(__file__).resolve().parents[2]

XML = """<?xml version="1.0"?>
<clinical_study>
  <id_info><nct_id>NCT00000102</nct_id></id_info>
  <brief_title>Nifedipine in CAH</brief_title>
  <overall_status>Active, not recruiting</overall_status>
  <start_date type="Actual">June 20, 2017</start_date>
  <completion_date>December 2019</completion_date>
  <phase>Phase 1/Phase 2</phase>
  <study_type>Interventional</study_type>
  <study_design_info><primary_purpose>Basic Science</primary_purpose></study_design_info>
  <enrollment type="Actual">26</enrollment>
  <condition>Congenital Adrenal Hyperplasia</condition>
  <intervention><intervention_type>Drug</intervention_type>
    <intervention_name>Nifedipine</intervention_name></intervention>
  <eligibility><criteria><textblock>Inclusion Criteria:
  - diagnosed with CAH</textblock></criteria><gender>All</gender></eligibility>
  <location><facility><name>MUSC</name><address><city>Charleston</city>
    <state>South Carolina</state><country>United States</country></address></facility></location>
  <keyword>adrenal</keyword>
  <condition_browse><mesh_term>Adrenal Hyperplasia, Congenital</mesh_term></condition_browse>
</clinical_study>
"""


def study_v2() -> dict[str, object]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00576225", "briefTitle": "CT-2103 in NSCLC"},
            "statusModule": {
                "overallStatus": "NOT_YET_RECRUITING",
                "startDateStruct": {"date": "2007-09"},
                "completionDateStruct": {"date": "2010-04-05"},
            },
            "conditionsModule": {"conditions": ["NSCLC"], "keywords": ["NSCLC", "paclitaxel"]},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "designInfo": {"primaryPurpose": "SUPPORTIVE_CARE"},
                "phases": ["PHASE2", "PHASE3"],
                "enrollmentInfo": {"count": 600},
            },
            "armsInterventionsModule": {
                "interventions": [{"type": "DIETARY_SUPPLEMENT", "name": "Vitamin D"}]
            },
            "contactsLocationsModule": {
                "locations": [
                    {"facility": "Mayo", "city": "Scottsdale", "country": "United States"}
                ]
            },
            "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* NSCLC"},
        },
        "derivedSection": {
            "conditionBrowseModule": {
                "meshes": [{"id": "D002289", "term": "Carcinoma, Non-Small-Cell Lung"}]
            }
        },
    }


def test_xml_registration(tmp_path: Path) -> None:
    path = tmp_path / "NCT00000102.xml"
    path.write_text(XML)
    trial = load_trials(path)[0]
    reg = trial.registration
    assert reg.status == "active_not_recruiting"
    assert reg.phases == ("phase1", "phase2")
    assert reg.study_type == "interventional" and reg.purpose == "basic_science"
    assert reg.enrollment == 26
    assert (reg.start_date, reg.completion_date) == ("2017-06-20", "2019-12")
    assert reg.keywords == ("adrenal",)
    assert reg.mesh_terms == ("Adrenal Hyperplasia, Congenital",)
    assert reg.interventions == ("Drug: Nifedipine",)
    assert reg.countries == ("United States",)
    assert reg.locations[0].city == "Charleston"
    assert trial.url == "https://clinicaltrials.gov/study/NCT00000102"
    assert not trial.warnings


def test_v2_registration(tmp_path: Path) -> None:
    path = tmp_path / "NCT00576225.json"
    path.write_text(json.dumps(study_v2()))
    reg = load_trials(path)[0].registration
    assert reg.status == "not_yet_recruiting"
    assert reg.phases == ("phase2", "phase3")
    assert reg.study_type == "interventional" and reg.purpose == "supportive_care"
    assert reg.enrollment == 600
    assert (reg.start_date, reg.completion_date) == ("2007-09", "2010-04-05")
    assert reg.keywords == ("NSCLC", "paclitaxel")
    assert reg.mesh_terms == ("Carcinoma, Non-Small-Cell Lung",)
    assert reg.interventions == ("Dietary Supplement: Vitamin D",)
    assert reg.countries == ("United States",)


def test_value_not_understood_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "NCT00000102.xml"
    path.write_text(
        XML.replace("Active, not recruiting", "Paused for lunch")
        .replace("Phase 1/Phase 2", "Stage X")
        .replace("Basic Science", "Curiosity")
    )
    report = load_records(path)
    trial = report.trials[0]
    assert trial.registration.status is None and trial.registration.phases == ()
    assert any("status 'Paused for lunch' not understood" in w for w in trial.warnings)
    assert any("phase 'Stage X' not understood" in w for w in trial.warnings)
    assert any("purpose 'Curiosity' not understood" in w for w in trial.warnings)


def test_seed_pages() -> None:
    trials = {t.id: t for t in load_trials(ROOT / "seeds")}
    old = trials["NCT00605566"].registration  # "This study has been completed."
    assert (old.status, old.phases, old.enrollment, old.start_date) == (
        "completed",
        ("phase2",),
        22,
        "2008-01",
    )
    assert "Carcinoid Tumor" in old.mesh_terms and old.keywords == ()
    assert old.countries == ("Canada",)
    assert old.purpose == "supportive_care"  # "Primary Purpose: Supportive Care", no-break spaces
    table = trials["NCT00573755"].registration  # "Recruitment Status :" with the value below
    assert (table.status, table.phases, table.enrollment) == ("terminated", ("phase2",), 4)
    assert table.countries == ("United States",)
    assert [site.city for site in table.locations] == ["Scottsdale", "Jacksonville", "Rochester"]
    recruiting = trials["NCT01444807"].registration
    assert recruiting.status == "recruiting" and recruiting.countries == ("Italy",)
    assert recruiting.keywords == ("metastatic renal cell carcinoma",)
    assert trials["NCT06592989"].registration.status == "not_yet_recruiting"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Recruiting", "recruiting"),
        ("ENROLLING_BY_INVITATION", "enrolling_by_invitation"),
        ("Unknown status", "unknown"),
        ("This study is ongoing, but not recruiting participants.", "active_not_recruiting"),
        ("This study is not yet open for participant recruitment.", "not_yet_recruiting"),
        ("This study has been withdrawn prior to enrollment.", "withdrawn"),
        ("soon", None),
    ],
)
def test_status_spellings(text: str, status: str | None) -> None:
    assert status_of(text) == status


def test_phase_type_and_date_spellings() -> None:
    assert phases_of("Phase I/II") == ("phase1", "phase2")
    assert phases_of(["EARLY_PHASE1"]) == ("early_phase1",)
    assert phases_of("N/A") == ("na",)
    assert phases_of("Pilot") is None
    assert study_type_of("Observational [Patient Registry]") == "observational"
    assert study_type_of("Interventional (Clinical Trial)") == "interventional"
    assert purpose_of("Educational/Counseling/Training") == "educational"
    assert purpose_of("HEALTH_SERVICES_RESEARCH") == "health_services_research"
    assert purpose_of("Cure") is None
    assert date_of("Sept 2008") == "2008-09"
    assert date_of("February 30, 2008") is None
    assert date_of("2008-13") is None
