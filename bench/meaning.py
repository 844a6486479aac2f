"""The meaning suite's figures (tests/meaning): right, wrong and undecided cases, per file.

python bench/meaning.py            # figures
python bench/meaning.py --wrong    # and every wrong answer, with the engine's reason
python bench/meaning.py --undecided FILE   # and the undecided cases of one file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "meaning"))

from suite import load_cases, outcome, summary, verdict  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wrong", action="store_true", help="list the wrong answers")
    parser.add_argument("--undecided", metavar="FILE", help="list the undecided cases of a file")
    args = parser.parse_args()
    results = []
    for case in load_cases():
        try:
            got, reason = outcome(case)
        except Exception as error:  # a case that cannot be run is shown, not hidden
            got, reason = "error", f"{type(error).__name__}: {error}"
            print(f"ERROR {case.file}:{case.id}: {reason}")
            continue
        results.append((case, got, reason))
        show = (args.wrong and verdict(case.expected, got) == "wrong") or (
            args.undecided == case.file and verdict(case.expected, got) == "undecided"
        )
        if show:
            print(f"{case.file}:{case.id} {case.trial} [{case.kind}] {case.text!r}")
            print(f"    patient {case.patient}")
            print(f"    expected {case.expected}, got {got}: {reason}")
            if case.note:
                print(f"    note: {case.note}")
    figures = summary(results)
    for name, tally in [*figures["files"].items(), ("TOTAL", figures["total"])]:
        expect = tally.get("expect_decision", 0)
        share = tally.get("decided_right", 0) / expect if expect else 0.0
        print(
            f"{name:26} cases {tally.get('cases', 0):4}  wrong {tally.get('wrong', 0):3}  "
            f"undecided {tally.get('undecided', 0):4}  decided share {share:6.1%}"
        )


if __name__ == "__main__":
    main()
