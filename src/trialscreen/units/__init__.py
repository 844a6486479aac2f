"""The one pint registry, clinical unit definitions and the analyte lexicon."""
