"""The directory as Open Referral HSDS 3.0: consistent ids and references, sample data flagged."""

from __future__ import annotations

import importlib.util
import sys
import uuid

from devstack.content import load_catalogue
from tests.conftest import ROOT


def load_publish() -> object:
    sys.path.insert(0, str(ROOT / "site" / "hooks"))
    spec = importlib.util.spec_from_file_location("publish", ROOT / "site" / "hooks" / "publish.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hsds_tables_reference_each_other() -> None:
    catalogue = load_catalogue()
    data = load_publish().hsds(catalogue, "https://example.org/")  # type: ignore[attr-defined]
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
