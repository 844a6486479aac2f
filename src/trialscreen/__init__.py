"""trialscreen: eligibility-criteria screening for clinical trials.

The API: `load_trials(*paths)`, `load_patient(path_or_dict)`, `compile_criterion(text, kind)`,
`evaluate(compiled, patient)`, `screen(patient, trials)`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compile_criterion", "evaluate", "load_patient", "load_trials", "screen"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import the API lazily, so `import trialscreen` stays cheap."""
    if name in __all__ or name == "Evaluation":
        from trialscreen import api

        return getattr(api, name)
    raise AttributeError(name)
