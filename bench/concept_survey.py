"""Survey the corpus for recurring concept phrases, and measure lexicon coverage and speed.

Counts the few words after trigger phrases ("history of", "known", "prior", "concurrent", "no",
"patients with", "treatment with") across all eligibility criteria, then prints the most frequent
phrases, marking those the lexicon already recognises. Run: python bench/concept_survey.py [N]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from defusedxml import ElementTree

from trialscreen.lexicon import find_in, lookup

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TRIGGERS = r"history of|known|prior|previous|concurrent|concomitant|no|patients with|treatment with"
AFTER = re.compile(rf"\b(?:{TRIGGERS})\s+([a-z][a-z0-9'\- ]{{2,60}})", re.IGNORECASE)
STOP = re.compile(r"\b(?:or|and|within|for|in|of|that|which|who|with|to|at|is|are|as|by|on)\b")


def criteria_texts() -> Iterator[str]:
    """Every eligibility-criteria text in the corpus (v2 JSON and legacy XML)."""
    for path in sorted((CORPUS / "ctgov-v2").glob("*.json")):
        section = json.loads(path.read_text()).get("protocolSection", {})
        text = section.get("eligibilityModule", {}).get("eligibilityCriteria")
        if text:
            yield text
    for path in sorted((CORPUS / "ctgov-xml").glob("*/*.xml")):
        node = ElementTree.parse(path).find("eligibility/criteria/textblock")
        if node is not None and node.text:
            yield node.text


def phrases(text: str) -> Iterator[str]:
    """Candidate phrases: up to four words after a trigger, cut at the first function word."""
    for match in AFTER.finditer(text):
        words = STOP.split(match.group(1).lower())[0].split()[:4]
        for n in range(1, len(words) + 1):
            yield " ".join(words[:n])


def main(top: int = 300) -> None:
    texts = list(criteria_texts())
    counts: Counter[str] = Counter(p for t in texts for p in phrases(t))
    for phrase, n in counts.most_common(top):
        mark = "+" if lookup(phrase) else " "
        print(f"{n:6d} {mark} {phrase}")
    start = time.perf_counter()
    hits = sum(len(find_in(t)) for t in texts)
    took = time.perf_counter() - start
    chars = sum(map(len, texts))
    print(f"\n{len(texts)} texts, {chars:,} chars: {hits:,} concept mentions in {took:.2f}s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
