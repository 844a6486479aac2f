"""The one guarded reader every input file goes through: regular files only, within a size limit;
and the strict JSON of patient inputs (no key twice in an object).

A FIFO blocks forever when opened, a link to `/dev/zero` never ends, a socket cannot be read:
each is refused by its file type before it is opened. A regular file is read up to its limit
and refused past it (the read stops at the limit, so a file that grows while read cannot
exhaust memory either). Failures are `FileRefused`, one line naming the file.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MiB = 1024 * 1024
TRIAL_FILE_LIMIT = 1024 * MiB  # an API page or NDJSON of many studies; a zip is read by member
PATIENT_FILE_LIMIT = 256 * MiB  # a record or a FHIR bundle / bulk NDJSON export
LINE_LIMIT = 64 * MiB  # one line of a streamed NDJSON


class FileRefused(Exception):
    """A file that is not read: missing, a folder, not a regular file, too large, unreadable."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file; not read"
    return "not a regular file; not read"


def check_regular(path: Path) -> os.stat_result:
    """The file's status (links followed); FileRefused unless it is a regular file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise FileRefused(f"{path}: no such file") from None
    except OSError as failure:
        raise FileRefused(f"{path}: cannot read: {failure.strerror or failure}") from None
    if not stat.S_ISREG(status.st_mode):
        raise FileRefused(f"{path}: {_kind(status.st_mode)}")
    return status


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole file, if it is a regular file of at most `limit` bytes."""
    check_regular(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as failure:
        raise FileRefused(f"{path}: cannot read: {failure.strerror or failure}") from None
    if len(data) > limit:
        raise FileRefused(f"{path}: larger than {limit // MiB} MiB; not read")
    return data


def lines(path: Path, limit: int = LINE_LIMIT) -> Iterator[tuple[int, bytes | None]]:
    """The file's lines as bytes, numbered from 1, streamed; a line longer than `limit` comes
    as None (the caller names it) and the reading goes on after it."""
    check_regular(path)
    try:
        handle = path.open("rb")
    except OSError as failure:
        raise FileRefused(f"{path}: cannot read: {failure.strerror or failure}") from None
    with handle:
        number = 0
        while True:
            line = handle.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = handle.readline(limit + 1)
                yield number, None
                continue
            yield number, line


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members; a key written twice is an error (JSON would keep the last)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = ", ".join(repr(k) for k in list(out)[:4])
            raise ValueError(
                f"key {key!r} written twice in one object (beside {shown}); write it once"
            )
        out[key] = value
    return out


def parse_json(text: str) -> Any:
    """JSON of a patient input: a key written twice in an object is an error, and a number
    too long to read (more digits than Python converts) is one too. ValueError names it."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        if "digits" in str(exc):
            raise ValueError("a number with too many digits to read") from None
        raise
