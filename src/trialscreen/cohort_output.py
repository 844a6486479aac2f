"""The `screen-cohort --out` file: one run's results, locked while written, safe to resume.

Its first line says what produced it: `{"type": "run", "engine": ..., "trials": ...,
"trial_count": ..., "as_of": ...}` (a hash of the installed engine's code and data, a hash of
every trial's document). A rerun on the same file keeps every patient whose summary line is
there (by patient key: id and record hash) and cuts any half-written tail, but only when that
first line matches the new run; otherwise it refuses, and `--restart` starts the file over. The
file is locked (an exclusive `flock`) for the whole run, so two runs cannot interleave rows, and
it may not be one of the run's inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from trialscreen.model.trial import Trial
from trialscreen.versions import code_version

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock
    fcntl = None  # type: ignore[assignment]

_ENGINE_SUFFIXES = (".py", ".json", ".txt", ".lark")


class OutputRefused(Exception):
    """The `--out` file cannot be used for this run; the message is one line."""


@cache
def engine_fingerprint() -> str:
    """The package version and a hash of every code and data file of the installed package."""
    return code_version(None, _ENGINE_SUFFIXES)


def run_header(trials: list[Trial], as_of: dt.date | None) -> dict[str, Any]:
    """The first line of an output: what the rows below it were produced by."""
    from trialscreen.store import document_key

    digest = hashlib.sha256()
    for trial in trials:
        digest.update(f"{document_key(trial)} {trial.healthy_volunteers}\n".encode())
    return {
        "type": "run",
        "engine": engine_fingerprint(),
        "trials": digest.hexdigest()[:16],
        "trial_count": len(trials),
        "as_of": as_of.isoformat() if as_of else None,
    }


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_place(path: Path, inputs: list[Path]) -> None:
    """Refuse a folder, a device or FIFO, a missing parent, or one of the run's inputs."""
    if path.is_dir():
        raise OutputRefused(f"--out {path}: is a folder; name a file")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise OutputRefused(f"--out {path}: not a regular file")
    if not path.resolve().parent.is_dir():
        raise OutputRefused(f"--out {path}: its folder does not exist")
    for given in inputs:
        inside = given.is_dir() and path.resolve().is_relative_to(given.resolve())
        if inside or _same_file(path, given):
            raise OutputRefused(f"--out {path}: is an input of this run ({given}); not written")


@dataclass
class CohortOutput:
    """An open, locked output: the patient keys already in it, and where new rows go."""

    path: Path
    handle: IO[bytes]
    done: set[str] = field(default_factory=set)

    @classmethod
    def open(
        cls, path: Path, header: dict[str, Any], inputs: list[Path], restart: bool = False
    ) -> CohortOutput:
        check_place(path, inputs)
        try:
            handle = path.open("a+b")
        except OSError as failure:
            raise OutputRefused(f"--out {path}: cannot write: {failure.strerror}") from None
        try:
            _lock(handle, path)
            if restart:
                handle.truncate(0)
            out = cls(path, handle)
            out._resume(header)
            return out
        except BaseException:
            handle.close()
            raise

    def _resume(self, header: dict[str, Any]) -> None:
        """Read what is there: check its first line, collect finished patients, cut the rest."""
        self.handle.seek(0)
        keep = 0
        offset = 0
        for number, raw in enumerate(self.handle, start=1):
            offset += len(raw)
            try:
                row = json.loads(raw)
            except ValueError:
                break
            if number == 1:
                _check_header(row, header, self.path)
                keep = offset
            elif isinstance(row, dict) and row.get("type") == "summary":
                self.done.add(str(row.get("patient_key")))
                keep = offset
        if offset and not keep:
            raise OutputRefused(
                f"--out {self.path}: not a screen-cohort output; --restart replaces it"
            )
        self.handle.truncate(keep)
        self.handle.seek(keep)
        if keep == 0:
            self.write([header])

    def write(self, rows: list[dict[str, Any]]) -> None:
        """One patient's rows, written together and flushed."""
        self.handle.write(ndjson(rows).encode("utf-8"))
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def ndjson(rows: list[dict[str, Any]]) -> str:
    """Rows as NDJSON text, one JSON object a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _lock(handle: IO[bytes], path: Path) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputRefused(f"--out {path}: in use by another screen-cohort run") from None
    except OSError:  # a file system without locks: go on unlocked
        pass


def _check_header(row: Any, header: dict[str, Any], path: Path) -> None:
    if not isinstance(row, dict) or row.get("type") != "run":
        raise OutputRefused(
            f"--out {path}: written without a run line (another tool or an older version); "
            "--restart starts it over"
        )
    changed = [k for k in ("engine", "trials", "trial_count", "as_of") if row.get(k) != header[k]]
    if changed:
        what = {"engine": "engine version", "trials": "trial set", "trial_count": "trial set"}
        named = sorted({what.get(k, k) for k in changed})
        raise OutputRefused(
            f"--out {path}: written by a run with another {' and '.join(named)}; "
            "--restart starts it over"
        )
