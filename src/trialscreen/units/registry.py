"""The one pint registry for the program, clinical unit spellings, and conversion factors.

Unit texts from eligibility criteria and patient records ("10*9/L", "K/uL", "mm[Hg]", "U/L",
"mL/min/1.73 m²") are rewritten into pint names, then parsed by `ureg`. Definitions that pint
lacks (cells, IU, mEq, the molar-mass and valence contexts) live in clinical_units.txt.

Policies:
- U and IU are one unit with its own dimension ("[enzyme_unit]"), distinct from pint's U = umol/min.
- "/1.73 m²" is a label: a normalised eGFR/CrCl in mL/min/1.73 m² and a crude mL/min are
  compared directly (factor 1), as eligibility text does.
- Units on a score (ECOG, Karnofsky "70%") are labels: the factor is 1.
- For an analyte, a pure number (%, ratio) never converts to or from a ratio of amounts
  (mmol/mol): HbA1c in % (NGSP) and mmol/mol (IFCC) are not proportional.
- Factors are rounded to 15 significant digits, so exact decimal relations stay exact
  (1/mm³ = 1/µL, 10⁹/L = 10³/µL) and a threshold never drifts across a unit change.
"""

from __future__ import annotations

import functools
import re
import threading
import tokenize
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

import pint

if TYPE_CHECKING:
    from trialscreen.units.analytes import Analyte

__all__ = [
    "UnitError",
    "conversion",
    "conversion_factor",
    "log_inner",
    "parse_unit",
    "to_canonical",
    "ureg",
]


class UnitError(ValueError):
    """A unit text that does not parse, or two units that do not convert."""


def _pint_cache() -> str | None:
    """Where pint keeps its parsed definitions between runs (the user cache folder, as the
    parser's tables: `TRIALSCREEN_PARSER_CACHE` overrides it), or None when it cannot be written:
    building the registry then takes ~0.1 s more."""
    import os

    from platformdirs import user_cache_dir

    folder = os.path.join(
        os.environ.get("TRIALSCREEN_PARSER_CACHE") or user_cache_dir("trialscreen"), "pint"
    )
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _make_registry() -> pint.UnitRegistry[float]:
    """Pint's defaults plus clinical_units.txt, read as package data (works from a wheel); pint's
    own definitions come from its disk cache when there is one (a cache it cannot read is not
    used)."""
    text = resources.files(__package__).joinpath("clinical_units.txt").read_text("utf-8")
    folder = _pint_cache()
    for cache_folder in ([folder] if folder else []) + [None]:
        try:
            registry: pint.UnitRegistry[float] = pint.UnitRegistry(
                cache_folder=cache_folder, on_redefinition="raise"
            )
            registry.load_definitions(text.splitlines())
            return registry
        except Exception:  # a damaged cache file: build from the definitions instead
            if cache_folder is None:
                raise
    raise AssertionError("unreachable")


ureg: pint.UnitRegistry[float] = _make_registry()

# pint's registry is not thread-safe while contexts are enabled: one lock for every use here.
_LOCK = threading.RLock()

# pint's expression parser can also fail on malformed text with assertions and tokenizer errors.
_PINT_ERRORS = (
    pint.PintError,
    AssertionError,
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    IndexError,
    SyntaxError,
    ZeroDivisionError,
    OverflowError,
    tokenize.TokenError,
)

# ---- normalisation: clinical spellings -> pint expressions ---------------------------------

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_COUNT_MULTIPLE = {"3": "kilocount", "6": "megacount", "9": "gigacount", "12": "teracount"}
_PINT_TEXT = re.compile(r"[A-Za-z0-9_/*^.()%‰ -]+")  # what a normalised unit may contain
_DIMENSIONLESS_WORDS = frozenset(
    {"", "1", "ratio", "index", "inr", "score", "points", "unitless", "dimensionless"}
)


def _count_multiple(match: re.Match[str]) -> str:
    """'10^9' -> 'gigacount'; an exponent without a prefix name is an unknown unit."""
    name = _COUNT_MULTIPLE.get(match.group(1))
    if name is None:
        raise UnitError(f"unsupported count multiple 10^{match.group(1)}")
    return name


_Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
_RULES: tuple[_Rule, ...] = (
    (re.compile(r"[\u00a0\u2009\u202f]"), " "),  # no-break and thin spaces
    (re.compile(r"[µμ]"), "u"),  # both micro signs
    (re.compile(r"[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"), lambda m: "^" + m.group().translate(_SUPERSCRIPT)),
    (re.compile(r"\s+per\s+", re.I), "/"),
    # "kilograms per square meter", "kg per meter squared" (BMI)
    (re.compile(r"\bsquare\s+met(?:er|re)s?\b|\bmet(?:er|re)s?\s+squared\b", re.I), "m^2"),
    (re.compile(r"\{[^{}]*\}"), ""),  # UCUM annotations: {cells}/uL, {ratio}
    # "/1.73 m²" is a label (see module docstring)
    (re.compile(r"\s*/\s*\(?\s*1[.,]73\s*(?:_?(?:m\^?2|sq\.?\s*m|qm))?\s*\)?", re.I), ""),
    (re.compile(r"/\s*\(?\s*24\s*\.?\s*(?:h|hr|hrs|hours?)\s*\)?(?![A-Za-z])", re.I), "/day"),
    (re.compile(r"mm\s*\[?\s*Hg\s*\]?", re.I), "mmHg"),
    # temperatures: "deg C", "degrees Celsius", "° C", "[degF]", "degrees F"
    (re.compile(r"^(?:°|deg(?:rees?)?\.?)\s*(?:C|Celsius|centigrade)$", re.I), "degC"),
    (re.compile(r"^(?:°|deg(?:rees?)?\.?)\s*(?:F|Fahrenheit)$", re.I), "degF"),
    (re.compile(r"^\[degF\]$"), "degF"),
    # counting multiples: 10^9, 10*9 (UCUM), x10^9, x 10(9), 10e9
    (
        re.compile(r"(?<![\w.])(?:[xX×*]\s*)?10\s*(?:\^|\*\*|\*|[eE]|\()\s*(\d{1,2})\s*\)?"),
        _count_multiple,
    ),
    (re.compile(r"(?<![\w.])(?:K|k|thou|Tsd|tsd|thousand)(?=\s*/)"), "kilocount"),
    (re.compile(r"(?<![\w.])(?:Mio|mill|million)(?=\s*/)"), "megacount"),
    (re.compile(r"^\s*G\s*(?=/\s*[lL]\s*$)"), "gigacount"),
    (re.compile(r"^\s*T\s*(?=/\s*[lL]\s*$)"), "teracount"),
    # "mcU/mL", "microunits/mL", "micro IU/mL": the micro prefix spelt out
    (
        re.compile(r"(?<![A-Za-z_])(?:mc|micro)\s*(?=(?:\[IU\]|IU|iu|U|[Uu]nits?)(?![A-Za-z_]))"),
        "u",
    ),
    # enzyme and arbitrary units: U, IU, [IU], [arb'U], units, with a prefix
    (
        re.compile(
            r"(?<![A-Za-z_\]])([kmunp]?)(?:\[(?:IU|iU|U|arb'U)\]|IU|iu|U|[Uu]nits?)"
            r"(?![A-Za-z_])"
        ),
        r"\1IU",
    ),
    (re.compile(r"(?<![A-Za-z_])(?:Cel|°C|℃)(?![A-Za-z_])"), "degC"),
    (re.compile(r"\[degF\]|°F"), "degF"),
    (re.compile(r"\b(m|cm|mm|um|dm|km|in|ft)([23])\b"), r"\1^\2"),  # mm3, m2
    (re.compile(r"/\s*/"), "/"),
    (re.compile(r"[\s/]+$"), ""),
    (re.compile(r"^\s*/"), "1/"),
)


def _normalise(text: str) -> str:
    """Rewrite a clinical unit spelling into an expression pint parses."""
    result = text.strip()
    for pattern, replacement in _RULES:
        result = pattern.sub(replacement, result)
    result = result.strip()
    return "" if result.lower() in _DIMENSIONLESS_WORDS else result


# a viral load written as its decimal logarithm ("4.7 log10 copies/mL", "log IU/mL")
_LOG_UNIT = re.compile(r"(?i)\s*log\s*(?:10|₁₀)?\s*\(?\s*(copies|iu)\s*/\s*ml\s*\)?\s*")


@functools.lru_cache(maxsize=256)
def log_inner(text: str | None) -> str | None:
    """The unit under a log10 unit ("log10 copies/mL" -> "copies/mL"), or None: a value in it
    is 10 to that power (not a pint unit: the scale is not linear)."""
    m = _LOG_UNIT.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        return None
    return "copies/mL" if m.group(1).lower() == "copies" else "IU/mL"


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a clinical unit spelling ("10^9/L", "mg/dl", "mm[Hg]", "{ratio}", "")."""
    if not isinstance(text, str):
        raise UnitError(f"unit must be text, not {type(text).__name__}")
    expression = _normalise(text)
    if not expression:
        return ureg.dimensionless
    if not _PINT_TEXT.fullmatch(expression):
        raise UnitError(f"unknown unit {text!r}")
    with _LOCK:
        try:
            unit = ureg.parse_units(expression)
        except _PINT_ERRORS:
            raise UnitError(f"unknown unit {text!r}") from None
    return unit


# ---- conversion ----------------------------------------------------------------------------


class _Params(NamedTuple):
    """What a conversion needs to know about an analyte."""

    name: str
    score: bool
    molar_mass: float | None
    valence: int | None
    per_molar_mass: float | None = None


def _analyte(name: str) -> Analyte:
    """An analyte by id or synonym (imported here: analytes.py imports this module)."""
    from trialscreen.units import analytes

    try:
        return analytes.get(name)
    except KeyError:
        found = analytes.lookup(name)
        if found is None:
            raise KeyError(f"unknown analyte {name!r}") from None
        return found


def _is_pure_number(unit: pint.Unit) -> bool:
    """True for %, ratio, '' (every component dimensionless); False for mmol/mol, mg/g."""
    return all(ureg.Unit(name).dimensionless for name in unit._units)


def _is_amount_ratio(unit: pint.Unit) -> bool:
    """A dimensionless ratio of amounts of substance, like mmol/mol."""
    if not unit.dimensionless:
        return False
    return any("[substance]" in ureg.Unit(name).dimensionality for name in unit._units)


def _multiply(src: pint.Unit, dst: pint.Unit, params: _Params | None) -> tuple[float, float]:
    """Convert 1 and 0 from src to dst, enabling the contexts the analyte parameterises."""
    contexts: list[str] = []
    kwargs: dict[str, float] = {}
    if params is not None and params.molar_mass:
        contexts.append("molar_mass")
        kwargs["mw"] = params.molar_mass
    if params is not None and params.per_molar_mass:
        contexts.append("per_molar_mass")
        kwargs["dmw"] = params.per_molar_mass
    if params is not None and params.valence:
        contexts.append("valence")
        kwargs["valence"] = float(params.valence)
    with _LOCK:
        one = ureg.Quantity(1.0, src).to(dst, *contexts, **kwargs).magnitude
        zero = ureg.Quantity(0.0, src).to(dst, *contexts, **kwargs).magnitude
    return float(one), float(zero)


def _affine(from_unit: str, to_unit: str, params: _Params | None) -> tuple[float, float]:
    """(scale, offset) such that value_in_to = value_in_from * scale + offset: a plain factor
    for every unit but temperatures (degF <-> degC), whose zero points differ."""
    try:
        return _factor(from_unit, to_unit, params), 0.0
    except UnitError:
        src, dst = parse_unit(from_unit), parse_unit(to_unit)
        if (
            src.dimensionality != ureg.degC.dimensionality
            or src.dimensionality != dst.dimensionality
        ):
            raise
        with _LOCK:
            zero = float(ureg.Quantity(0.0, src).to(dst).magnitude)
            far = float(ureg.Quantity(1e6, src).to(dst).magnitude)
        return float(f"{(far - zero) / 1e6:.12g}"), float(f"{zero:.12g}")


@functools.lru_cache(maxsize=8192)
def conversion(from_unit: str, to_unit: str, analyte: str | None = None) -> tuple[float, float]:
    """(scale, offset) from one unit to another: `conversion_factor` and an offset, which is
    0 except between temperature scales. Raises UnitError, naming both units."""
    return _affine(from_unit, to_unit, _params(analyte))


def _params(analyte: str | None) -> _Params | None:
    """What a conversion needs to know of the analyte (id or synonym), if one is named."""
    if analyte is None:
        return None
    found = _analyte(analyte)
    return _Params(
        found.id, found.kind == "score", found.molar_mass, found.valence, found.per_molar_mass
    )


def _factor(from_unit: str, to_unit: str, params: _Params | None) -> float:
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    where = f" for {params.name}" if params else ""
    cannot = f"cannot convert {from_unit!r} to {to_unit!r}{where}"
    if params is not None and params.score:
        if not (src.dimensionless and dst.dimensionless):
            raise UnitError(f"{cannot}: a score takes no unit")
        return 1.0
    if params is not None and (
        (_is_pure_number(src) and _is_amount_ratio(dst))
        or (_is_amount_ratio(src) and _is_pure_number(dst))
    ):
        raise UnitError(f"{cannot}: a pure number and a ratio of amounts are not proportional")
    if src == dst:
        return 1.0
    try:
        one, zero = _multiply(src, dst, params)
    except _PINT_ERRORS:
        raise UnitError(cannot) from None
    if zero != 0.0:
        raise UnitError(f"{cannot}: not a multiplicative conversion")
    return float(f"{one:.15g}")


@functools.lru_cache(maxsize=8192)
def conversion_factor(from_unit: str, to_unit: str, analyte: str | None = None) -> float:
    """f such that value_in_to = value_in_from * f; `analyte` (id or synonym) supplies the
    molar mass and valence for mg/dL <-> µmol/L <-> mEq/L. Raises UnitError, naming both units."""
    return _factor(from_unit, to_unit, _params(analyte))


def to_canonical(value: float, unit: str, analyte_id: str) -> float:
    """A value in `unit`, re-expressed in the analyte's canonical unit."""
    found = _analyte(analyte_id)
    scale, offset = conversion(unit, found.canonical_unit, found.id)
    return value * scale + offset
