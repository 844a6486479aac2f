"""FHIR Condition, medication resources and Procedure → trialscreen Conditions and Treatments."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from trialscreen.fhir import resources as fr
from trialscreen.language.stages import stage_key
from trialscreen.model.patient import (
    Condition,
    ConditionStatus,
    Treatment,
    TreatmentCategory,
    TreatmentStatus,
)

Warn = Callable[[str], None]
Resolve = Callable[[str], dict[str, Any] | None]

# Medication statuses of MedicationRequest, MedicationStatement and MedicationAdministration.
_MEDICATION_STATUS: dict[str, TreatmentStatus] = {
    "active": "active",
    "in-progress": "active",
    "completed": "completed",
    "stopped": "stopped",
    "on-hold": "stopped",
    "intended": "planned",
    "draft": "planned",
    "unknown": "unknown",
}
_NOT_GIVEN = {"entered-in-error", "cancelled", "not-taken", "not-done"}
_PROCEDURE_STATUS: dict[str, TreatmentStatus] = {"completed": "completed", "in-progress": "active"}

# Procedure category: SNOMED codes seen in mCODE bundles, then keywords, first match wins.
_CATEGORY_CODES: dict[str, TreatmentCategory] = {
    "367336001": "chemotherapy",  # Chemotherapy (procedure)
    "108290001": "radiotherapy",  # Radiation oncology AND/OR radiotherapy
    "447759004": "radiotherapy",  # Brachytherapy of breast
    "113120007": "radiotherapy",  # Interstitial brachytherapy
    "122548005": "biopsy",  # Biopsy of breast
    "396487001": "biopsy",  # Sentinel lymph node biopsy
    "64368001": "surgery",  # Partial mastectomy
    "69031006": "surgery",  # Excision of breast tissue
    "443497002": "surgery",  # Excision of sentinel lymph node
    "234262008": "surgery",  # Excision of axillary lymph node
}
_CATEGORY_WORDS: tuple[tuple[TreatmentCategory, tuple[str, ...]], ...] = (
    ("radiotherapy", ("radiotherapy", "radiation", "brachytherapy", "radiosurgery")),
    ("biopsy", ("biopsy",)),
    ("transplant", ("transplant",)),
    ("dialysis", ("dialysis",)),
    ("chemotherapy", ("chemotherapy",)),
    ("surgery", ("ectomy", "otomy", "excision", "resection", "surgical", "surgery")),
)
_NOT_SURGERY = ("phlebotomy",)  # a blood draw, though it ends in "otomy"

_ACTIVE = {"active", "recurrence", "relapse"}
_RESOLVED = {"inactive", "remission", "resolved"}
_SUSPECTED = {"unconfirmed", "provisional", "differential"}
_CONDITION_SYSTEMS = (
    fr.SNOMED,
    "http://hl7.org/fhir/sid/icd-10-cm",
    "http://hl7.org/fhir/sid/icd-10",
)


_CANCER_STAGING = "http://cancerstaging.org"
_STAGE_WORDS = re.compile(r"(?i)\bstage\s+([0-4IV]+[ABC]?)")


def _stage(cond: fr.Condition, warn: Warn) -> str | None:
    """The stage group of Condition.stage (mCODE): the AJCC code ("c3A", "p2B": clinical or
    pathological, the letter dropped) or "Stage 3A" in the summary's words; of several that agree
    ("3" and "3A"), the most specific. Stages that disagree, or one not read: none, with a
    warning."""
    found: set[str] = set()
    for stage in cond.stage:
        summary = stage.summary
        if summary is None:
            continue
        coded = summary.pick(_CANCER_STAGING)
        text = coded.code[1:] if coded and coded.code and coded.code[0] in "cpy" else None
        if text is None:
            words = _STAGE_WORDS.search(summary.label() or "")
            text = words.group(1) if words else None
        if text is None or stage_key(text) is None:
            warn(f"stage {summary.label()!r} not read")
            continue
        found.add(text.upper())
    keys = {stage_key(text) for text in found}
    groups = {key[0] for key in keys if key is not None}
    letters = {key[1] for key in keys if key is not None and key[1]}
    if len(groups) > 1 or len(letters) > 1:  # "3" and "3A" agree; "3A" and "3B" do not
        warn(f"stages {sorted(found)} disagree; none read")
        return None
    return max(found, key=len) if found else None  # the most specific: "3A" over "3"


def map_condition(cond: fr.Condition, source: str, warn: Warn) -> Condition | None:
    """A Condition with its status; refuted → absent; entered-in-error → skipped."""
    verification = _status_code(cond.verification_status)
    if verification == "entered-in-error":
        warn("skipped: verificationStatus 'entered-in-error'")
        return None
    coding = cond.code.pick(*_CONDITION_SYSTEMS, any_system=True) if cond.code else None
    name = cond.code.label(coding) if cond.code else None
    if cond.code is None or name is None:
        warn("skipped: no code")
        return None
    onset_text = cond.onset_date_time or (cond.onset_period.start if cond.onset_period else None)
    end_text = cond.abatement_date_time or (
        cond.abatement_period.start if cond.abatement_period else None
    )
    end = fr.read_date(end_text, "abatement", warn)
    return Condition(
        name=name,
        code=coding.code if coding else None,
        system=_system(coding),
        stage=_stage(cond, warn),
        status=_condition_status(
            _status_code(cond.clinical_status), verification, cond.abated(), warn
        ),
        onset=fr.read_date(onset_text, "onset", warn),
        end=end,
        source=source,
    )


def map_medication(
    use: fr.MedicationUse, kind: str, source: str, resolve: Resolve, warn: Warn
) -> Treatment | None:
    """A drug from a MedicationRequest, MedicationStatement or MedicationAdministration."""
    if use.status in _NOT_GIVEN:
        warn(f"skipped: status {use.status!r}")
        return None
    if use.do_not_perform:
        warn("skipped: doNotPerform (an order not to give it)")
        return None
    status = _MEDICATION_STATUS.get(use.status or "")
    if kind == "MedicationRequest" and use.intent in ("proposal", "plan"):
        status = "planned"  # proposed or planned, not (yet) given: no evidence either way
    if use.status is not None and status is None:
        warn(f"status {use.status!r} not known; left out")
    concept = _medication_concept(use, resolve, warn)
    if concept is None:
        return None
    coding = concept.pick(fr.RXNORM, any_system=True)
    period = use.effective_period
    start_text = use.authored_on if kind == "MedicationRequest" else None
    start_text = start_text or use.effective_date_time or (period.start if period else None)
    end_text = period.end if period else None
    end = fr.read_date(end_text, "effectivePeriod.end", warn)
    if status is None and end_text and end is None and fr.fhir_date(end_text)[0] is not None:
        status = "completed"  # it ended, in a month or year not known to the day
    return Treatment(
        name=concept.label(coding) or "",
        code=coding.code if coding else None,
        system=_system(coding),
        category="drug",
        status=status,
        start=fr.read_date(start_text, "start", warn),
        end=end,
        reason=_reason(use.reason_code, use.reason_reference, resolve),
        source=source,
    )


def map_procedure(
    proc: fr.Procedure, source: str, resolve: Resolve, warn: Warn
) -> Treatment | None:
    """A completed or in-progress Procedure, with a category from its code and name."""
    status = _PROCEDURE_STATUS.get(proc.status or "")
    if status is None:
        shown = "no status" if proc.status is None else f"status {proc.status!r}"
        warn(f"skipped: {shown} (only completed and in-progress procedures count)")
        return None
    coding = proc.code.pick(fr.SNOMED, any_system=True) if proc.code else None
    name = proc.code.label(coding) if proc.code else None
    if proc.code is None or name is None:
        warn("skipped: no code")
        return None
    period = proc.performed_period
    date = fr.read_date(
        proc.performed_date_time or (period.start if period else None), "performed", warn
    )
    return Treatment(
        name=name,
        code=coding.code if coding else None,
        system=_system(coding),
        category=procedure_category(proc.code),
        status=status,
        date=date,
        start=date if period else None,
        end=fr.read_date(period.end, "performedPeriod.end", warn) if period else None,
        reason=_reason(proc.reason_code, proc.reason_reference, resolve),
        source=source,
    )


def procedure_category(code: fr.CodeableConcept) -> TreatmentCategory:
    """radiotherapy, biopsy, transplant, dialysis, chemotherapy, surgery, else procedure."""
    for known in code.codes():
        if known in _CATEGORY_CODES:
            return _CATEGORY_CODES[known]
    words = " ".join([code.text or ""] + [c.display or "" for c in code.coding]).lower()
    for category, keywords in _CATEGORY_WORDS:
        if any(k in words for k in keywords):
            if category == "surgery" and any(n in words for n in _NOT_SURGERY):
                continue
            return category
    return "procedure"


def _medication_concept(
    use: fr.MedicationUse, resolve: Resolve, warn: Warn
) -> fr.CodeableConcept | None:
    """medicationCodeableConcept, or the code of the referenced (or contained) Medication."""
    if use.medication_codeable_concept is not None:
        if use.medication_codeable_concept.label() is not None:
            return use.medication_codeable_concept
    ref = use.medication_reference
    target = ref.reference if ref else None
    if ref is None or not (target or ref.display):
        warn("skipped: no medication code")
        return None
    raw: dict[str, Any] | None = None
    if target and target.startswith("#"):
        raw = next((c for c in use.contained if c.get("id") == target[1:]), None)
    elif target:
        raw = resolve(target)
    code = _medication_code(raw)
    if code is not None:
        return code
    if ref.display:
        return fr.CodeableConcept(text=ref.display)
    reason = "has no code" if raw is not None else "is not in the input"
    warn(f"skipped: medicationReference {target!r} {reason}")
    return None


def _reason(
    codes: list[fr.CodeableConcept], refs: list[fr.Reference], resolve: Resolve
) -> str | None:
    """What a drug or procedure was given for: reasonCode, else the Condition a reasonReference
    points to (its code, else the reference's display)."""
    for code in codes:
        name = code.label(code.pick(fr.SNOMED, any_system=True))
        if name:
            return name
    for ref in refs:
        raw = resolve(ref.reference) if ref.reference else None
        if raw is not None and raw.get("resourceType") == "Condition":
            try:
                cond = fr.Condition.model_validate(raw)
            except ValidationError:
                cond = None
            verified = _status_code(cond.verification_status) if cond is not None else None
            if verified in ("refuted", "entered-in-error"):
                continue  # not what it was given for: no reason (nor its display)
            if cond is not None and cond.code is not None:
                name = cond.code.label(cond.code.pick(fr.SNOMED, any_system=True))
                if name:
                    return name
        if ref.display:
            return ref.display
    return None


def _medication_code(raw: dict[str, Any] | None) -> fr.CodeableConcept | None:
    if raw is None or raw.get("resourceType") != "Medication":
        return None
    try:
        code = fr.Medication.model_validate(raw).code
    except ValidationError:
        return None
    return code if code is not None and code.label() is not None else None


def _condition_status(
    clinical: str | None, verification: str | None, abated: bool, warn: Warn
) -> ConditionStatus:
    """The record's status; an abatement[x] of any kind (a date, an age, "true", text) with no
    clinicalStatus means it ended. With clinicalStatus active the newer word is not known: FHIR
    says an abated condition is not active (con-4), so the two disagree and it is suspected
    (open) with a warning."""
    if verification == "refuted":
        return "absent"
    if clinical in _RESOLVED:
        return "resolved"
    if verification in _SUSPECTED:
        return "suspected"
    if clinical is not None and clinical not in _ACTIVE:
        warn(f"clinicalStatus {clinical!r} not known; read as active")
    if abated:
        if clinical is None:
            return "resolved"
        warn(f"clinicalStatus {clinical!r} with an abatement: whether it is active is open")
        return "suspected"
    return "active"


def _status_code(concept: fr.CodeableConcept | None) -> str | None:
    if concept is None:
        return None
    coding = concept.pick(any_system=True)
    return coding.code if coding else concept.text


def _system(coding: fr.Coding | None) -> str | None:
    if coding is None or coding.system is None:
        return None
    return fr.SYSTEM_NAMES.get(coding.system, coding.system)
