"""Validate content/ (centres.yaml, services.yaml; hotlines.yaml with devstack/hotlines.py) and compile the
catalogue the backend packages; write the values the API allows, for the site.

    python -m devstack.content   # backend/chalicelib/data/catalogue.json, build/allowed-values.json

The allowed values (categories, statuses, topics, age bands...) are defined once, as `Literal`s of
the backend's models; the site's forms and the staff console offer them from
build/allowed-values.json, in the models' order.

A mistake is reported as `file: entry: field: problem`, e.g.
`content/centres.yaml: centres[3] (id 'tj-khujand'): opening_hours.mon.0: opening 18:00 is not before closing 09:00`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.auth.models import Role
from chalicelib.bookings.models import AgendaStatus
from chalicelib.bookings.models import Status as BookingStatus
from chalicelib.centres.catalogue import CATALOGUE_PATH
from chalicelib.centres.models import Catalogue, Centre, Mode, Service
from chalicelib.complaints.models import Author, Category, FollowUp, Lane, Outcome, Overdue, Priority, QueueSort
from chalicelib.complaints.models import Status as ComplaintStatus
from chalicelib.core.enums import AgeBand, Gender
from chalicelib.feedback.models import Topic
from devstack import BUILD, CONTENT, ROOT

ALLOWED_VALUES_PATH = BUILD / "allowed-values.json"
# A name in build/allowed-values.json (the site build reads them by these names) -> the Literal.
ALLOWED: dict[str, Any] = {
    "age_band": AgeBand,
    "agenda_status": AgendaStatus,
    "booking_mode": Mode,
    "booking_status": BookingStatus,
    "complaint_category": Category,
    "complaint_lane": Lane,
    "complaint_outcome": Outcome,
    "complaint_overdue": Overdue,
    "complaint_priority": Priority,
    "complaint_status": ComplaintStatus,
    "complaint_follow_up": FollowUp,
    "feedback_topic": Topic,
    "gender": Gender,
    "message_author": Author,
    "queue_sort": QueueSort,
    "staff_role": Role,
}


class ContentError(Exception):
    """One or more content mistakes, each naming the file, the entry and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ContentError([f"{_rel(path)}: file is missing"]) from exc
    except yaml.YAMLError as exc:
        raise ContentError([f"{_rel(path)}: not valid YAML: {exc}"]) from exc


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _entry_problems(path: Path, key: str, entries: Any, model: type[BaseModel]) -> list[str]:
    problems: list[str] = []
    if not isinstance(entries, list):
        return [f"{_rel(path)}: '{key}' must be a list"]
    for index, entry in enumerate(entries):
        label = f"{key}[{index}]"
        if isinstance(entry, dict) and entry.get("id"):
            label += f" (id '{entry['id']}')"
        try:
            model.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "(entry)"
                problems.append(f"{_rel(path)}: {label}: {field}: {err['msg']}")
    return problems


def load_catalogue(content_dir: Path = CONTENT) -> Catalogue:
    services_path = content_dir / "services.yaml"
    centres_path = content_dir / "centres.yaml"
    services_doc = _read_yaml(services_path) or {}
    centres_doc = _read_yaml(centres_path) or {}
    problems = _entry_problems(services_path, "services", services_doc.get("services"), Service)
    problems += _entry_problems(centres_path, "centres", centres_doc.get("centres"), Centre)
    if centres_doc.get("sample_data") is None:
        problems.append(f"{_rel(centres_path)}: sample_data: say whether these centres are sample data")
    if problems:
        raise ContentError(problems)
    try:
        return Catalogue(
            sample_data=centres_doc["sample_data"],
            services=services_doc["services"],
            centres=centres_doc["centres"],
        )
    except ValidationError as exc:
        raise ContentError([f"{_rel(centres_path)}: {e['msg']}" for e in exc.errors()]) from exc


def compile_catalogue(content_dir: Path = CONTENT, target: Path = CATALOGUE_PATH) -> Catalogue:
    catalogue = load_catalogue(content_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(catalogue.model_dump_json(), encoding="utf-8")
    tmp.replace(target)
    return catalogue


def allowed_values() -> dict[str, list[str]]:
    """Each set of allowed values, in its model's order."""
    return {name: list(get_args(literal)) for name, literal in sorted(ALLOWED.items())}


def write_allowed_values(target: Path = ALLOWED_VALUES_PATH) -> dict[str, list[str]]:
    values = allowed_values()
    document = {"source": "backend/chalicelib models (python -m devstack.content)", "values": values}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(target)
    return values


def main() -> int:
    from chalicelib.centres.recruiters import RECRUITERS_DATA_PATH, write_packaged
    from devstack import hotlines, review  # they build on this module
    from devstack.recruiters import load_recruiters  # it reports its mistakes as this module's ContentError

    try:
        catalogue = compile_catalogue()
        recruiters = load_recruiters()
        if problems := hotlines.check():  # the numbers the guides print, against content/hotlines.yaml
            raise ContentError(problems)
        if problems := review.check():  # every translation says whether a native speaker read it
            raise ContentError(problems)
    except ContentError as exc:
        print("Content has mistakes:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"content: {len(catalogue.centres)} centres, {len(catalogue.services)} services -> {_rel(CATALOGUE_PATH)}")
    values = write_allowed_values()
    print(f"content: {len(values)} sets of allowed values -> {_rel(ALLOWED_VALUES_PATH)}")
    write_packaged(recruiters)
    agencies = sum(len(c.agencies) for c in recruiters.countries)
    print(
        f"content: {agencies} recruitment agencies in {len(recruiters.countries)} countries' lists"
        f" -> {_rel(RECRUITERS_DATA_PATH)}"
    )
    return 0


if __name__ == "__main__":
    # Run as the imported module, not as __main__: the modules it calls raise devstack.content's
    # own ContentError, which a second copy of this file under the name __main__ would not catch.
    from devstack import content

    sys.exit(content.main())
