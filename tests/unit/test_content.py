"""content/ is the one source of centre data: validated, complete, and in step with the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from chalicelib.centres.models import Catalogue
from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.content import ContentError, load_catalogue
from devstack.table import create_table_request, ttl_attribute
from tests.conftest import ROOT

CONTENT = ROOT / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for name in ("centres.yaml", "services.yaml"):
        shutil.copy(CONTENT / name, tmp_path / name)
    return tmp_path


def test_sample_content_is_valid_and_labelled() -> None:
    catalogue = load_catalogue()
    assert isinstance(catalogue, Catalogue)
    assert catalogue.sample_data is True
    assert len(catalogue.centres) >= 20
    assert "SAMPLE DATA" in (CONTENT / "centres.yaml").read_text(encoding="utf-8")


def test_an_error_names_the_file_the_entry_and_the_field(content_copy: Path) -> None:
    path = content_copy / "centres.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    broken = doc["centres"][2]
    broken["timezone"] = "Mars/Olympus"
    broken["opening_hours"] = {"mon": [["18:00", "09:00"]]}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as excinfo:
        load_catalogue(content_copy)
    problems = excinfo.value.problems
    assert any(
        f"centres.yaml: centres[2] (id '{broken['id']}'): timezone:" in p and "Mars/Olympus" in p for p in problems
    ), problems
    assert any("opening_hours.mon.0" in p and "not before closing" in p for p in problems), problems


def test_an_unknown_service_is_named(content_copy: Path) -> None:
    path = content_copy / "centres.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["centres"][0]["services"].append("juggling")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as excinfo:
        load_catalogue(content_copy)
    assert any("juggling" in p and doc["centres"][0]["id"] in p for p in excinfo.value.problems)


def test_site_languages_match_the_backend() -> None:
    config = (ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8")
    locales = [line.split("locale:")[1].split(",")[0].strip() for line in config.splitlines() if "locale:" in line]
    assert tuple(locales) == SITE_LANGUAGES


def test_ui_files_have_exactly_the_english_keys() -> None:
    english = set(yaml.safe_load((CONTENT / "ui" / "en.yaml").read_text(encoding="utf-8")))
    for path in sorted((CONTENT / "ui").glob("*.yaml")):
        keys = set(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert keys == english, f"{path.name}: missing {sorted(english - keys)}, extra {sorted(keys - english)}"


def test_table_is_built_from_the_template() -> None:
    request = create_table_request("t")
    assert [k["AttributeName"] for k in request["KeySchema"]] == ["PK", "SK"]
    assert {i["IndexName"] for i in request["GlobalSecondaryIndexes"]} >= {"GSI1"}
    assert ttl_attribute() == "expires_at"


def test_backend_requirements_are_generated_from_pyproject() -> None:
    from devstack.requirements import TARGET, expected

    assert TARGET.read_text(encoding="utf-8") == expected(), "run `python -m devstack.requirements`"
