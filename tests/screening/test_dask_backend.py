"""The Dask backend writes what the local backend writes (needs the [dask] extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PATIENTS
from trialscreen.cli import app

pytest.importorskip("dask.distributed", reason="the Dask backend needs the [dask] extra")


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::ResourceWarning", "ignore::UserWarning"
)
def test_dask_local_cluster_matches_local_backend(tmp_path: Path) -> None:
    runner = CliRunner()
    local, dask = tmp_path / "local.ndjson", tmp_path / "dask.ndjson"
    assert runner.invoke(app, ["screen-cohort", str(PATIENTS), "--out", str(local)]).exit_code == 0
    result = runner.invoke(
        app, ["screen-cohort", str(PATIENTS), "--out", str(dask), "--backend", "dask"]
    )
    assert result.exit_code == 0, result.stderr
    assert dask.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")
