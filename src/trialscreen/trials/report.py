"""What a load returns: the trials, and one-line warnings and errors naming the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from trialscreen.model.trial import Trial


@dataclass
class LoadReport:
    """Trials read, with warnings (loaded anyway, or skipped) and errors (nothing read)."""

    trials: list[Trial] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def extend(self, other: LoadReport) -> None:
        """Append another report's trials and messages."""
        self.trials.extend(other.trials)
        self.warnings.extend(other.warnings)
        self.errors.extend(other.errors)

    def add_trial(self, trial: Trial, where: str) -> None:
        """Add a trial and repeat its own warnings, prefixed with where it came from."""
        self.trials.append(trial)
        self.warnings.extend(f"{where}: {trial.id}: {warning}" for warning in trial.warnings)
