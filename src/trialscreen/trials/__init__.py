"""Trial record readers (ClinicalTrials.gov JSON and XML, seed pages) and bullet segmentation."""
