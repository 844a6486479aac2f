"""trialscreen: eligibility-criteria screening for clinical trials."""
