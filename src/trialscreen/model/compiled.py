"""A compiled criterion: the bullet, its predicate tree, status, flags and uncovered text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from trialscreen.model.predicate import Predicate, Span
from trialscreen.model.trial import CriterionKind

Status = Literal["compiled", "partial", "unparsed", "no_constraint"]


class CompiledCriterion(BaseModel):
    """What one bullet compiled to. `uncovered` lists spans of meaningful text no node used;
    flags starting with "structure:" say what the list around the bullet did to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    kind: CriterionKind
    predicate: Predicate
    status: Status
    flags: tuple[str, ...] = ()
    uncovered: tuple[Span, ...] = ()
    canonical: str = ""
    # set by the document pass (language/structure.py): the group the bullet applies to
    # ("For patients with liver metastases:"); outside it the bullet constrains nobody
    applies_if: Predicate | None = None

    def uncovered_text(self) -> list[str]:
        """The uncovered pieces of the bullet, in order."""
        return [self.text[start:end] for start, end in self.uncovered]
