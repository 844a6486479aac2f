"""The one pint registry, clinical unit definitions and the analyte lexicon."""

from trialscreen.units.analytes import (
    Analyte,
    Kind,
    all_analytes,
    by_loinc,
    get,
    lookup,
    sources,
    suggest,
    synonyms,
    unit_allowed,
)
from trialscreen.units.registry import (
    UnitError,
    conversion_factor,
    parse_unit,
    to_canonical,
    ureg,
)

__all__ = [
    "Analyte",
    "Kind",
    "UnitError",
    "all_analytes",
    "by_loinc",
    "conversion_factor",
    "get",
    "lookup",
    "parse_unit",
    "sources",
    "suggest",
    "synonyms",
    "to_canonical",
    "unit_allowed",
    "ureg",
]
