"""Thresholds that differ by sex ("QTc > 470 ms for women or > 450 ms for men", "creatinine
<= 1.4 (men) / <= 1.2 (women)") keep each branch with its sex: a branch on the patient's sex,
whether the author joined them with "or" or "and". Another or unknown sex decides only where both
thresholds agree; a threshold for one sex alone is not read."""

from __future__ import annotations

from typing import Any

import pytest
from test_durations import both

from trialscreen.language.compiler import compile_criterion

QTC = "QTc > 470 ms for women or > 450 ms for men"
HB = "Hemoglobin ≥ 12 g/dL for women and ≥ 13 g/dL for men"
CREAT = "Serum creatinine ≤ 1.4 mg/dL (men) or ≤ 1.2 mg/dL (women)"


def qtc(value: float, **record: Any) -> dict[str, Any]:
    return {"observations": [{"name": "QTc", "value": value, "unit": "ms", "date": "2026-10-25"}],
            **record}  # fmt: skip


def hb(value: float, **record: Any) -> dict[str, Any]:
    obs = {"name": "hemoglobin", "value": value, "unit": "g/dL", "date": "2026-10-25"}
    return {"observations": [obs], **record}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (QTC, "QTc > 450 ms (> 470 ms if female sex)"),
        (HB, "Hemoglobin >= 13 g/dL (>= 12 g/dL if female sex)"),
        (CREAT, "Creatinine <= 1.4 mg/dL (<= 1.2 mg/dL if female sex)"),
        ("QTcF > 450 msec in males or > 470 msec in females", "QTc > 450 msec (> 470 msec if female sex)"),
        ("Creatinine ≤ 1.5 mg/dL (≤ 1.3 mg/dL for women)", "Creatinine <= 1.5 mg/dL (<= 1.3 mg/dL if female sex)"),
    ],
)  # fmt: skip
def test_compiled(text: str, canonical: str) -> None:
    compiled = compile_criterion(text, "inclusion")
    assert compiled.status == "compiled", compiled.uncovered_text()
    assert compiled.canonical == canonical


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (qtc(460, sex="female"), "pass"),  # under the women's limit
        (qtc(460, sex="male"), "fail"),  # over the men's
        (qtc(480, sex="female"), "fail"),
        (qtc(440, sex="male"), "pass"),
        (qtc(460), "unknown"),  # which limit?
        (qtc(460, sex="other"), "unknown"),
        (qtc(440), "pass"),  # under both
        (qtc(480, sex="unknown"), "fail"),  # over both
    ],
)
def test_qtc_by_sex(record: dict[str, Any], expected: str) -> None:
    assert both(QTC, "exclusion", **record) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (hb(12.5, sex="female"), "pass"),
        (hb(12.5, sex="male"), "fail"),  # "and" does not make a man meet the women's too
        (hb(13.5, sex="male"), "pass"),
        (hb(11.5, sex="female"), "fail"),
        (hb(12.5), "unknown"),
    ],
)
def test_hemoglobin_by_sex(record: dict[str, Any], expected: str) -> None:
    assert both(HB, "inclusion", **record) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hemoglobin ≥ 9 g/dL for women",  # and for men?
        "QTc > 470 ms for women or > 450 ms for women",
        "QTc > 450 ms or > 470 ms for women",
    ],
)
def test_one_sex_alone_is_not_read(text: str) -> None:
    assert compile_criterion(text, "exclusion").status != "compiled"
