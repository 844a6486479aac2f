"""The HTML reports of `match` and `screen` opened in a real headless Chromium (Debian's
`chromium` package): the page renders offline, its tables are there, text from the records
stays text. Skipped with a reason where no Chromium is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PATIENTS
from trialscreen.cli import app

BROWSER = next((b for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium here (Debian package `chromium`; .ci/run installs it where it can)",
)


def rendered(page: Path) -> str:
    """The DOM Chromium builds from the page, with the network off."""
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--proxy-server=127.0.0.1:9",  # no network: a page needing one would lose parts
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_match_report_renders(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["match", str(PATIENTS / "pt-0001-example.json"), "--format", "html", "--all"]
    )
    assert result.exit_code == 0
    page = tmp_path / "match.html"
    page.write_text(result.stdout, encoding="utf-8")
    dom = rendered(page)
    assert "<h2>Relevant trials (1)</h2>" in dom
    assert dom.count("<tr>") == 5 + 3  # five trials, one header row per section
    assert 'href="https://clinicaltrials.gov/study/NCT00605566"' in dom
    assert "fails: Major surgery within 4 weeks" in dom


def test_screen_report_renders(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "screen",
            str(PATIENTS / "pt-0001-example.json"),
            "--trial",
            "NCT00605566",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 0
    page = tmp_path / "screen.html"
    page.write_text(result.stdout, encoding="utf-8")
    dom = rendered(page)
    assert "<q>Histologically or cytologically confirmed neuroendocrine tumors</q>" in dom
    assert 'class="unknown"' in dom or 'class="pass"' in dom
