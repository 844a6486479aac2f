"""The whole ../shared corpus: every record loads, and nothing of any criteria text is lost."""

from __future__ import annotations

import pytest

from conftest import CORPUS, need_shared
from trialscreen.trials.load import LoadReport, load_records
from trialscreen.trials.text import source_offsets, span_problems

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus() -> LoadReport:
    """The corpus, loaded once for this module."""
    return load_records(need_shared(CORPUS))


def test_corpus_loads_without_errors(corpus: LoadReport) -> None:
    assert corpus.errors == []
    assert len(corpus.trials) == 5893
    assert sum(len(trial.bullets) for trial in corpus.trials) > 70_000
    assert all(warning.startswith(str(CORPUS)) for warning in corpus.warnings)


def test_every_character_is_in_exactly_one_span(corpus: LoadReport) -> None:
    problems = []
    for trial in corpus.trials:
        spans = [bullet.span for bullet in trial.bullets] + [h.span for h in trial.headings]
        problems += [f"{trial.source}: {p}" for p in span_problems(trial.criteria_text, spans)]
    assert problems == []


def test_bullets_come_from_their_spans_and_nest_backwards(corpus: LoadReport) -> None:
    problems = []
    for trial in corpus.trials:
        for bullet in trial.bullets:
            if (
                not bullet.text
                or source_offsets(trial.criteria_text, bullet.text, bullet.span) is None
            ):
                problems.append(f"{trial.source}: bullet {bullet.index} text is not from its span")
            if bullet.parent is not None and not 0 <= bullet.parent < bullet.index:
                problems.append(f"{trial.source}: bullet {bullet.index} has parent {bullet.parent}")
    assert problems == []
