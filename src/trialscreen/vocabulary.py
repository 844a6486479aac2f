"""The names a record may use, from the three lexicons (`trialscreen names`): lab tests and
scores (analytes), conditions/treatments/procedures/states (concepts), tumour markers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from trialscreen.lexicon import biomarkers, concepts
from trialscreen.units import analytes

KINDS = ("analytes", "concepts", "biomarkers")


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry as a user looks it up: the spelling to write, what it is, every
    other accepted name, and its codes."""

    kind: str  # analytes / concepts / biomarkers
    id: str
    name: str
    about: str  # analyte: canonical unit or "score"; concept: category; marker: its kind
    synonyms: tuple[str, ...]
    codes: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def entries(kind: str) -> list[Entry]:
    """Every entry of one lexicon, in file order."""
    if kind == "analytes":
        return [
            Entry(
                kind,
                a.id,
                a.name,
                a.canonical_unit or a.kind,
                tuple(a.synonyms),
                tuple(f"LOINC {c}" for c in a.loinc),
            )
            for a in analytes.all_analytes()
        ]
    if kind == "concepts":
        return [
            Entry(
                kind,
                c.id,
                c.name,
                c.category,
                tuple(c.synonyms),
                tuple(f"{system} {code}" for system, codes in c.codes.items() for code in codes),
            )
            for c in concepts.all_concepts()
        ]
    if kind == "biomarkers":
        return [
            Entry(
                kind,
                m.id,
                m.name,
                m.kind + (f" ({m.unit})" if m.unit else ""),
                tuple(m.synonyms) + tuple(m.phrases),
                tuple(f"LOINC {c}" for c in m.loinc),
            )
            for m in biomarkers.all_markers()
        ]
    raise ValueError(f"unknown vocabulary {kind!r} (one of {', '.join(KINDS)})")


def search(kind: str | None, query: str | None) -> list[Entry]:
    """Entries whose id, name, a synonym or a code contains the query (case-insensitive); with
    no exact hit, the entries of the closest names. No query: every entry."""
    kinds = [kind] if kind else list(KINDS)
    everything = [e for k in kinds for e in entries(k)]
    if not query:
        return everything
    needle = query.strip().lower()
    hits = [
        e
        for e in everything
        if any(needle in text.lower() for text in (e.id, e.name, *e.synonyms, *e.codes))
    ]
    if hits:
        return hits
    close = {
        "analytes": analytes.suggest,
        "concepts": concepts.suggest,
        "biomarkers": biomarkers.suggest,
    }
    names = {n.lower() for k in kinds for n in close[k](query)}
    return [e for e in everything if names & {t.lower() for t in (e.name, *e.synonyms)}]
