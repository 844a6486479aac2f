"""trialscreen: eligibility-criteria screening for clinical trials.

The API: `load_trials(*paths)`, `load_patient(path_or_dict)`, `compile_criterion(text, kind)`,
`evaluate(compiled, patient)`, `screen(patient, trials)`, `match(patient, trials, ...)`,
`validate_patient(path_or_dict)`.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Imported eagerly: the names `evaluate` and `screen` must be these functions, not the
# submodules `trialscreen.evaluate` / `trialscreen.screening` that importing them loads.
from trialscreen.api import (  # noqa: E402
    Evaluation,
    compile_criterion,
    evaluate,
    load_patient,
    load_trials,
    match,
    screen,
    validate_patient,
)

__all__ = [
    "Evaluation",
    "compile_criterion",
    "evaluate",
    "load_patient",
    "load_trials",
    "match",
    "screen",
    "validate_patient",
]
