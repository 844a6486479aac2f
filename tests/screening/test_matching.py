"""`match`: relevance through the concept hierarchy, sections and ranking, registry filters,
why not, what to collect next, and the CSV / HTML forms."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from trialscreen.api import load_patient
from trialscreen.api import match as api_match
from trialscreen.facts import build_facts
from trialscreen.fastpath import trial_plan
from trialscreen.formats import match_csv, match_html, screen_html
from trialscreen.matching import Filters, collect_next, match
from trialscreen.model.trial import Location, Registration, Trial
from trialscreen.relevance import relevance, trial_concepts
from trialscreen.trials.segment import segment


def make_trial(
    nct: str,
    conditions: list[str],
    criteria: str = "Inclusion Criteria:\n\n- ECOG 0-1\n",
    title: str = "A study",
    **registration: Any,
) -> Trial:
    bullets, headings = segment(criteria, style="plain")
    return Trial(
        id=nct,
        title=title,
        conditions=conditions,
        format="ctgov_xml",
        criteria_text=criteria,
        bullets=bullets,
        headings=headings,
        registration=Registration(**registration),
    )


def patient(conditions: list[dict[str, Any]], **more: Any) -> Any:
    record = {"id": "p", "as_of": "2026-11-01", "age": 60, "sex": "female"}
    record.update(conditions=conditions, **more)
    return load_patient(record)


BREAST = [{"name": "breast cancer", "status": "active"}]
METASTATIC_BREAST = [*BREAST, {"name": "brain metastases", "status": "active"}]


@pytest.mark.parametrize(
    ("conditions", "record", "score"),
    [
        (["Breast Neoplasms"], BREAST, 1.0),  # MeSH "Neoplasms" is cancer
        (["Metastatic Breast Cancer"], METASTATIC_BREAST, 0.9),  # made of the patient's
        (["Metastatic Breast Cancer"], BREAST, 0.6),  # a form the record does not state
        (["Lung Cancer"], [{"name": "non-small cell lung cancer", "status": "active"}], 0.8),
        (["Carcinoma, Non-Small-Cell Lung"], [{"name": "NSCLC", "status": "active"}], 1.0),
        (["Solid Tumor"], BREAST, 0.5),  # a broad class
        (["Glycogen Storage Disease"], BREAST, 0.0),
        (["Spinal Cord Neoplasms"], BREAST, 0.0),  # a kind the lexicon does not know
        (["Melanoma", "Neoplasm Metastasis"], BREAST, 0.0),  # broad shadowed by a narrower
        # only conditions recorded absent: nothing to be relevant to
        (["Breast Cancer"], [{"name": "breast cancer", "status": "absent"}], None),
        (["Breast Cancer"], [*BREAST, {"name": "hiv infection", "status": "absent"}], 1.0),
    ],
)
def test_relevance_through_the_hierarchy(
    conditions: list[str], record: list[dict[str, Any]], score: float | None
) -> None:
    facts = build_facts(patient(record))
    found = relevance(make_trial("NCT00000001", conditions), facts)
    assert (found.score if found else None) == score, found


def test_mesh_spellings_are_read() -> None:
    assert trial_concepts("Leukemia, Myeloid, Acute") == ("acute_myeloid_leukemia",)
    assert trial_concepts("Kidney Neoplasms") == ("kidney_cancer",)
    assert trial_concepts("Myeloid Malignancy") == ()  # not "cancer" with a word dropped


def test_a_marker_the_record_contradicts_halves_relevance() -> None:
    her2_negative = patient(BREAST, biomarkers=[{"name": "HER2", "result": "negative"}])
    trial = make_trial(
        "NCT00000002", ["Breast Cancer"], title="Trastuzumab in HER2-Positive Breast Cancer"
    )
    found = relevance(trial, build_facts(her2_negative))
    assert found is not None and found.score == 0.5 and "HER2" in found.because
    unknown = relevance(trial, build_facts(patient(BREAST)))
    assert unknown is not None and unknown.score == 1.0  # not stated: not contradicted


def test_metastases_of_another_cancer() -> None:
    liver = [
        {"name": "pancreatic neuroendocrine tumor", "status": "active"},
        {"name": "liver metastases", "status": "active"},
    ]
    trial = make_trial("NCT00000003", ["Colorectal Cancer", "Liver Metastases"])
    found = relevance(trial, build_facts(patient(liver)))
    assert found is not None and found.score == 0.5 and "Colorectal" in found.because


RCC = [{"name": "renal cell carcinoma", "status": "active"}]
PNET = [{"name": "pancreatic neuroendocrine tumor", "status": "active"}]


@pytest.mark.parametrize(
    ("conditions", "title", "record", "registration", "score", "because"),
    [
        # what the study does with the condition: prevents it, screens for it
        (
            ["Breast Cancer"],
            "Tamoxifen for the Prevention of Breast Cancer",
            BREAST,
            {},
            0.5,
            "prevent",
        ),
        (
            ["Prostate Cancer"],
            "Eflornithine in Patients At High Risk of Developing Prostate Cancer",
            [{"name": "prostate cancer", "status": "active"}],
            {},
            0.5,
            "prevent",
        ),
        (
            ["Breast Cancer"],
            "Letrozole in Preventing Recurrence of Breast Cancer",
            BREAST,
            {},
            1.0,
            "own",
        ),  # preventing its recurrence: for people who had it
        (
            ["Breast Cancer"],
            "Ondansetron in Preventing Nausea in Patients With Breast Cancer",
            BREAST,
            {"purpose": "prevention"},
            1.0,
            "own",
        ),  # the title names her disease
        (
            ["Breast Neoplasms", "Osteoporosis"],
            "Women's Health Initiative",
            BREAST,
            {"purpose": "prevention"},
            0.5,
            "prevent",
        ),
        (
            ["Breast Cancer"],
            "Digital Mammography Screening Trial",
            BREAST,
            {"purpose": "screening"},
            0.5,
            "screening",
        ),
        (
            ["Breast Cancer"],
            "MRI to Detect Breast Tumors in Women",
            BREAST,
            {"purpose": "diagnostic"},
            0.5,
            "prevent or find",
        ),
        (
            ["Melanoma"],
            "Detection of Melanoma Markers in Blood of Patients With Melanoma",
            [{"name": "melanoma", "status": "active"}],
            {"purpose": "diagnostic"},
            1.0,
            "own",
        ),
        # another age group's form
        (
            ["Unspecified Childhood Solid Tumor, Protocol Specific"],
            "A study",
            BREAST,
            {},
            0.25,
            "childhood",
        ),
        # the holder the trial names is another form of it
        (
            ["Kidney Cancer", "Sarcoma"],
            "Chemotherapy for Ewing's Sarcoma or Wilms' Tumor",
            RCC,
            {},
            0.4,
            "wilms",
        ),
        (
            ["Kidney Cancer", "Sarcoma"],
            "Surgery for Lung Metastases From Soft Tissue Sarcoma",
            RCC,
            {},
            0.4,
            "sarcoma",
        ),
        (["Kidney Cancer"], "Sunitinib in Metastatic Kidney Cancer", RCC, {}, 0.8, "holds"),
        # another organ named
        (
            ["Neuroendocrine Carcinoma of the Skin"],
            "Chemotherapy for Merkel Cell Cancer",
            PNET,
            {},
            0.0,
            None,
        ),
        (["Neuroendocrine Tumors of the Pancreas"], "A study", PNET, {}, 0.6, "qualified"),
    ],
)
def test_what_the_trial_does_with_the_condition(
    conditions: list[str],
    title: str,
    record: list[dict[str, Any]],
    registration: dict[str, Any],
    score: float,
    because: str | None,
) -> None:
    trial = make_trial("NCT00000004", conditions, title=title, **registration)
    found = relevance(trial, build_facts(patient(record)))
    assert found is not None and found.score == score, found
    assert because is None or because in found.because.lower(), found


def test_a_childhood_form_fits_a_child_and_a_state_the_record_contradicts() -> None:
    trial = make_trial("NCT00000005", ["Childhood Acute Lymphoblastic Leukemia"])
    child = patient([{"name": "acute lymphoblastic leukemia", "status": "active"}], age=9)
    adult = patient([{"name": "acute lymphoblastic leukemia", "status": "active"}], age=45)
    child_fit, adult_fit = (relevance(trial, build_facts(p)) for p in (child, adult))
    assert child_fit is not None and adult_fit is not None
    assert child_fit.score == 2 * adult_fit.score > 0
    premenopausal = make_trial(
        "NCT00000006", ["Breast Cancer"], title="Raloxifene in Premenopausal Women"
    )
    post = patient(BREAST, menopausal_status="postmenopausal")
    found = relevance(premenopausal, build_facts(post))
    assert found is not None and found.score == 0.5 and "premenopausal" in found.because
    unstated = relevance(premenopausal, build_facts(patient(BREAST)))
    assert unstated is not None and unstated.score == 1.0
    non_pregnant = make_trial("NCT00000007", ["Breast Cancer"], title="Non-Pregnant Women")
    found = relevance(non_pregnant, build_facts(patient(BREAST, pregnant=False)))
    assert found is not None and found.score == 1.0


def _ranked(record: Any, trials: list[Trial], filters: Filters | None = None) -> list[str]:
    facts = build_facts(record)
    report = match(facts, trials, [trial_plan(t) for t in trials], filters or Filters())
    return [f"{row.section}:{row.trial.id}:{row.result.verdict}" for row in report.rows]


ECOG_1 = {"observations": [{"name": "ECOG", "value": 1, "date": "2026-10-20"}]}


def test_sections_and_order() -> None:
    record = patient(BREAST, **ECOG_1)
    trials = [
        make_trial("NCT00000010", ["Glycogen Storage Disease"]),  # eligible, not relevant
        make_trial("NCT00000011", ["Breast Cancer"], "Inclusion Criteria:\n\n- ECOG 0\n"),
        make_trial("NCT00000012", ["Breast Cancer"], "Inclusion Criteria:\n\n- ANC >= 1500/mm3\n"),
        make_trial("NCT00000013", ["Breast Cancer"]),  # eligible
        make_trial("NCT00000014", ["Solid Tumors"]),  # eligible, broadly relevant
        make_trial("NCT00000015", ["Breast Cancer"], ""),  # no criteria
    ]
    assert _ranked(record, trials) == [
        "relevant:NCT00000013:eligible",
        "relevant:NCT00000012:undetermined",
        "relevant:NCT00000014:eligible",  # a broad class, but one the patient may join
        "relevant:NCT00000011:ineligible",  # below every relevant trial she may join
        "not_relevant:NCT00000010:eligible",
        "no_criteria:NCT00000015:no_criteria",
    ]


def test_no_condition_on_record_ranks_by_verdict_alone() -> None:
    record = load_patient({"id": "p", "as_of": "2026-11-01", "age": 60, "sex": "female", **ECOG_1})
    trials = [
        make_trial("NCT00000020", ["Breast Cancer"], "Inclusion Criteria:\n\n- ECOG 0\n"),
        make_trial("NCT00000021", ["Asthma"]),
    ]
    assert _ranked(record, trials) == [
        "screened:NCT00000021:eligible",
        "screened:NCT00000020:ineligible",
    ]


def test_filters() -> None:
    record = patient(BREAST, **ECOG_1)
    trials = [
        make_trial(
            "NCT00000030",
            ["Breast Cancer"],
            status="recruiting",
            phases=("phase2",),
            locations=(Location(city="Milan", country="Italy"),),
        ),
        make_trial(
            "NCT00000031",
            ["Breast Cancer"],
            status="completed",
            phases=("phase3",),
            locations=(Location(country="United States"),),
        ),
    ]
    ids = lambda f: [r.split(":")[1] for r in _ranked(record, trials, f)]  # noqa: E731
    assert ids(Filters(status=("Recruiting",))) == ["NCT00000030"]
    assert ids(Filters(phase=("3",))) == ["NCT00000031"]
    assert ids(Filters(phase=("Phase 2",))) == ["NCT00000030"]
    assert ids(Filters(country=("italy",))) == ["NCT00000030"]
    assert ids(Filters(condition="breast")) == ["NCT00000030", "NCT00000031"]
    assert ids(Filters(condition="asthma")) == []
    high = _ranked(
        record, [make_trial("NCT00000032", ["Solid Tumors"])], Filters(min_relevance=0.6)
    )
    assert high == ["not_relevant:NCT00000032:eligible"]


def test_why_not_and_what_to_collect() -> None:
    record = patient(BREAST, **ECOG_1)
    trials = [
        make_trial("NCT00000040", ["Breast Cancer"], "Inclusion Criteria:\n\n- ECOG 0\n"),
        make_trial("NCT00000041", ["Breast Cancer"], "Inclusion Criteria:\n\n- ANC >= 1500/mm3\n"),
        make_trial(
            "NCT00000042",
            ["Breast Cancer"],
            "Inclusion Criteria:\n\n- ANC >= 1500/mm3\n- Platelets >= 100,000/mm3\n",
        ),
    ]
    report = api_match(record, trials)
    failed = next(r for r in report.rows if r.result.verdict == "ineligible")
    assert failed.why_not is not None and failed.why_not["criterion"] == "ECOG 0"
    assert failed.why_not["evidence"]
    wanted = {item["item"]: item for item in report.collect_next}
    anc = next(v for k, v in wanted.items() if "neutrophil" in k.lower() or "anc" in k.lower())
    assert (anc["trials"], anc["settles"]) == (2, 1)


def test_collect_next_ignores_decided_trials() -> None:
    assert collect_next([]) == []


def _doc(record: Any, trials: list[Trial]) -> dict[str, Any]:
    report = api_match(record, trials)
    return {
        "patient": record.id,
        "as_of": "2026-11-01",
        "trials": len(trials),
        "counts": report.counts,
        "collect_next": report.collect_next,
        "matches": [r.to_json() for r in report.shown(True)],
    }


def test_csv_and_html_forms() -> None:
    record = patient(BREAST, **ECOG_1)
    trials = [
        make_trial(
            "NCT00000050",
            ["Breast Cancer"],
            "Inclusion Criteria:\n\n- ECOG 0\n",
            title="<script>alert(1)</script> & co",
        ),
        make_trial("NCT00000051", ["Breast Cancer"]),
    ]
    doc = _doc(record, trials)
    rows = list(csv.DictReader(io.StringIO(match_csv(doc))))
    assert [r["trial_id"] for r in rows] == ["NCT00000051", "NCT00000050"]
    assert rows[1]["verdict"] == "ineligible" and "ECOG 0" in rows[1]["why_not"]
    page = match_html(doc)
    assert page.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in page
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert 'href="https://clinicaltrials.gov/study/NCT00000050"' in page


def test_screen_html_shows_each_criterion() -> None:
    from trialscreen.api import screen

    record = patient(BREAST, **ECOG_1)
    trial = make_trial("NCT00000060", ["Breast Cancer"], "Inclusion Criteria:\n\n- ECOG 0\n")
    result = screen(record, [trial])[0]
    page = screen_html({"patient": "p", "as_of": "2026-11-01", "trials": [result.to_json()]})
    assert "<q>ECOG 0</q>" in page and 'class="fail"' in page


def test_filter_spellings_and_refusals() -> None:
    assert Filters(phase=("2", "II", "phase2")).phase == ("phase2", "phase2", "phase2")
    assert Filters(phase=("1/2",)).phase == ("phase1", "phase2")
    assert Filters(phase=("early1", "N/A")).phase == ("early_phase1", "na")
    assert Filters(status=("Not yet recruiting",)).status == ("not_yet_recruiting",)
    for bad in ({"status": ("open",)}, {"phase": ("pilot",)}, {"country": ("",)}):
        with pytest.raises(ValueError):
            Filters(**bad)  # type: ignore[arg-type]


def test_zero_relevance_is_never_relevant() -> None:
    record = patient(BREAST, **ECOG_1)
    rows = _ranked(record, [make_trial("NCT00000070", ["Asthma"])], Filters(min_relevance=0))
    assert rows == ["not_relevant:NCT00000070:eligible"]


def test_ended_absent_and_indexing_terms() -> None:
    ended = build_facts(
        patient([{"name": "acute myeloid leukemia", "status": "resolved"}, *BREAST])
    )
    aml = relevance(make_trial("NCT00000080", ["Acute Myeloid Leukemia"]), ended)
    assert aml is not None and aml.score == 0.75 and "ended" in aml.because
    no_brain = build_facts(
        patient(
            [
                {"name": "renal cell carcinoma", "status": "active"},
                {"name": "brain metastases", "status": "absent"},
            ]
        )
    )
    trial = make_trial("NCT00000081", ["Kidney Cancer", "Brain Metastases"])
    found = relevance(trial, no_brain)
    assert found is not None and found.score == 0.4 and "no brain metastases" in found.because
    net = build_facts(patient([{"name": "neuroendocrine tumor", "status": "active"}]))
    merkel = make_trial(
        "NCT00000082", ["Merkel Cell Carcinoma"], mesh_terms=("Carcinoma, Neuroendocrine",)
    )
    found = relevance(merkel, net)
    assert found is not None and found.score == 0.0  # MeSH indexes; the condition says what it is


def test_csv_cells_are_not_formulas() -> None:
    record = patient(BREAST, **ECOG_1)
    doc = _doc(record, [make_trial("NCT00000090", ["Breast Cancer"], title="=HYPERLINK(1)")])
    rows = list(csv.DictReader(io.StringIO(match_csv(doc))))
    assert rows[0]["title"] == "'=HYPERLINK(1)"
