"""The store never takes a command down: a file that is not SQLite, truncated, of another
schema, read-only, or whose folder cannot be made falls back to compiling in memory with one
warning; `index --db` on such a file is one line and exit 2; a read-only store is read, not
written, and gives the same results."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PATIENTS, ROOT
from trialscreen import database
from trialscreen.cli import app
from trialscreen.database import StoreUnavailable, connect
from trialscreen.store import TrialStore

runner = CliRunner()
SEEDS = ROOT / "seeds"
EXAMPLE = PATIENTS / "pt-0001-example.json"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("error:")]


def store_warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if "store not used" in line]


def indexed(tmp_path: Path) -> Path:
    db = tmp_path / "good.sqlite3"
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 0, err
    return db


def bad_stores(tmp_path: Path) -> dict[str, Path]:
    made = {}
    made["not-sqlite"] = tmp_path / "text.sqlite3"
    made["not-sqlite"].write_text("hello, not a database\n", encoding="utf-8")
    made["truncated"] = tmp_path / "cut.sqlite3"
    made["truncated"].write_bytes(indexed(tmp_path).read_bytes()[:3000])
    made["other-schema"] = tmp_path / "other.sqlite3"
    with sqlite3.connect(made["other-schema"]) as conn:
        conn.execute("CREATE TABLE trials (name TEXT, value INTEGER)")
    made["empty-file"] = tmp_path / "empty.sqlite3"
    made["empty-file"].write_bytes(b"")  # SQLite takes an empty file as a new database
    return made


@pytest.mark.parametrize("kind", ["not-sqlite", "truncated", "other-schema"])
def test_index_on_a_bad_file_is_one_line_exit_2(tmp_path: Path, kind: str) -> None:
    db = bad_stores(tmp_path)[kind]
    before = db.read_bytes()
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 2 and len(errors(err)) == 1 and str(db.name) in errors(err)[0]
    assert "Traceback" not in err and db.read_bytes() == before


def test_index_on_an_empty_file_makes_it_a_store(tmp_path: Path) -> None:
    db = bad_stores(tmp_path)["empty-file"]
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 0, err


@pytest.mark.parametrize("kind", ["not-sqlite", "truncated", "other-schema"])
@pytest.mark.parametrize("command", ["screen", "match", "audit", "screen-cohort"])
def test_every_command_falls_back_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, command: str
) -> None:
    monkeypatch.setenv("TRIALSCREEN_STORE", str(bad_stores(tmp_path)[kind]))
    target = "NCT01444807" if command == "audit" else str(EXAMPLE)
    args = [command, target, "--trials", str(SEEDS)] + ([] if "cohort" in command else ["--json"])
    code, out, err = invoke(*args)
    assert code == 0, err
    assert len(store_warnings(err)) == 1 and not errors(err)
    monkeypatch.setenv("TRIALSCREEN_NO_CACHE", "1")
    assert invoke(*args)[1] == out


def test_a_store_whose_folder_cannot_be_made_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TRIALSCREEN_STORE", str(blocker / "sub" / "store.sqlite3"))
    code, _, err = invoke("screen", str(EXAMPLE), "--trials", str(SEEDS))
    assert code == 0 and len(store_warnings(err)) == 1
    with pytest.raises(StoreUnavailable, match="sub"):
        connect(blocker / "sub" / "store.sqlite3")


def test_a_folder_where_the_store_file_should_be_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable):
        TrialStore.open(tmp_path)


def _read_only(monkeypatch: pytest.MonkeyPatch, folder_too: bool) -> None:
    """Make the store look read-only to trialscreen (root ignores file permissions)."""
    real = os.access

    def access(path: object, mode: int) -> bool:
        if mode == os.W_OK and str(path).endswith(".sqlite3"):
            return False
        if mode == os.W_OK and folder_too:
            return False
        return real(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(database.os, "access", access)


@pytest.mark.parametrize("folder_too", [False, True])
def test_a_read_only_store_is_read_and_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder_too: bool
) -> None:
    db = indexed(tmp_path)
    code, expected, _ = invoke(
        "--no-cache", "match", str(EXAMPLE), "--trials", str(SEEDS), "--json"
    )
    monkeypatch.setenv("TRIALSCREEN_STORE", str(db))
    _read_only(monkeypatch, folder_too)
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    code, out, err = invoke("match", str(EXAMPLE), "--trials", str(SEEDS), "--json")
    assert code == 0 and not store_warnings(err), err
    assert json.loads(out) == json.loads(expected)
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    with TrialStore.open(db) as store:
        assert not store.writable and store.stats().current == 5
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 2 and errors(err) == [f"error: {db}: read-only; index cannot write it"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_store_with_real_read_only_permissions_opens(tmp_path: Path) -> None:
    db = indexed(tmp_path)
    db.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with TrialStore.open(db) as store:
            assert not store.writable and store.stats().current == 5
    finally:
        tmp_path.chmod(0o755)


def test_a_damaged_phrase_row_is_read_again_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.sqlite3"
    monkeypatch.setenv("TRIALSCREEN_STORE", str(db))
    args = ("match", str(EXAMPLE), "--trials", str(SEEDS), "--json")
    code, first, _ = invoke(*args)
    assert code == 0
    with sqlite3.connect(db) as conn:  # a changed reading, and one naming no known concept
        conn.execute("UPDATE phrases SET concepts = 'deadbeefdeadbeef no_such_concept'")
        conn.execute("UPDATE phrases SET plain = 1 - plain")
    code, again, err = invoke(*args)
    assert code == 0 and not errors(err), err
    assert json.loads(again) == json.loads(first)


def test_a_store_an_older_version_wrote_is_upgraded_not_refused(tmp_path: Path) -> None:
    """A user's cache from before an upgrade (a `records` table of an older version beside
    today's tables) used to be refused for good: every run warned and compiled in memory."""
    db = indexed(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA application_id = 0")
        conn.execute(
            "CREATE TABLE records (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns "
            "INTEGER NOT NULL, digest TEXT NOT NULL, reader TEXT NOT NULL, report BLOB NOT NULL)"
        )
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 0 and not errors(err), err
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mark = conn.execute("PRAGMA application_id").fetchone()[0]
    assert tables == set(database.TABLES) and mark == database.APPLICATION_ID


def test_a_file_marked_by_another_program_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "theirs.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute(database.TABLES["trials"])  # even with a table like ours
    before = db.read_bytes()
    code, _, err = invoke("index", "--trials", str(SEEDS), "--db", str(db))
    assert code == 2 and "not a trialscreen store" in err
    assert db.read_bytes() == before


def test_a_new_store_carries_the_mark(tmp_path: Path) -> None:
    with sqlite3.connect(indexed(tmp_path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
