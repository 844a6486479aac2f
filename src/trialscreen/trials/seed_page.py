"""Plain-text trial pages (the project's seeds/): old ClinicalTrials.gov pages saved as text.

The eligibility block starts after the "Ages Eligible for Study" / "Sexes (Genders) Eligible
for Study" / "Accepts Healthy Volunteers" lines (or, failing those, at an "Inclusion Criteria"
or "Eligibility Criteria" line) and ends at "Contacts and Locations", "To learn more about this
study", "Please refer to this study" and similar page furniture. `criteria_text` is that slice
of the page, so bullet spans index into it. Outcome measures and drug names ("Other Names:")
carry bullets too, but lie outside the block.

Lost headings: some pages lost their "Inclusion Criteria:" / "Exclusion Criteria:" lines and
show two bullet lists separated by two or more blank lines (where each heading stood). When the
block names no kind at all, the first list is inclusion and every list after such a gap is
exclusion (`segment(style="seed")`), and the trial carries a warning saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

from trialscreen.model.trial import AgeLimit, Location, Registration, Sex, Trial
from trialscreen.trials.fields import find_ages, make_trial, parse_healthy, parse_sex
from trialscreen.trials.registration import make_registration
from trialscreen.trials.report import LoadReport

_NCT = re.compile(r"\bNCT\d{8}\b")
_FIELD = re.compile(
    r"^[^\S\n|]*\|?[^\S\n]*(?P<name>Ages Eligible for Study|(?:Sexes|Genders) Eligible for Study"
    r"|Accepts Healthy Volunteers)[^\S\n]*:?(?P<value>[^\n]*)",
    re.MULTILINE,
)
_BLOCK_START = re.compile(
    r"^[^\S\n]*(?:Inclusion|Eligibility) Criteria\b", re.MULTILINE | re.IGNORECASE
)
_BLOCK_END = re.compile(
    r"^[^\w\n]*(?:Contacts and Locations|To learn more about this study|Please refer to this study"
    r"|Choosing to participate in a study|Sponsors and Collaborators|More Information"
    r"|Locations|Study Contacts|Investigators|Publications)\b",
    re.MULTILINE,
)
_BRIEF_TITLE = re.compile(r"^\s*Brief Title\s*:\s*(?P<title>\S.*?)\s*$", re.MULTILINE)
_BOILERPLATE = re.compile(
    r"(?:Try our beta|IMPORTANT:|Viewing Study|Skip to|The safety and scientific validity)",
    re.IGNORECASE,
)
_INTERVENTION = re.compile(
    r"^(?:Drug|Device|Biological|Procedure|Radiation|Behavioral|Genetic|Dietary Supplement"
    r"|Combination Product|Diagnostic Test|Other)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
LOST_HEADINGS = (
    "inclusion/exclusion headings missing: the first bullet list is taken as inclusion "
    "and the lists after a double blank line as exclusion"
)


def looks_like_page(text: str) -> bool:
    """Whether text that is neither JSON nor XML reads like a trial page."""
    return bool(_FIELD.search(text) or _BLOCK_START.search(text))


def read_page(text: str, path: Path) -> LoadReport:
    """The trial of one page; a page without criteria is loaded with a warning."""
    report = LoadReport()
    warnings: list[str] = []
    nct = _NCT.search(text)
    if nct is None:
        warnings.append("no NCT id in the page; the file name is used as the id")
    fields = {found["name"].split()[0]: _cell(found["value"]) for found in _FIELD.finditer(text)}
    minimum, maximum = _ages(fields.get("Ages", ""))
    sex, healthy = _sex(fields, warnings), parse_healthy(fields.get("Accepts"))
    start, end = eligibility_block(text)
    trial = make_trial(
        style="seed",
        warnings=warnings,
        id=nct.group() if nct else path.stem,
        title=page_title(text),
        conditions=page_conditions(text),
        source=str(path),
        format="seed_page",
        minimum_age=minimum,
        maximum_age=maximum,
        sex=sex,
        healthy_volunteers=healthy,
        criteria_text=text[start:end],
        registration=page_registration(text, warnings),
    )
    _note_lost_headings(trial)
    report.add_trial(trial, str(path))
    return report


def eligibility_block(text: str) -> tuple[int, int]:
    """Start and end of the eligibility block in a page ((0, 0) when there is none)."""
    heading = _BLOCK_START.search(text)
    for start in (_after_fields(text), heading.start() if heading else None):
        if start is not None:
            block = _trimmed_block(text, start)
            if block[0] < block[1]:
                return block
    return 0, 0


def _trimmed_block(text: str, start: int) -> tuple[int, int]:
    """From the line holding the first non-blank character after `start` to the end marker."""
    marks = (_BLOCK_END.search(text, start), _FIELD.search(text, start))
    end = min((mark.start() for mark in marks if mark), default=len(text))
    body = text[start:end]
    stripped = body.lstrip()
    if not stripped:
        return 0, 0
    first = start + len(body) - len(stripped)
    first = text.rfind("\n", start, first) + 1 or start
    return first, start + len(body.rstrip())


def _after_fields(text: str) -> int | None:
    """The offset just after the last of the consecutive Ages / Sexes / Healthy lines."""
    end = None
    for found in _FIELD.finditer(text):
        if end is not None and text[end : found.start()].strip():
            break
        end = found.end()
    if end is None:
        return None
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def page_title(text: str) -> str:
    """The "Brief Title:" line, else the first line that is not site furniture."""
    brief = _BRIEF_TITLE.search(text)
    if brief:
        return brief["title"]
    for line in text.splitlines():
        if line.strip() and not _BOILERPLATE.match(line.strip()):
            return line.strip()
    return ""


_STATUS_LINE = re.compile(
    r"^[^\S\n]*(?:Overall\s+)?(?:Recruitment\s+)?Status[^\S\n]*:[^\S\n]*\|?[^\S\n]*(?P<value>[^|\n]*)",
    re.MULTILINE,
)
_STATUS_SENTENCE = re.compile(r"^This study (?:has been|is|was) [^\n]*", re.MULTILINE)
_PHASE_LINE = re.compile(
    r"^[^\S\n]*(?P<value>(?:(?:Early )?Phase [1-4I]+[^\S\n]*(?:[|/,][^\S\n]*)?)+)\|?[^\S\n]*$"
    r"|\|[^\S\n]*(?P<cell>(?:Early )?Phase [1-4I]+(?:[^\S\n]*/[^\S\n]*Phase [1-4I]+)?)"
    r"[^\S\n]*\|[^\S\n]*$",
    re.MULTILINE,
)
_PAGE_FIELD = re.compile(
    r"^[^\S\n]*(?:Actual |Estimated |Anticipated )?(?P<name>Study Type|Enrollment|Study Start Date"
    r"|Study Completion Date|Primary[^\S\n]+Purpose)[^\S\n]*:[^\S\n]*\|?[^\S\n]*(?P<value>[^|\n]*)",
    re.MULTILINE,
)
_LIST_AFTER = re.compile(
    r"^(?P<name>Keywords provided by[^\n]*|Additional relevant MeSH terms)[^\S\n]*:?[^\S\n]*\n"
    r"(?:[^\S\n]*\n)?(?P<items>(?:(?!Additional relevant MeSH|Keywords provided by)"
    r"[^\S\n]*\S[^\n]*\n?)*)",
    re.MULTILINE,
)
_TYPES = (
    r"(?:Drug|Device|Biological|Procedure|Radiation|Behavioral|Genetic|Dietary Supplement"
    r"|Combination Product|Diagnostic Test|Other)"
)
_PAGE_INTERVENTION = re.compile(
    rf"\b(?P<type>{_TYPES})[^\S\n]*:[^\S\n]*(?P<name>[^|\n:]+?)"
    rf"(?=[^\S\n]+{_TYPES}[^\S\n]*:|[^\S\n]*\||[^\S\n]*$)",
    re.IGNORECASE | re.MULTILINE,
)
# a site's place on old pages: "Scottsdale, Arizona, United States, 55259" (ends in a postal
# code), or "Alba, Italy" on the line after a site name with its status ("... Recruiting")
_PLACE = re.compile(r"^[^\S\n]*[A-Z][^|\n:]*,[^|\n:]*?[^\S\n]*(?:\|[^\S\n]*)*$")
_PLACE_PART = re.compile(r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,3}$")
_SITE_STATUS = re.compile(
    r"\b(?:Recruiting|Completed|Active, not recruiting|Not yet recruiting|Terminated|Withdrawn"
    r"|Suspended)\s*$"
)


def page_registration(text: str, warnings: list[str]) -> Registration:
    """Status, phase, study type, enrollment, dates, keywords, MeSH terms, interventions and
    site countries, where the page writes them (old pages: as far as their layout allows)."""
    status_line = _STATUS_LINE.search(text)
    status = status_line["value"].strip() if status_line else ""
    if status_line and not status:  # "Recruitment Status :" with the value on the next line
        rest = text[status_line.end() :].lstrip("\n").split("\n", 1)[0]
        status = rest.strip().strip("|").strip()
    if not status:
        sentence = _STATUS_SENTENCE.search(text)
        status = sentence.group() if sentence else ""
    phase = _PHASE_LINE.search(text)
    fields = {
        " ".join(m["name"].split()): m["value"].strip()
        for m in reversed(list(_PAGE_FIELD.finditer(text)))
    }
    lists = {
        ("mesh" if m["name"].startswith("Additional") else "keywords"): [
            item
            for line in m["items"].splitlines()
            if (item := re.sub(r"\s*processed this record on .*$", "", line).strip())
        ]
        for m in _LIST_AFTER.finditer(text)
    }
    return make_registration(
        warnings,
        status=status or None,
        phases=[p.strip() for p in re.split(r"[|/,]", phase["value"] or phase["cell"]) if p.strip()]
        if phase
        else None,
        study_type=fields.get("Study Type"),
        purpose=fields.get("Primary Purpose"),
        keywords=lists.get("keywords", []),
        mesh_terms=lists.get("mesh", []),
        interventions=[
            f"{m['type'].title()}: {m['name'].strip()}" for m in _PAGE_INTERVENTION.finditer(text)
        ],
        locations=_page_places(text),
        start_date=fields.get("Study Start Date"),
        completion_date=fields.get("Study Completion Date"),
        enrollment=fields.get("Enrollment"),
    )


def _page_places(text: str) -> list[Location]:
    """Site places of an old page: city and country (see `_PLACE`)."""
    places: list[Location] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if _PLACE.match(line) is None:
            continue
        parts = [part.strip() for part in line.strip().strip("|").split(",")]
        postal = any(ch.isdigit() for ch in parts[-1])
        if postal:
            parts = parts[:-1]
        after_site = number > 0 and _SITE_STATUS.search(lines[number - 1]) is not None
        if not (postal or after_site) or not 2 <= len(parts) <= 4:
            continue
        if not all(_PLACE_PART.match(part) for part in parts):  # prose, not a place
            continue
        places.append(
            Location(city=parts[0], state=parts[1] if len(parts) > 2 else "", country=parts[-1])
        )
    return places


def page_conditions(text: str) -> list[str]:
    """Conditions: the table cell under "Condition or disease", else the line before "Drug:"."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Condition or disease"):
            rows = [row for row in lines[number + 1 : number + 3] if not row.startswith("---")]
            return [rows[0].split("|")[0].strip()] if rows and rows[0].strip() else []
    intervention = _INTERVENTION.search(text)
    if intervention is None:
        return []
    before = text[: intervention.start()].rstrip().rsplit("\n", 1)[-1]
    return [part.strip() for part in before.split("|") if part.strip()]


def _cell(value: str) -> str:
    """A field value without the table pipes and padding around it."""
    return value.strip().strip("|").strip()


def _ages(phrase: str) -> tuple[AgeLimit | None, AgeLimit | None]:
    """Bounds from "18 Years and older", "18 Years to 120 Years", "up to 17 Years"."""
    ages = find_ages(phrase)
    if len(ages) >= 2:
        return ages[0], ages[1]
    if len(ages) == 1:
        upper = re.search(r"\b(?:up to|and younger|or younger)\b", phrase, re.IGNORECASE)
        return (None, ages[0]) if upper else (ages[0], None)
    return None, None


def _sex(fields: dict[str, str], warnings: list[str]) -> Sex:
    """The sex line, whichever name it has ("Sexes" or "Genders")."""
    value = fields.get("Sexes", fields.get("Genders"))
    sex, known = parse_sex(value)
    if not known:
        warnings.append(f"sex {value!r} not understood; taken as all")
    return sex


def _note_lost_headings(trial: Trial) -> None:
    """Warn when the lost-heading rule decided the kinds (no heading names a kind)."""
    named = any(heading.kind for heading in trial.headings)
    if not named and any(bullet.kind == "exclusion" for bullet in trial.bullets):
        trial.warnings.append(LOST_HEADINGS)
