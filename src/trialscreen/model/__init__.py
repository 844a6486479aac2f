"""Pydantic models: trials and their criteria, patients, and predicate trees."""
