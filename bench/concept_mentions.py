"""How many condition, drug and procedure mentions in criteria resolve to a concept.

A mention is the phrase after a word that introduces one ("history of", "diagnosis of",
"known", "prior", "active", "current", "treatment with", "receiving", "patients with",
"presence of", "evidence of", "no", "any", "uncontrolled", "severe", ...). It runs up to the next
delimiter: punctuation, a digit, "or", "and", "with", "within", "for", "that", "who", "requiring",
"as", "in", "of the", ... A mention resolves when the concept lexicon finds a concept that ends
where the phrase ends, so the phrase's head names a concept ("active hepatitis B" → hepatitis B).
A phrase of generic words only ("prior therapy", "medical condition", "no greater") is no mention.
Each bullet's mentions are counted once per distinct phrase.

    python bench/concept_mentions.py [CORPUS] [--without-icd10] [--top N]

`--without-icd10` measures the curated lexicon alone (before ICD-10-CM growth). Prints the share
and the most frequent unresolved phrases.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from trialscreen.lexicon import concepts
from trialscreen.trials.load import load_trials

ROOT = Path(__file__).resolve().parents[1]

_INTRO = re.compile(
    r"(?i)\b(?:history of|diagnosis of|diagnosed with|known|prior|previous|active|current|"
    r"treatment with|treated with|receiving|patients with|subjects with|participants with|"
    r"presence of|evidence of|no|any|uncontrolled|severe|significant|documented|suspected|"
    r"confirmed|underlying|concomitant|chronic|acute)\s+"
)
_STOP = re.compile(
    r"(?i)[,;:.()\[\]/\d]|\b(?:or|and|with|within|for|that|which|who|whom|requiring|as|in|"
    r"on|at|by|from|to|than|other|unless|except|including|such|e\.g|i\.e|is|are|was|were|be|"
    r"must|should|will|may|if|of the|during|after|before|since|per|defined|according)\b"
)
_FILLER = re.compile(
    r"(?i)^(?:a|an|the|any|known|prior|previous|active|current|other|clinically|significant|"
    r"severe|uncontrolled|history of|evidence of|diagnosis of|documented)\s+"
)


# words that name no entity by themselves: a phrase of only these is no mention ("no greater",
# "prior therapy", "medical condition", "active disease")
_GENERIC = frozenset(
    "greater more less fewer longer later earlier than therapy therapies treatment treatments "
    "disease diseases disorder disorders patient patients prior previous medical condition "
    "conditions grade illness illnesses acute active chronic drug drugs medication medications "
    "time participation sensitivity requirement recurrent contraindication contraindications "
    "cardiac psychological progression type phase exposure severe uncontrolled history new "
    "york heart association class iii iv ii i problems problem significant systemic serious "
    "concurrent current known use agents agent study investigational other evidence "
    "signs symptoms symptom sign event events procedure procedures surgery intervention "
    "major minor any all".split()
)


def mentions(text: str) -> list[str]:
    found: list[str] = []
    for intro in _INTRO.finditer(text):
        rest = text[intro.end() :]
        stop = _STOP.search(rest)
        phrase = rest[: stop.start()] if stop else rest
        phrase = " ".join(phrase.split())
        while True:
            stripped = _FILLER.sub("", phrase)
            if stripped == phrase:
                break
            phrase = stripped
        words = phrase.split()
        if 1 <= len(words) <= 6 and any(len(w) > 3 and w.lower() not in _GENERIC for w in words):
            found.append(phrase)
    return list(dict.fromkeys(found))


def resolves(phrase: str) -> bool:
    if concepts.lookup(phrase) is not None:
        return True
    hits = concepts.find_in(phrase)
    return bool(hits) and hits[-1][1] >= len(phrase.rstrip(" -"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--without-icd10", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    if args.without_icd10:  # the curated lexicon alone
        concepts._lexicon.cache_clear()  # noqa: SLF001
        curated = concepts._index(concepts._read("concepts.json"))  # noqa: SLF001
        concepts._lexicon = lambda: curated  # type: ignore[assignment]  # noqa: SLF001
    started = time.perf_counter()
    trials = load_trials(args.corpus)
    total = resolved = 0
    missing: Counter[str] = Counter()
    for trial in trials:
        for bullet in trial.bullets:
            for phrase in mentions(bullet.text):
                total += 1
                if resolves(phrase):
                    resolved += 1
                else:
                    missing[phrase.lower()] += 1
    lexicon = "curated only" if args.without_icd10 else "curated + ICD-10-CM"
    share = resolved / total if total else 0.0
    print(f"{lexicon}: {resolved} of {total} mentions resolve to a concept ({share:.1%})")
    print(f"  ({len(trials)} trials, {time.perf_counter() - started:.0f} s)")
    for phrase, count in missing.most_common(args.top):
        print(f"  {count:5d}  {phrase}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
