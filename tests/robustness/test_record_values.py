"""Record values that must be refused, each naming its field: reference ranges that are not
finite, negative or inverted; scores off their scale's steps; values no lab reports in the given
unit; a LOINC code and a name for two different tests; a key written twice; a date written as a
number; a number too long to read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trialscreen.cli import app
from trialscreen.records import check_record

runner = CliRunner()
BASE: dict[str, Any] = {"id": "pt-v", "as_of": "2026-11-01", "birth_date": "1961-04-02"}
ALT = {"name": "ALT", "value": 61, "unit": "U/L", "date": "2026-10-28"}


def errors(**fields: Any) -> list[str]:
    return check_record({**BASE, **fields}).errors


@pytest.mark.parametrize(
    ("reference_range", "field", "says"),
    [
        ({"low": 7, "high": float("inf")}, "reference_range.high", "not a finite number"),
        ({"low": float("nan"), "high": 55}, "reference_range.low", "not a finite number"),
        ({"low": -7, "high": 55}, "reference_range.low", "negative"),
        ({"low": 70, "high": 55}, "reference_range", "low 70 is not below high 55"),
        ({"low": 55, "high": 55}, "reference_range", "not below"),
    ],
)
def test_reference_ranges_must_be_finite_positive_and_ordered(
    reference_range: dict[str, float], field: str, says: str
) -> None:
    found = errors(observations=[{**ALT, "reference_range": reference_range}])
    assert (
        len(found) == 1 and found[0].startswith(f"observations[0].{field}: ") and says in found[0]
    )


def test_a_good_reference_range_is_kept() -> None:
    assert errors(observations=[{**ALT, "reference_range": {"low": 0, "high": 55}}]) == []


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("ECOG", 1.9, False),
        ("ECOG", 2, True),
        ("Karnofsky", 75, False),
        ("Karnofsky", 70, True),
        ("EDSS", 3.5, True),
        ("EDSS", 3.3, False),
        ("NYHA", 2.5, False),
    ],
)
def test_scores_are_on_their_scale_steps(name: str, value: float, ok: bool) -> None:
    found = errors(observations=[{"name": name, "value": value, "date": "2026-10-28"}])
    assert (found == []) is ok
    if not ok:
        assert found[0].startswith("observations[0].value: ") and "steps of" in found[0]


@pytest.mark.parametrize(
    ("obs", "ok"),
    [
        ({"name": "creatinine", "value": 1.8, "unit": "umol/L"}, False),  # 0.02 mg/dL
        ({"name": "creatinine", "value": 1.8, "unit": "mg/dL"}, True),
        ({"name": "creatinine", "value": 159, "unit": "umol/L"}, True),
        ({"name": "ANC", "value": 1500, "unit": "10^9/L"}, False),  # per uL written as 10^9/L
        ({"name": "ANC", "value": 0, "unit": "10^9/L"}, True),  # zero: below detection
        ({"name": "systolic blood pressure", "value": 1420, "unit": "mmHg"}, False),
        ({"name": "troponin", "value": 0.0001, "unit": "ng/mL", "comparator": "<"}, True),
        # real extremes load: a 450 g newborn, ferritin in HLH, a CK in rhabdomyolysis
        ({"name": "body weight", "value": 450, "unit": "g"}, True),
        ({"name": "ferritin", "value": 150000, "unit": "ng/mL"}, True),
        ({"name": "CK", "value": 250000, "unit": "U/L"}, True),
    ],
)
def test_values_outside_the_plausible_range_in_their_unit(obs: dict[str, Any], ok: bool) -> None:
    found = errors(observations=[{**obs, "date": "2026-10-28"}])
    assert (found == []) is ok, found
    if not ok:
        assert found[0].startswith("observations[0].value: ") and "not a plausible" in found[0]


def test_a_code_and_a_name_of_two_tests_is_an_error_naming_the_code() -> None:
    obs = {"name": "ALT", "code": "2160-0", "value": 1.1, "unit": "mg/dL", "date": "2026-10-28"}
    found = errors(observations=[obs])
    assert len(found) == 1 and found[0].startswith("observations[0].code: LOINC 2160-0 is")
    same = {"name": "creatinine", "code": "2160-0", "value": 1.1, "unit": "mg/dL"}
    assert errors(observations=[{**same, "date": "2026-10-28"}]) == []


@pytest.mark.parametrize("field", ["birth_date", "as_of"])
def test_a_date_written_as_a_number_is_an_error(field: str) -> None:
    found = errors(**{field: 86400})
    assert found == [f"{field}: a date is written as text, YYYY-MM-DD (not int)"]


def test_a_lab_date_written_as_a_number_is_an_error() -> None:
    found = errors(observations=[{**ALT, "date": 20261028}])
    assert found == ["observations[0].date: a date is written as text, YYYY-MM-DD (not int)"]


def cli_error(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    return result.exit_code, [line for line in result.stderr.splitlines() if line]


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    text = json.dumps(BASE)[:-1] + ', "sex": "female", "sex": "male"}'
    code, lines = cli_error(tmp_path, text)
    assert code == 2 and len(lines) == 1 and "key 'sex' written twice" in lines[0]


def test_a_number_too_long_to_read_is_one_line(tmp_path: Path) -> None:
    obs = json.dumps({**ALT, "value": 0}).replace('"value": 0', '"value": 1' + "0" * 5000)
    code, lines = cli_error(tmp_path, json.dumps(BASE)[:-1] + f', "observations": [{obs}]}}')
    assert code == 2 and lines == [
        f"error: {tmp_path / 'p.json'}: a number with too many digits to read"
    ]
