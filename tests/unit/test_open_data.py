"""The directory as Open Referral HSDS 3.0: consistent ids and references, sample data flagged."""

from __future__ import annotations

import uuid

from devstack.content import load_catalogue
from tests.conftest import load_hook


def test_hsds_tables_reference_each_other() -> None:
    catalogue = load_catalogue()
    data = load_hook("publish").hsds(catalogue, "https://example.org/")
    assert data["sample_data"] is True and data["hsds_version"] == "3.0"
    orgs = {o["id"] for o in data["organizations"]}
    locations = {loc["id"]: loc for loc in data["locations"]}
    services = {s["id"] for s in data["services"]}
    assert len(orgs) == len(catalogue.centres) == len(locations)
    assert len(services) == sum(len(c.services) for c in catalogue.centres)
    for table in data.values():
        if isinstance(table, list):
            for row in table:
                uuid.UUID(row["id"])
    assert all(loc["organization_id"] in orgs for loc in locations.values())
    assert all(s["service_id"] in services and s["location_id"] in locations for s in data["service_at_locations"])
    assert all(s["location_id"] in locations and s["byday"] in {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
               for s in data["schedules"])
    first = locations[next(iter(locations))]
    assert -90 <= first["latitude"] <= 90 and first["addresses"][0]["country"]
