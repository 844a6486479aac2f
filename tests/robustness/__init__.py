"""Hostile input, nothing lost: bad trial files, bad patient records, bounded fuzzing."""
