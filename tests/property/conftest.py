"""Hypothesis profiles for the property tests; choose one with HYPOTHESIS_PROFILE (default dev).

- dev: the default, quick enough to run on every change.
- ci: twice the examples, derandomised (the same examples every run), no deadline, and a
  reproduction blob printed with every failure.
- fuzz: a long hunt for counterexamples, run by hand.
"""

from __future__ import annotations

import contextlib
import os
import warnings

from hypothesis import settings

settings.register_profile("dev", max_examples=100)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=20000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# On a failure, hypothesis's pytest plugin imports its patch writer (hypothesis.extra._patching),
# which imports libcst, which imports mypy_extensions.TypedDict: a DeprecationWarning that
# `filterwarnings = error` turns into an INTERNALERROR ending the session before any failure is
# reported. Importing it once here, with that one warning ignored, lets failures be reported.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "mypy_extensions.TypedDict is deprecated", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401
