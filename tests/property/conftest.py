"""Hypothesis profiles for the property tests; choose one with HYPOTHESIS_PROFILE (default dev).

- dev: the default, quick enough to run on every change.
- ci: twice the examples, derandomised (the same examples every run), no deadline, and a
  reproduction blob printed with every failure.
- fuzz: a long hunt for counterexamples, run by hand.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=100)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=20000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
