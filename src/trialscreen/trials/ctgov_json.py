"""ClinicalTrials.gov API v2 JSON: one study, a list of studies, or an API page of studies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trialscreen.model.trial import AgeLimit, Location, Registration
from trialscreen.trials.fields import make_trial, parse_age, parse_sex
from trialscreen.trials.registration import make_registration
from trialscreen.trials.report import LoadReport

SHAPE_ERROR = "JSON is not a ClinicalTrials.gov study, a list of studies, or a page of studies"


def studies_of(data: object) -> list[object] | None:
    """The study objects in a JSON document, or None if it has none of the known shapes."""
    if isinstance(data, dict):
        if "protocolSection" in data:
            return [data]
        studies = data.get("studies")
        return studies if isinstance(studies, list) else None
    return data if isinstance(data, list) else None


def read_json(data: object, source: str) -> LoadReport:
    """Trials from a parsed JSON document; a study that cannot be read is an error, not a crash."""
    report = LoadReport()
    studies = studies_of(data)
    if studies is None:
        report.errors.append(f"{source}: {SHAPE_ERROR}")
        return report
    if not studies:
        report.warnings.append(f"{source}: no studies in the file")
    single = isinstance(data, dict) and "protocolSection" in data
    for number, study in enumerate(studies):
        where = source if single else f"{source}[{number}]"
        _read_study(study, where, report)
    return report


def _read_study(study: object, where: str, report: LoadReport) -> None:
    """Add one study's trial to the report, or an error naming what is missing."""
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    if not isinstance(protocol, dict):
        report.errors.append(f"{where}: not a ClinicalTrials.gov study (no protocolSection object)")
        return
    ident = _module(protocol, "identificationModule")
    nct_id = _text(ident, "nctId")
    if not nct_id:
        report.errors.append(f"{where}: study has no protocolSection.identificationModule.nctId")
        return
    eligibility = _module(protocol, "eligibilityModule")
    warnings: list[str] = []
    minimum = _age(eligibility, "minimumAge", warnings)
    maximum = _age(eligibility, "maximumAge", warnings)
    sex, known = parse_sex(_text(eligibility, "sex"))
    if not known:
        warnings.append(f"sex {_text(eligibility, 'sex')!r} not understood; taken as all")
    healthy = eligibility.get("healthyVolunteers")
    conditions = _module(protocol, "conditionsModule").get("conditions")
    trial = make_trial(
        style="markdown",
        warnings=warnings,
        id=nct_id,
        title=_text(ident, "briefTitle") or _text(ident, "officialTitle") or "",
        conditions=_strings(conditions),
        source=where,
        format="ctgov_json",
        minimum_age=minimum,
        maximum_age=maximum,
        sex=sex,
        healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        criteria_text=_text(eligibility, "eligibilityCriteria") or "",
        registration=_registration(study, protocol, warnings),
    )
    report.add_trial(trial, where)


def _registration(study: object, protocol: Mapping[str, Any], warnings: list[str]) -> Registration:
    """Status, phases, study type, keywords, condition MeSH terms, interventions, sites, dates."""
    status = _module(protocol, "statusModule")
    design = _module(protocol, "designModule")
    derived = study.get("derivedSection") if isinstance(study, dict) else None
    browse = _module(derived, "conditionBrowseModule") if isinstance(derived, dict) else {}
    meshes = browse.get("meshes")
    interventions = _module(protocol, "armsInterventionsModule").get("interventions")
    sites = _module(protocol, "contactsLocationsModule").get("locations")
    enrollment = _module(design, "enrollmentInfo").get("count")
    return make_registration(
        warnings,
        status=_text(status, "overallStatus"),
        phases=_strings(design.get("phases")) or None,
        study_type=_text(design, "studyType"),
        purpose=_text(_module(design, "designInfo"), "primaryPurpose"),
        keywords=_strings(_module(protocol, "conditionsModule").get("keywords")),
        mesh_terms=[
            term
            for m in (meshes if isinstance(meshes, list) else [])
            if isinstance(m, dict)
            if isinstance(term := m.get("term"), str)
        ],
        interventions=[
            f"{_label(_text(i, 'type'))}: {_text(i, 'name') or ''}".strip(": ")
            for i in (interventions if isinstance(interventions, list) else [])
            if isinstance(i, dict)
        ],
        locations=[
            Location(
                facility=_text(site, "facility") or "",
                city=_text(site, "city") or "",
                state=_text(site, "state") or "",
                country=_text(site, "country") or "",
            )
            for site in (sites if isinstance(sites, list) else [])
            if isinstance(site, dict)
        ],
        start_date=_text(_module(status, "startDateStruct"), "date"),
        completion_date=_text(_module(status, "completionDateStruct"), "date")
        or _text(_module(status, "primaryCompletionDateStruct"), "date"),
        enrollment=enrollment,
    )


def _label(value: str | None) -> str:
    """ "DIETARY_SUPPLEMENT" -> "Dietary Supplement", as the legacy XML writes the types."""
    return (value or "").replace("_", " ").title()


def _module(protocol: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A module of the protocol section, or an empty mapping."""
    module = protocol.get(name)
    return module if isinstance(module, dict) else {}


def _text(module: Mapping[str, Any], key: str) -> str | None:
    """A string field, or None when absent or of another type."""
    value = module.get(key)
    return value if isinstance(value, str) else None


def _strings(value: object) -> list[str]:
    """The strings of a JSON list (anything else gives none)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _age(eligibility: Mapping[str, Any], key: str, warnings: list[str]) -> AgeLimit | None:
    """An age bound field; a value that is no age becomes a warning and no bound."""
    value = _text(eligibility, key)
    age, understood = parse_age(value)
    if not understood:
        warnings.append(f"{key} {value!r} not understood; no bound used")
    return age
