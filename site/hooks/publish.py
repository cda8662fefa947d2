"""MkDocs hook: what the build publishes besides pages, written once all languages are built.

- assets/directory.css: the directory's no-JavaScript filter rules (directory.filter_css).
- open-data/hsds.json: the centre directory as Open Referral HSDS 3.0 (organisations, services,
  locations, service_at_locations, phones, schedules), for anyone to reuse.
- qr.svg beside every guide and centre page: for posters and brochures, and shown on print.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import segno
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

HOOKS = Path(__file__).resolve().parent
sys.path.insert(0, str(HOOKS))
import directory  # noqa: E402

NAMESPACE = uuid.UUID("6f1c5d1e-3f0b-4d0e-9a51-7c2f1f0b9a10")  # stable HSDS ids from our ids
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def hsds(catalogue: Any, site_url: str) -> dict[str, Any]:
    """Open Referral HSDS 3.0 tables. Every centre is an organisation with one location; each
    service it offers is a service delivered at that location."""
    tables: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "organizations", "services", "locations", "service_at_locations", "phones", "schedules", "languages")}
    for centre in catalogue.centres:
        org_id, loc_id = _id("org", centre.id), _id("loc", centre.id)
        tables["organizations"].append({
            "id": org_id, "name": centre.name["en"], "description": f"{centre.operator} ({centre.kind} centre)",
            "email": centre.contact.email, "website": f"{site_url}centres/{centre.id}/",
        })
        tables["locations"].append({
            "id": loc_id, "organization_id": org_id, "location_type": "physical", "name": centre.name["en"],
            "latitude": centre.coordinates.lat, "longitude": centre.coordinates.lon,
            "addresses": [{"address_1": centre.address, "city": centre.city["en"], "country": centre.country,
                           "address_type": "physical", "state_province": "", "postal_code": ""}],
        })
        if centre.contact.phone:
            tables["phones"].append({"id": _id("phone", centre.id), "location_id": loc_id,
                                     "organization_id": org_id, "number": centre.contact.phone, "type": "voice"})
        for code in centre.languages:
            tables["languages"].append({"id": _id("lang", centre.id, code), "location_id": loc_id, "code": code})
        for day, ranges in centre.opening_hours.items():
            for start, end in ranges:
                tables["schedules"].append({
                    "id": _id("sched", centre.id, day, start), "location_id": loc_id, "freq": "WEEKLY",
                    "byday": BYDAY[day], "opens_at": start, "closes_at": end, "timezone": centre.timezone,
                })
        for sid in centre.services:
            service = catalogue.service(sid)
            if service is None:
                continue
            service_id = _id("svc", centre.id, sid)
            tables["services"].append({
                "id": service_id, "organization_id": org_id, "name": service.name["en"],
                "description": service.description["en"], "status": "active",
                "last_modified": f"{centre.last_verified.isoformat()}T00:00:00Z",
            })
            tables["service_at_locations"].append({"id": _id("sal", centre.id, sid), "service_id": service_id,
                                                   "location_id": loc_id})
    return {"hsds_version": "3.0", "sample_data": catalogue.sample_data, **tables}


def write_qr_codes(site_dir: Path, site_url: str) -> int:
    count = 0
    pages = list(site_dir.glob("guides/*/*/index.html")) + list(site_dir.glob("*/guides/*/*/index.html"))
    pages += [p for p in site_dir.glob("centres/*/index.html")] + list(site_dir.glob("*/centres/*/index.html"))
    for page in pages:
        url = site_url + page.parent.relative_to(site_dir).as_posix() + "/"
        segno.make(url, error="m").save(str(page.parent / "qr.svg"), scale=4, border=2, xmldecl=False,
                                        svgns=True, nl=False)
        count += 1
    return count


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return
    site_dir = Path(config.site_dir)
    catalogue = directory._state["catalogue"]
    (site_dir / "assets" / "directory.css").write_text(directory.filter_css(catalogue), encoding="utf-8")
    site_url = config.site_url or "/"
    data_dir = site_dir / "open-data"
    data_dir.mkdir(exist_ok=True)
    (data_dir / "hsds.json").write_text(json.dumps(hsds(catalogue, site_url), ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    write_qr_codes(site_dir, site_url)
