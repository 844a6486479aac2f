"""Versions of the installed code: the package version and a hash of the files a result
depends on, so that a kept result (a compiled trial, a read record, a cohort output) is used
only by the code that made it. Hashing the files, not what they build, keeps this cheap: the
grammar's lexicon terminals are made from the lexicon files hashed here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import trialscreen


def package_dir() -> Path:
    return Path(trialscreen.__file__).resolve().parent


def code_version(
    packages: Sequence[str] | None, suffixes: Sequence[str], extra: Iterable[Path] = ()
) -> str:
    """`version+hash` of the files with these suffixes in these sub-packages (None: the whole
    package), and of `extra` files, in a fixed order."""
    root = package_dir()
    tops = [root / p for p in packages] if packages is not None else [root]
    found = sorted(
        p
        for top in tops
        for p in top.rglob("*")
        if p.suffix in suffixes and "__pycache__" not in p.parts and p.is_file()
    )
    digest = hashlib.sha256(trialscreen.__version__.encode("utf-8"))
    for path in found:
        digest.update(path.relative_to(root).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    for path in extra:
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return f"{trialscreen.__version__}+{digest.hexdigest()[:16]}"
