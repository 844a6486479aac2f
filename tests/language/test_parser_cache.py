"""The built parser is kept on disk between runs, where that can be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialscreen.language.parser import _parser_cache


def test_the_cache_lives_in_a_writable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIALSCREEN_PARSER_CACHE", str(tmp_path / "cache"))
    assert _parser_cache() == str(tmp_path / "cache" / "parser.lark")
    assert (tmp_path / "cache").is_dir()


def test_no_cache_where_the_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRIALSCREEN_PARSER_CACHE", str(blocker / "cache"))
    assert _parser_cache() is False
