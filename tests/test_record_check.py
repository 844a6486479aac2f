"""Nothing in a record goes unread without a word: `validate`, warnings on every input path,
`names`, and treatments recorded as never received."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trialscreen import validate_patient
from trialscreen.cli import app
from trialscreen.facts import build_facts
from trialscreen.language.compiler import compile_criterion
from trialscreen.records import check_record, read_patient
from trialscreen.screening import judge

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SYNTHEA = ROOT.parent / "shared" / "patients-fhir" / "synthea-mcode-breast"

RECORD: dict[str, Any] = {
    "id": "p1",
    "as_of": "2026-11-01",
    "age": 54,
    "observations": [
        {"name": "ANC", "value": 2.1, "unit": "10^9/L", "date": "2026-10-20"},
        {"name": "flux capacitance", "value": 30, "unit": "mm/h"},
    ],
    "conditions": [{"name": "breast cancer"}, {"name": "hypertensoin"}],
    "treatments": [{"name": "flux therapy", "category": "other"}],
    "adverse_events": [{"term": "zorbled", "grade": 1}],
    "biomarkers": [{"name": "HER9", "result": "positive"}],
}


def test_every_unread_name_is_a_warning_naming_its_field() -> None:
    check = check_record(RECORD)
    assert check.errors == [] and check.patient is not None
    fields = [w.split(": ")[0] for w in check.warnings]
    assert fields == [
        "observations[1].name",
        "conditions[1].name",
        "treatments[0].name",
        "adverse_events[0].term",
        "biomarkers[0].name",
    ]
    # the closest known names, where there are some
    assert "(closest: hypertension" in check.warnings[1]


def test_validate_prints_all_and_exits_0_on_warnings_only(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(RECORD), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.count("warning: ") == 5
    assert f"{path}: ok (0 errors, 5 warnings)" in result.stdout


def test_validate_several_files_exit_2_when_one_has_errors(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(RECORD), encoding="utf-8")
    bad.write_text(json.dumps({**RECORD, "age": -3, "sex": "f"}), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--json", str(good), str(bad)])
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [f["patient"] for f in files] == ["p1", None]
    assert [e.split(": ")[1] for e in files[1]["errors"]] == ["age", "sex"]


def test_screen_shows_the_warnings_and_still_screens(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(RECORD), encoding="utf-8")
    result = runner.invoke(app, ["check", "ANC >= 1500/mm3", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["outcome"] == "pass"
    assert f"warning: {path}: conditions[1].name: 'hypertensoin'" in result.stderr


def test_the_api_returns_the_warnings() -> None:
    check = validate_patient(RECORD)
    assert check.patient is not None and len(check.warnings) == 5
    refused = validate_patient({**RECORD, "age": "old"})
    assert refused.patient is None and refused.errors[0].startswith("age: ")


def test_cohort_summary_lines_carry_the_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(RECORD), encoding="utf-8")
    out = tmp_path / "out.ndjson"
    result = runner.invoke(app, ["screen-cohort", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    summary = [r for r in rows if r.get("type") == "summary"][0]
    assert len(summary["warnings"]) == 5


@pytest.mark.skipif(not SYNTHEA.exists(), reason="needs ../shared/patients-fhir")
def test_a_fhir_bundle_names_the_tests_it_does_not_read_in_one_warning() -> None:
    bundle = sorted(SYNTHEA.glob("*.json"))[0]
    check = validate_patient(bundle)
    assert check.errors == [] and check.patient is not None
    unread = [w for w in check.warnings if "tests the analyte lexicon does not know" in w]
    assert len(unread) == 1, check.warnings


# ---- treatments recorded as never received ----------------------------------------------------


def _decide(text: str, kind: str, treatments: list[dict[str, Any]]) -> bool | None:
    patient = read_patient({"id": "t", "as_of": "2026-11-01", "treatments": treatments})
    result, _ = judge(compile_criterion(text, kind), build_facts(patient))
    return result.met


def test_never_received_decides_prior_treatment_criteria() -> None:
    never = [{"name": "cisplatin", "category": "chemotherapy", "status": "absent"}]
    assert _decide("Prior treatment with cisplatin", "exclusion", never) is False
    assert _decide("No prior cisplatin", "inclusion", never) is True
    # says nothing of the category: other chemotherapy may have been given
    assert _decide("Prior chemotherapy", "exclusion", never) is None


def test_never_received_with_a_date_is_an_error() -> None:
    check = check_record(
        {
            "id": "t",
            "as_of": "2026-11-01",
            "treatments": [{"name": "cisplatin", "status": "absent", "end": "2026-01-01"}],
        }
    )
    assert check.errors == ["treatments[0].status: absent (never received) with a date"]


# ---- names ------------------------------------------------------------------------------------


def test_names_finds_the_spelling_to_write() -> None:
    result = runner.invoke(app, ["names", "analytes", "neutrophil", "--json"])
    assert result.exit_code == 0
    ids = [e["id"] for e in json.loads(result.stdout)["entries"]]
    assert "anc" in ids
    # the kind may be left out; a misspelling finds the closest entries
    doc = json.loads(runner.invoke(app, ["names", "hypertensoin", "--json"]).stdout)
    assert "hypertension" in [e["id"] for e in doc["entries"]]
    doc = json.loads(runner.invoke(app, ["names", "biomarkers", "HER2", "--json"]).stdout)
    assert [e["id"] for e in doc["entries"]] == ["her2"]


def test_names_with_nothing_close_is_exit_2() -> None:
    result = runner.invoke(app, ["names", "concepts", "qqqqzzzz"])
    assert result.exit_code == 2 and "no name contains 'qqqqzzzz'" in result.stderr


# ---- partial dates ----------------------------------------------------------------------------


def _age_outcome(text: str, record: dict[str, Any]) -> bool | None:
    patient = read_patient({"id": "t", "as_of": "2026-11-01", **record})
    result, _ = judge(compile_criterion(text), build_facts(patient))
    return result.met


def test_a_birth_year_is_an_age_interval() -> None:
    born = {"birth_date": "1961"}  # 64 or 65 on 2026-11-01
    check = check_record({"id": "t", "as_of": "2026-11-01", **born})
    assert check.errors == []
    assert check.warnings == ["birth_date: '1961' is a partial date; ages are read as an interval"]
    assert _age_outcome("Age >= 18 years", born) is True
    assert _age_outcome("Age >= 65 years", born) is None  # the birthday may be after 1 November
    assert _age_outcome("Age >= 66 years", born) is False
    assert _age_outcome("Age 65 years or younger", born) is True
    # a month narrows it: born in March 1961 is 65 on 2026-11-01
    assert _age_outcome("Age >= 65 years", {"birth_date": "1961-03"}) is True


def test_other_partial_dates_keep_the_entry_without_its_day() -> None:
    record = {
        "treatments": [
            {"name": "cisplatin", "category": "chemotherapy", "end": "2026-10"},
            {"name": "letrozole", "category": "hormonal", "start": "2019"},
        ],
        "conditions": [{"name": "breast cancer", "onset": "2019-05"}],
        "observations": [{"name": "ANC", "value": 2.0, "unit": "10^9/L", "date": "2026-10"}],
    }
    check = check_record({"id": "t", "as_of": "2026-11-01", **record})
    assert check.errors == [] and len(check.warnings) == 4
    assert (
        "treatments[0].end: '2026-10' is a partial date; timing to the day is not known"
        in check.warnings
    )
    # received: yes; within 4 weeks: not known to the day (October may be 1 to 31 days ago)
    assert _age_outcome("Prior cisplatin", record) is True
    assert _age_outcome("No chemotherapy within 4 weeks prior to entry", record) is None
    # the course ended: it is not read as ongoing
    assert _age_outcome("Currently receiving cisplatin", record) is not True
    # a lab of an unknown day decides nothing
    assert _age_outcome("ANC >= 1500/mm3", record) is None


def test_a_partial_date_after_as_of_is_an_error() -> None:
    check = check_record({"id": "t", "as_of": "2026-11-01", "birth_date": "2027"})
    assert check.errors == ["birth_date: 2027 is after as_of 2026-11-01"]


def test_screen_cohort_takes_as_of(tmp_path: Path) -> None:
    folder = tmp_path / "patients"
    folder.mkdir()
    example = (ROOT / "patients" / "pt-0001-example.json").read_text(encoding="utf-8")
    (folder / "a.json").write_text(example, encoding="utf-8")

    def summary(*extra: str) -> dict[str, Any]:
        out = tmp_path / f"out{len(extra)}{extra[-1] if extra else ''}.ndjson"
        result = runner.invoke(app, ["screen-cohort", str(folder), "--out", str(out), *extra])
        assert result.exit_code == 0, result.stderr
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        return [r for r in rows if r.get("type") == "summary"][0] if rows else {}

    now, later = summary(), summary("--as-of", "2027-09-01")
    assert now["trials"] == later["trials"] and now != later  # labs from 2026 are stale by then
    # a screening date before the record's lab dates refuses the record, naming the field
    result = runner.invoke(app, ["screen-cohort", str(folder), "--as-of", "2020-01-01"])
    assert "is after as_of 2020-01-01" in result.stderr


def test_the_schema_describes_every_field_with_partial_dates() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    models = [("Patient", schema), *schema["$defs"].items()]
    undocumented = [
        f"{name}.{field}"
        for name, model in models
        for field, prop in model.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undocumented == []
    onset = schema["$defs"]["Condition"]["properties"]["onset"]
    assert {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"} in onset["anyOf"]
    assert schema["$defs"]["Treatment"]["properties"]["status"]["examples"] == [
        "completed",
        "absent",
    ]


def test_a_lab_dated_by_a_month_may_be_the_newest_so_none_stands_for_today() -> None:
    record = {
        "observations": [
            {"name": "ANC", "value": 3.0, "unit": "10^9/L", "date": "2026-10-05"},
            {"name": "ANC", "value": 0.8, "unit": "10^9/L", "date": "2026-10"},
        ]
    }
    assert _age_outcome("ANC >= 1500/mm3", record) is None
    # a month that ended before the dated value does not hide it
    record["observations"][1]["date"] = "2026-08"
    assert _age_outcome("ANC >= 1500/mm3", record) is True


def test_a_condition_that_ended_with_no_status_written_is_not_current() -> None:
    for end in ("2019-06-01", "2019"):
        record = {"conditions": [{"name": "hepatitis B", "onset": "2015-01-01", "end": end}]}
        assert _age_outcome("Active hepatitis B", record) is False, end
