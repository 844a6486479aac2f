"""Over the whole ../shared/corpus: no bullet raises, every span lies inside its bullet."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import CORPUS, need_shared
from trialscreen.language.compiler import compile_criterion
from trialscreen.trials.load import load_records


def _spans(node: Any) -> list[tuple[int, int]]:
    out = [node.span]
    for item in getattr(node, "items", ()):
        out += _spans(item)
    for name in ("item", "then", "otherwise"):
        if hasattr(node, name):
            out += _spans(getattr(node, name))
    return out


@pytest.mark.corpus
def test_every_corpus_bullet_compiles_without_raising() -> None:
    report = load_records(need_shared(CORPUS))
    bullets = [(b.text, b.kind) for t in report.trials for b in t.bullets]
    assert len(bullets) > 70000
    statuses: dict[str, int] = {}
    for text, kind in bullets:
        compiled = compile_criterion(text, kind)
        statuses[compiled.status] = statuses.get(compiled.status, 0) + 1
        for start, end in _spans(compiled.predicate) + list(compiled.uncovered):
            assert 0 <= start <= end <= len(text), (text, start, end)
    assert set(statuses) <= {"compiled", "partial", "unparsed", "no_constraint"}
    assert statuses["compiled"] > 0
