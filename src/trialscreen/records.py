"""Reading a patient record: every problem in it at once.

An *error* refuses the record (a field of the wrong type, a unit that cannot belong to its test,
an impossible value or date). A *warning* keeps it and says what will not be read: a name no
lexicon knows (a lab test, condition, treatment, adverse event, tumour marker, regimen key), with
the closest known names. Nothing in a record is dropped without one or the other.
`read_patient` is the strict entry point (the first error, with a count of the rest);
`check_record` gives all of them (`trialscreen validate`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from trialscreen import files
from trialscreen.dates import partial_span, partial_warning
from trialscreen.facts import build_facts, resolve_analyte
from trialscreen.language.stages import stage_key
from trialscreen.messages import one_line
from trialscreen.model.patient import Observation, Patient
from trialscreen.units import analytes
from trialscreen.units.registry import UnitError, conversion, log_inner


class PatientError(ValueError):
    """A patient record that cannot be used; the message names the field path (one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class Problem(NamedTuple):
    """One thing wrong with a record entry: the field, what is wrong, and whether it refuses
    the record (an error) or only goes unread (a warning)."""

    field: str
    message: str
    error: bool = True


@dataclass(slots=True)
class RecordCheck:
    """A record read in full: the patient when there is no error, every error and warning."""

    patient: Patient | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def accepted(self) -> Patient:
        """The patient, or PatientError with the first error and a count of the others."""
        if self.patient is None or self.errors:
            first = self.errors[0] if self.errors else "record: not read"
            more = len(self.errors) - 1
            tail = f" (and {more} more: `trialscreen validate` lists them)" if more > 0 else ""
            raise PatientError(first + tail)
        return self.patient


def read_json_file(path: str | Path, ndjson: bool = False) -> Any:
    """The JSON in a file (with `ndjson`, a list of one value per line where the whole is not
    one document); PatientError names the file."""
    if Path(path).is_dir():
        raise PatientError(f"{path}: is a directory, not a patient file")
    try:
        text = files.read_bytes(Path(path), files.PATIENT_FILE_LIMIT).decode("utf-8")
    except files.FileRefused as refused:
        raise PatientError(str(refused)) from None
    except UnicodeDecodeError:
        raise PatientError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise PatientError(f"{path}: empty file")
    try:
        return files.parse_json(text)
    except RecursionError:
        raise PatientError(f"{path}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if ndjson and len(lines) > 1:
            try:
                return [files.parse_json(ln) for ln in lines]
            except (ValueError, RecursionError):
                pass
        raise PatientError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except ValueError as exc:  # a duplicate key, a number too long to convert
        raise PatientError(f"{path}: {exc}") from None


def check_record(data: Any, where: str = "") -> RecordCheck:
    """Every error and warning of a record (a dict, as parsed from JSON); `where` prefixes each
    message ("patients/x.json: ")."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        return RecordCheck(None, [f"{where}a patient record must be a JSON object, not {kind}"])
    data, partial = _take_partial_dates(data)
    try:
        patient = Patient.model_validate(data)
    except ValidationError as exc:
        return RecordCheck(None, [f"{where}{_path(e['loc'])}: {_message(e)}" for e in exc.errors()])
    patient.partial_dates.update(partial)
    check = RecordCheck(patient)
    for path, text in partial.items():
        span = partial_span(text)
        if span is not None and span[0] > patient.as_of:
            check.errors.append(f"{where}{path}: {text} is after as_of {patient.as_of}")
        else:
            check.warnings.append(f"{where}{partial_warning(path, text)}")
    for problem in record_problems(patient):
        (check.errors if problem.error else check.warnings).append(
            one_line(f"{where}{problem.field}: {problem.message}")
        )
    if check.errors:
        check.patient = None
        return check
    check.warnings += [one_line(f"{where}{w}") for w in build_facts(patient).warnings]
    return check


# the date fields of a record's entries; a year or a month there is a partial date (dates.py)
_DATE_FIELDS = {
    "observations": ("date",),
    "conditions": ("onset", "end"),
    "treatments": ("start", "end", "date"),
    "adverse_events": ("date",),
    "biomarkers": ("date",),
}


def _take_partial_dates(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The record with its partial dates left out, and those dates by field path. A treatment
    that ended in a month or year not known to the day stays completed (an end with no status
    means completed; without it, it would read as ongoing)."""
    partial: dict[str, str] = {}
    out = dict(data)
    if partial_span(out.get("birth_date")) is not None:
        partial["birth_date"] = out.pop("birth_date").strip()
    for group, attrs in _DATE_FIELDS.items():
        items = out.get(group)
        if not isinstance(items, list):
            continue
        kept: list[Any] = []
        for i, item in enumerate(items):
            found = {}
            if isinstance(item, dict):
                found = {a: item[a] for a in attrs if partial_span(item.get(a)) is not None}
            if found:
                item = {k: v for k, v in item.items() if k not in found}
                if group == "treatments" and not item.get("status") and found.keys() - {"start"}:
                    item["status"] = "completed"
                if group == "conditions" and not item.get("status") and "end" in found:
                    item["status"] = "resolved"  # it ended, in a month or year
                partial.update({f"{group}[{i}].{a}": str(t).strip() for a, t in found.items()})
            kept.append(item)
        out[group] = kept
    return out, partial


def read_patient(source: str | Path | dict[str, Any] | Patient) -> Patient:
    """Validate a patient record; PatientError names the file and the field path of the first
    error and counts the others. Warnings are not returned here (see `check_record`)."""
    if isinstance(source, Patient):
        return source
    where = ""
    data: Any = source
    if isinstance(source, (str, Path)):
        where = f"{source}: "
        data = read_json_file(source)
    return check_record(data, where).accepted()


def load_patient(source: str | Path | dict[str, Any] | Patient) -> Patient:
    """Read and validate a patient record (see `read_patient`)."""
    return read_patient(source)


def _message(error: Any) -> str:
    """Pydantic's message, without the "Value error, " its own validators' messages carry."""
    return str(error["msg"]).removeprefix("Value error, ")


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def record_problems(patient: Patient) -> list[Problem]:
    """What pydantic cannot check: unknown test names (warnings), impossible values, units
    that cannot belong, impossible dates (errors); each with its field path."""
    found: list[Problem] = []
    for i, obs in enumerate(patient.observations):
        problem = observation_problem(obs, patient)
        if problem is not None:
            found.append(problem._replace(field=f"observations[{i}].{problem.field}"))
    for name, items, attrs in (
        ("conditions", patient.conditions, ("onset", "end")),
        ("treatments", patient.treatments, ("start", "end", "date")),
        ("adverse_events", patient.adverse_events, ("date",)),
        ("biomarkers", patient.biomarkers, ("date",)),
    ):
        for i, item in enumerate(items):
            for attr in attrs:
                message = _date_problem(getattr(item, attr), patient)
                if message is not None:
                    found.append(Problem(f"{name}[{i}].{attr}", message))
    for i, cond in enumerate(patient.conditions):
        if cond.stage is not None and stage_key(cond.stage) is None:
            found.append(
                Problem(
                    f"conditions[{i}].stage",
                    f"{cond.stage!r} is not read as a stage (0, I-IV with a letter A-D, or 1-4)",
                    error=False,
                )
            )
    for i, item in enumerate(patient.treatments):
        if item.status == "absent" and (item.start or item.end or item.date):
            found.append(Problem(f"treatments[{i}].status", "absent (never received) with a date"))
    if patient.birth_date and patient.birth_date > patient.as_of:
        found.append(Problem("birth_date", f"{patient.birth_date} is after as_of {patient.as_of}"))
    if patient.death_date is not None:
        if patient.deceased is False:
            found.append(Problem("deceased", f"false, with death_date {patient.death_date}"))
        if patient.birth_date and patient.death_date < patient.birth_date:
            message = f"{patient.death_date} is before birth_date {patient.birth_date}"
            found.append(Problem("death_date", message))
    return found


def observation_problem(obs: Observation, patient: Patient) -> Problem | None:
    """Why an observation cannot be used (field relative to the observation), or None."""
    analyte = resolve_analyte(obs)
    if analyte is None:
        if not obs.name and not obs.code:
            return Problem("name", "missing (an observation needs a name or a LOINC code)")
        name = obs.name or obs.code or ""
        hint = analytes.suggest(name) if obs.name else []
        tail = f" (did you mean {', '.join(hint)}?)" if hint else ""
        where = "name" if obs.name else "code"
        return Problem(where, f"unknown analyte {name!r}{tail}; not read", error=False)
    info = analytes.get(analyte)
    numeric = bool(info.canonical_unit) or info.kind == "score"
    value = obs.value
    if numeric and value is not None and (isinstance(value, (bool, str))):
        return Problem("value", f"{value!r} is not a number ({info.name} is numeric)")
    if isinstance(value, float) and not math.isfinite(value):
        return Problem("value", f"{value!r} is not a finite number")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if obs.unit is None and info.canonical_unit:
            return Problem("unit", f"missing (a value of {info.name} needs a unit)")
        unit = analytes.measured_as(analyte, log_inner(obs.unit) or obs.unit)[1]
        if unit is not None and not analytes.unit_allowed(info, unit):
            return Problem("unit", f"{obs.unit!r} cannot be a unit of {info.name}")
        if log_inner(obs.unit) is not None and not -3 <= value <= 12:
            return Problem("value", f"{value} is not a possible log10 {info.name}")
        if value < 0 and (info.plausible_low is None or info.plausible_low >= 0):
            return Problem("value", f"{value} is not a possible {info.name} (negative)")
        if info.kind == "score":
            low, high = info.plausible_low, info.plausible_high
            if (low is not None and value < low) or (high is not None and value > high):
                return Problem(
                    "value", f"{value} is not a possible {info.name} score ({low}-{high})"
                )
            step = SCORE_STEPS.get(analyte)
            if step is not None and not math.isclose(value / step, round(value / step)):
                return Problem(
                    "value", f"{value} is not on the {info.name} scale (steps of {step:g})"
                )
        elif unit is not None or not info.canonical_unit:
            problem = _implausible(obs, value, analyte, unit)
            if problem is not None:
                return problem
    problem = _code_and_name(obs, analyte) or _range_problem(obs, info)
    if problem is not None:
        return problem
    message = _date_problem(obs.date, patient)
    return Problem("date", message) if message is not None else None


# scales whose values come in steps (others may be any number in their range): ECOG-ACRIN
# (grades 0-5), Karnofsky and Lansky (0-100 by 10), NYHA (I-IV), Child-Pugh points, ASA
# classes, Gleason sums, GCS, modified Rankin, Apgar, MMSE and MoCA points; EDSS in half steps
SCORE_STEPS = {
    "ecog": 1.0,
    "karnofsky": 10.0,
    "lansky": 10.0,
    "nyha": 1.0,
    "child_pugh": 1.0,
    "asa_physical_status": 1.0,
    "gleason_score": 1.0,
    "glasgow_coma_scale": 1.0,
    "modified_rankin": 1.0,
    "apgar": 1.0,
    "mmse": 1.0,
    "moca": 1.0,
    "edss": 0.5,
}


def _implausible(obs: Observation, value: float, analyte: str, unit: str | None) -> Problem | None:
    """A value far outside the analyte's plausible range once converted (creatinine "1.8
    umol/L" is 0.02 mg/dL: a unit slip). Zero is allowed (below detection), and a result
    written with a comparator ("<0.01") is not held to the bound it states."""
    info = analytes.get(analyte)
    try:
        factor, offset = conversion(unit, info.canonical_unit, analyte) if unit else (1.0, 0.0)
    except UnitError:
        return None  # the unit check above reports it
    canonical = value * factor + offset
    # a margin of two either side: the range is where values usually lie, and a real extreme
    # (a 450 g newborn, a ferritin of 150,000 in HLH) must load; a unit slip is far outside
    low, high = info.plausible_low, info.plausible_high
    below = canonical < low / 2 and value != 0 and obs.comparator not in ("<", "<=")
    above = canonical > high * 2 and obs.comparator not in (">", ">=")
    if not (below or above) or log_inner(obs.unit) is not None:
        return None
    written = f"{value:g} {obs.unit}" if obs.unit else f"{value:g}"
    shown = (
        f" ({canonical:.3g} {info.canonical_unit})" if unit and unit != info.canonical_unit else ""
    )
    return Problem(
        "value",
        f"{written}{shown} is not a plausible {info.name} "
        f"({low:g}-{high:g} {info.canonical_unit}); check the value and its unit",
    )


def _code_and_name(obs: Observation, analyte: str) -> Problem | None:
    """A hand-written record whose LOINC code and name are two different tests (a FHIR
    import keeps its coding: the display text there is free text)."""
    if obs.source is not None or not (obs.code and obs.name):
        return None
    by_code = analytes.by_loinc(obs.code)
    by_name = analytes.lookup(obs.name)
    if by_code is None or by_name is None:
        return None
    named = {by_name.id, analytes.measured_as(by_name.id, obs.unit)[0]}
    if any(_related(by_code.id, n) for n in named):
        return None
    return Problem(
        "code",
        f"LOINC {obs.code} is {by_code.name}, but the name {obs.name!r} is {by_name.name}; "
        "write the one that was measured",
    )


def _related(a: str, b: str) -> bool:
    """The same test, or one a kind of the other (glucose / fasting_glucose)."""
    words_a, words_b = set(a.split("_")), set(b.split("_"))
    return a == b or words_a <= words_b or words_b <= words_a


def _range_problem(obs: Observation, info: analytes.Analyte) -> Problem | None:
    """A reference range must be finite, not negative (unless the analyte can be), with its
    low below its high."""
    span = obs.reference_range
    if span is None:
        return None
    for side in ("low", "high"):
        limit = getattr(span, side)
        if limit is None:
            continue
        if not math.isfinite(limit):
            return Problem(f"reference_range.{side}", f"{limit} is not a finite number")
        if limit < 0 and info.plausible_low >= 0:
            return Problem(f"reference_range.{side}", f"{limit:g} is negative")
    if span.low is not None and span.high is not None and span.low >= span.high:
        return Problem("reference_range", f"low {span.low:g} is not below high {span.high:g}")
    return None


def _date_problem(value: dt.date | None, patient: Patient) -> str | None:
    if value is None:
        return None
    if value > patient.as_of:
        return f"{value} is after as_of {patient.as_of}"
    if patient.birth_date and value < patient.birth_date:
        return f"{value} is before birth_date {patient.birth_date}"
    return None


def usable(patient: Patient) -> tuple[Patient, list[str]]:
    """A patient without the observations that cannot be used, and a warning for each
    (imports from FHIR, where one bad resource must not reject the record). Observations of
    tests the lexicon does not know are kept (and never read), with one warning naming them."""
    kept, warnings = [], []
    unread: dict[str, int] = {}
    for i, obs in enumerate(patient.observations):
        problem = observation_problem(obs, patient)
        if problem is None or not problem.error:
            kept.append(obs)
        if problem is None:
            continue
        if not problem.error:
            name = obs.name or obs.code or "?"
            unread[name] = unread.get(name, 0) + 1
            continue
        source = obs.source or f"observations[{i}]"
        warnings.append(one_line(f"{source}: skipped: {problem.field} {problem.message}"))
    if unread:
        shown = [f"{n!r}" + (f" x{k}" if k > 1 else "") for n, k in sorted(unread.items())]
        more = f", and {len(shown) - 8} more" if len(shown) > 8 else ""
        warnings.append(
            f"{sum(unread.values())} observations of {len(unread)} tests the analyte lexicon "
            f"does not know are not read: {', '.join(shown[:8])}{more}"
        )
    if len(kept) == len(patient.observations):
        return patient, warnings
    return patient.model_copy(update={"observations": kept}), warnings
