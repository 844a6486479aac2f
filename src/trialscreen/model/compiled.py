"""A compiled criterion: the bullet, its predicate tree, status, flags and uncovered text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from trialscreen.model.predicate import Predicate, Span
from trialscreen.model.trial import CriterionKind

Status = Literal["compiled", "partial", "unparsed"]


class CompiledCriterion(BaseModel):
    """What one bullet compiled to. `uncovered` lists spans of meaningful text no node used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    kind: CriterionKind
    predicate: Predicate
    status: Status
    flags: tuple[str, ...] = ()
    uncovered: tuple[Span, ...] = ()
    canonical: str = ""

    def uncovered_text(self) -> list[str]:
        """The uncovered pieces of the bullet, in order."""
        return [self.text[start:end] for start, end in self.uncovered]
