"""The values the API allows, exported once from the backend's models for the site build
(build/allowed-values.json: its shape is in devstack/content.py and README's layout table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

from chalicelib.complaints.models import Category, ComplaintRequest
from chalicelib.core.enums import Gender
from devstack.content import ALLOWED, write_allowed_values


def test_the_file_holds_every_set_in_its_models_order(tmp_path: Path) -> None:
    target = tmp_path / "allowed-values.json"
    returned = write_allowed_values(target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["values"] == returned
    assert set(returned) == set(ALLOWED)
    assert returned["complaint_category"] == list(get_args(Category))
    assert returned["complaint_category"][0] == "recruitment_fees" and returned["gender"][-1] == "prefer_not_to_say"
    assert all(isinstance(v, str) for values in returned.values() for v in values)


def test_what_the_site_offers_is_what_the_api_takes(tmp_path: Path) -> None:
    values = write_allowed_values(tmp_path / "allowed-values.json")
    request = {"country": "TJ", "description": "Ten letters or more.", "language": "en"}
    for category in values["complaint_category"]:
        assert ComplaintRequest.model_validate({**request, "category": category}).category == category
    assert values["gender"] == list(get_args(Gender))
