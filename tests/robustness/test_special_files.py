"""Every file is read through one guarded reader: a FIFO, a link to a device, a socket or a
folder where a file is expected gets one line naming it, and never blocks or grows without end.

Each case runs the command line in a subprocess with a timeout, so a regression fails the test
instead of hanging the suite."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PATIENTS, ROOT
from trialscreen import files

SEEDS = ROOT / "seeds"
EXAMPLE = PATIENTS / "pt-0001-example.json"
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "trialscreen", "--no-cache", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def specials(folder: Path) -> dict[str, Path]:
    """A FIFO, a link to /dev/zero, a link to /dev/null and a socket, in `folder`."""
    folder.mkdir(exist_ok=True)
    made = {"fifo": folder / "fifo.json", "zero": folder / "zero.json"}
    os.mkfifo(made["fifo"])
    made["zero"].symlink_to("/dev/zero")
    made["null"] = folder / "null.json"
    made["null"].symlink_to("/dev/null")
    sock = socket.socket(socket.AF_UNIX)
    made["socket"] = folder / "s.json"
    sock.bind(str(made["socket"]))
    sock.close()
    return made


@pytest.mark.parametrize("kind", ["fifo", "zero", "null", "socket"])
def test_the_guarded_reader_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = specials(tmp_path)[kind]
    with pytest.raises(files.FileRefused, match="not a regular file") as refused:
        files.read_bytes(path, files.PATIENT_FILE_LIMIT)
    assert str(refused.value).startswith(str(path))


def test_a_file_over_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 5000)
    with pytest.raises(files.FileRefused, match="larger than"):
        files.read_bytes(big, 4096)
    assert files.read_bytes(big, 5000) == b" " * 5000


def test_a_very_long_ndjson_line_is_named_and_the_next_read(tmp_path: Path) -> None:
    src = tmp_path / "c.ndjson"
    src.write_bytes(b"x" * 100 + b"\n" + b"y" * 10 + b"\n")
    got = list(files.lines(src, limit=50))
    assert got == [(1, None), (2, b"y" * 10 + b"\n")]


@pytest.mark.parametrize("kind", ["fifo", "zero", "socket"])
@pytest.mark.parametrize("command", ["screen", "validate", "import-fhir", "screen-cohort"])
def test_a_special_patient_path_is_one_line(tmp_path: Path, kind: str, command: str) -> None:
    path = specials(tmp_path)[kind]
    done = cli(command, str(path), *(["--trials", str(SEEDS)] if "screen" in command else []))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}: {files._kind(path.stat().st_mode)}"]
    assert "Traceback" not in done.stderr


def test_special_files_in_a_trial_folder_are_named_and_the_rest_loads(tmp_path: Path) -> None:
    folder = tmp_path / "trials"
    made = specials(folder)
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    done = cli("trials", "--trials", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    for path in made.values():
        assert f"error: {path}: " in done.stderr
    assert done.stdout.count('"id"') >= 5


def test_a_special_file_named_as_the_trials_is_one_line(tmp_path: Path) -> None:
    fifo = specials(tmp_path)["fifo"]
    done = cli("screen", str(EXAMPLE), "--trials", str(fifo))
    assert done.returncode == 2 and f"error: {fifo}: a FIFO" in done.stderr


def test_special_files_in_a_patient_folder_are_errors_and_the_rest_screened(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "patients"
    made = specials(folder)
    (folder / "a.json").write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / "out.ndjson"
    done = cli("screen-cohort", str(folder), "--trials", str(SEEDS), "--out", str(out))
    assert done.returncode == 2
    for kind in ("fifo", "zero", "socket"):
        assert f"error: {made[kind]}: " in done.stderr
    assert "screened: 1" in done.stderr
