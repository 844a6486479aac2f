"""Legacy ClinicalTrials.gov XML (root `clinical_study`), parsed with defusedxml.

Safety: a document with a DTD goes through defusedxml, which refuses entity declarations
(so no "billion laughs" expansion) and external references. A document without `<!DOCTYPE`
cannot declare or fetch any entity (an unknown `&name;` is a plain parse error), so it goes
through the C-accelerated ElementTree parser, about twice as fast. Both parse the decoded str,
so the bytes' declared encoding cannot hide a DOCTYPE from that check.

The criteria textblock keeps its text, with `&#xD;` / CR line ends turned into plain newlines;
spans index into that text.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, XMLParser

from defusedxml import DefusedXmlException, EntitiesForbidden  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from trialscreen.model.trial import AgeLimit, Location, Registration
from trialscreen.trials.fields import make_trial, parse_age, parse_healthy, parse_sex
from trialscreen.trials.registration import make_registration
from trialscreen.trials.report import LoadReport

ROOT = "clinical_study"
ENTITIES_REFUSED = "refused: XML entity declarations are not allowed"


def parse_xml(text: str) -> Element | str:
    """The document's root element, or the reason it was refused or is malformed."""
    try:
        root = _parse_fast(text) if "<!DOCTYPE" not in text else _parse_defused(text)
    except EntitiesForbidden:
        return ENTITIES_REFUSED
    except DefusedXmlException as refused:
        return f"refused: {refused}"
    except ParseError as malformed:
        return f"malformed XML: {malformed}"
    return root


def _parse_defused(text: str) -> Element:
    """Parse a document that has a DTD: entity declarations and external references refused."""
    root: Element = fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    return root


def _parse_fast(text: str) -> Element:
    """Parse a document without a DTD with the C parser (no entity can be declared)."""
    parser = XMLParser()
    parser.feed(text)
    return parser.close()


def read_xml(root: Element, source: str) -> LoadReport:
    """The trial of a `clinical_study` element."""
    report = LoadReport()
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        report.errors.append(f"{source}: clinical_study has no id_info/nct_id")
        return report
    warnings: list[str] = []
    gender = _text(root, "eligibility/gender")
    sex, known = parse_sex(gender)
    if not known:
        warnings.append(f"gender {gender!r} not understood; taken as all")
    trial = make_trial(
        style="plain",
        warnings=warnings,
        id=nct_id,
        title=_text(root, "brief_title") or _text(root, "official_title"),
        conditions=[text for c in root.iterfind("condition") if (text := (c.text or "").strip())],
        source=source,
        format="ctgov_xml",
        minimum_age=_age(root, "minimum_age", warnings),
        maximum_age=_age(root, "maximum_age", warnings),
        sex=sex,
        healthy_volunteers=parse_healthy(root.findtext("eligibility/healthy_volunteers")),
        criteria_text=_criteria(root),
        registration=_registration(root, warnings),
    )
    report.add_trial(trial, source)
    return report


def _registration(root: Element, warnings: list[str]) -> Registration:
    """Status, phase, study type, keywords, condition MeSH terms, interventions, sites, dates."""
    return make_registration(
        warnings,
        status=_text(root, "overall_status") or None,
        phases=_text(root, "phase") or None,
        study_type=_text(root, "study_type") or None,
        purpose=_text(root, "study_design_info/primary_purpose") or None,
        keywords=[k.text or "" for k in root.iterfind("keyword")],
        mesh_terms=[m.text or "" for m in root.iterfind("condition_browse/mesh_term")],
        interventions=[
            f"{_text(i, 'intervention_type')}: {_text(i, 'intervention_name')}".strip(": ")
            for i in root.iterfind("intervention")
        ],
        locations=[
            Location(
                facility=_text(site, "facility/name"),
                city=_text(site, "facility/address/city"),
                state=_text(site, "facility/address/state"),
                country=_text(site, "facility/address/country"),
            )
            for site in root.iterfind("location")
        ]
        or [
            Location(country=country)
            for c in root.iterfind("location_countries/country")
            if (country := (c.text or "").strip())
        ],
        start_date=_text(root, "start_date") or None,
        completion_date=(
            _text(root, "completion_date") or _text(root, "primary_completion_date") or None
        ),
        enrollment=_text(root, "enrollment") or None,
    )


def _criteria(root: Element) -> str:
    """The criteria textblock with CR and CRLF line ends made newlines."""
    text = root.findtext("eligibility/criteria/textblock") or ""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _text(root: Element, path: str) -> str:
    """The stripped text at a path, or ''."""
    return (root.findtext(path) or "").strip()


def _age(root: Element, name: str, warnings: list[str]) -> AgeLimit | None:
    """An age bound of the eligibility element; one that is no age becomes a warning."""
    value = root.findtext(f"eligibility/{name}")
    age, understood = parse_age(value)
    if not understood:
        warnings.append(f"{name} {value!r} not understood; no bound used")
    return age
