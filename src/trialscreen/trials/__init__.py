"""Trial record readers (ClinicalTrials.gov JSON and XML, seed pages) and bullet segmentation."""

from trialscreen.trials.load import LoadReport, default_trials_path, load_records, load_trials
from trialscreen.trials.segment import segment

__all__ = ["LoadReport", "default_trials_path", "load_records", "load_trials", "segment"]
