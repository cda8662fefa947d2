"""The recruiters' lists: the sample file, its model, the CSV import, matching in Python and in the
phone's match.js (run with node on the same vectors), and the size of the lists the phone loads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import brotli
import pytest

from chalicelib.centres.matching import SCRIPTS, Matcher, rules_for, search, verdict
from chalicelib.centres.recruiters import FORMAT, STATUSES, compiled_list
from devstack.content import ContentError
from devstack.recruiters import (
    COLUMNS,
    SIZE_BUDGET,
    import_csv,
    load_recruiters,
    parse_recruiters,
    write_phone_lists,
)
from tests.conftest import ROOT

CONTENT = ROOT / "content" / "recruiters.yaml"
VECTORS = json.loads((ROOT / "tests" / "data" / "recruiter_match_vectors.json").read_text(encoding="utf-8"))
MATCH_JS = ROOT / "site" / "overrides" / "assets" / "recruiters" / "match.js"
TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def lists() -> dict[str, dict[str, Any]]:
    return {c.country: compiled_list(c) for c in load_recruiters().countries}


@pytest.fixture(scope="module")
def node_results(lists: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What match.js makes of every vector, run once with node as the phone's browser would."""
    node = shutil.which("node")
    assert node, "node (Node.js 18+, a prerequisite of make test) is needed to run match.js"
    payload = {"vectors": VECTORS, "lists": lists, "rules": {s: rules_for(s) for s in SCRIPTS}}
    done = subprocess.run(
        [node, str(ROOT / "tests" / "unit" / "recruiter_match.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "recruiters.yaml"
    shutil.copy(CONTENT, target)
    return target


def write_csv(path: Path, rows: list[str], *, bom: bool = False, newline: str = "\n") -> Path:
    text = newline.join(rows) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# ---- the sample file --------------------------------------------------------------------------


def test_sample_list_is_valid_labelled_and_covers_every_status() -> None:
    recruiters = load_recruiters()
    countries = {c.country: c for c in recruiters.countries}
    assert set(countries) == {"TJ", "VN", "KH", "MM", "NP"}
    assert sum(len(c.agencies) for c in recruiters.countries) >= 30
    text = CONTENT.read_text(encoding="utf-8")
    assert text.startswith("# SAMPLE DATA")
    assert text.count("    # SAMPLE DATA: fictional") == len(countries)  # inside each block: replaced on import
    for status in STATUSES:
        having = [c.country for c in recruiters.countries if any(a.status == status for a in c.agencies)]
        assert len(having) >= 3, (status, having)
    for country in recruiters.countries:
        assert country.sample_data and "SAMPLE DATA" in country.source.title
        for agency in country.agencies:
            assert agency.sample_data
            assert "Sample" in agency.name_latin and "(sample)" in agency.address
            assert agency.phone and re.fullmatch(r"\+\d{2,3}0000\d+", agency.phone), agency.phone


def test_sample_names_collide_across_scripts_and_differ_only_by_tones(lists: dict[str, dict[str, Any]]) -> None:
    tj = Matcher(lists["TJ"]["rules"])
    cyrillic = {a["id"]: tj.name_key(a["name"]["local"]) for a in lists["TJ"]["agencies"]}
    latin = {a["id"]: tj.name_key(a["name"]["latin"]) for a in lists["TJ"]["agencies"]}
    assert any(
        c_id != l_id and latin_key.startswith(c_key)
        for c_id, c_key in cyrillic.items()
        for l_id, latin_key in latin.items()
    )
    vn = Matcher(lists["VN"]["rules"])
    locals_ = [a["name"]["local"] for a in lists["VN"]["agencies"]]
    same_letters = [(a, b) for i, a in enumerate(locals_) for b in locals_[i + 1 :] if vn.name_key(a) == vn.name_key(b)]
    assert ("Công ty Cổ phần Mẫu Thành Đạt", "Công ty Cổ phần Mẫu Thanh Đạt") in same_letters


# ---- the model --------------------------------------------------------------------------------


def _break(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '        phone: "+992000002001"\n',
            '        phone: "+992000002001"\n        fax: "1"\n',
            "countries[0] (TJ): agencies[0] (licence '№ 0000117'): fax: Extra inputs are not permitted",
        ),
        (
            "valid_until: 2029-02-28",
            "valid_until: 2029-02-29",
            "countries[0] (TJ): agencies[0] (licence '№ 0000117'): valid_until: Input should be a valid date",
        ),
        (
            "valid_until: 2029-02-28",
            "valid_until: 2023-02-28",
            "agencies[0] (licence '№ 0000117'): valid_until: 2023-02-28 is before valid_from 2024-03-01",
        ),
        (
            "        suspended_on: 2026-08-20\n",
            "",
            "agencies[2] (licence '№ 0000093'): suspended_on: is required for a suspended licence",
        ),
        (
            "        suspended_on: 2026-08-20\n",
            "        suspended_on: 2026-10-20\n",
            "agencies[2] (licence '№ 0000093'): suspended_on: 2026-10-20 is after the list's date 2026-10-01",
        ),
        (
            '        phone: "+992000002001"\n',
            '        phone: "+992000002001"\n        revoked_on: 2025-01-01\n',
            "agencies[0] (licence '№ 0000117'): revoked_on: is only for a revoked licence (this one is licensed)",
        ),
        (
            "valid_until: 2027-01-14",
            "valid_until: 2026-01-14",
            "agencies[1] (licence '№ 0000142'): valid_until: 2026-01-14 is before the list's date 2026-10-01: "
            "a licence that had run out is 'expired'",
        ),
        (
            'name_local: "ҶДММ «Ҳамроҳ Намуна»"',
            'name_local: "Hamroh Namuna"',
            "agencies[1] (licence '№ 0000142'): name_local: must be written in the country's script (Cyrl)",
        ),
        (
            'name_latin: "Companion Sample Travel LLC"',
            'name_latin: "Ҳамроҳ"',
            "agencies[1] (licence '№ 0000142'): name_latin: must be written in Latin letters",
        ),
        (
            'licence: "№ 0000142"',
            'licence: "117"',
            "agencies[1] (licence '117'): licence: same licence number as agencies[0] (licence '№ 0000117')",
        ),
        (
            "status: licensed\n        valid_from: 2025-01-15",
            "status: pending\n        valid_from: 2025-01-15",
            "agencies[1] (licence '№ 0000142'): status: "
            "Input should be 'licensed', 'suspended', 'revoked' or 'expired'",
        ),
        (
            '        sample_data: true\n      - licence: "№ 0000142"',
            '        sample_data: false\n      - licence: "№ 0000142"',
            "agencies[0] (licence '№ 0000117'): sample_data: must be true, as the country's list says",
        ),
        (
            "      published_on: 2026-10-01",
            "      published_on: 2026-12-01",
            "countries[0] (TJ): source: published_on 2026-12-01 is after checked_on 2026-11-16",
        ),
    ],
)
def test_a_mistake_names_the_country_the_agency_and_the_field(old: str, new: str, expected: str) -> None:
    broken = _break(CONTENT.read_text(encoding="utf-8"), old, new)
    with pytest.raises(ContentError) as excinfo:
        parse_recruiters(broken)
    assert any(expected in problem for problem in excinfo.value.problems), excinfo.value.problems


def test_every_mistake_is_reported_at_once() -> None:
    text = CONTENT.read_text(encoding="utf-8")
    text = _break(text, "valid_until: 2029-02-28", "valid_until: 2029-02-30")
    text = _break(
        text, "status: licensed\n        valid_from: 2025-01-15", "status: pending\n        valid_from: 2025-01-15"
    )
    text = _break(text, "  - country: VN", "  - country: TJ")
    with pytest.raises(ContentError) as excinfo:
        parse_recruiters(text)
    problems = excinfo.value.problems
    assert len(problems) == 2, problems  # the repeated TJ is reported once the agencies are good
    assert "agencies[0]" in problems[0] and "agencies[1]" in problems[1]


def test_ids_come_from_the_licence_and_stay_put(lists: dict[str, dict[str, Any]]) -> None:
    ids = {a["id"] for c in lists.values() for a in c["agencies"]}
    assert {"tj-117", "vn-45-ldtbxh-gp", "kh-56-2022", "mm-123-2016", "np-1023-66-67"} <= ids
    assert len(ids) == sum(len(c["agencies"]) for c in lists.values())
    assert all(re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)+", i) for i in ids)


# ---- the CSV import ---------------------------------------------------------------------------

HEADER = "licence,name_local,name_latin,aliases,status,valid_from,valid_until,suspended_on,revoked_on,address,phone"


def test_a_bad_row_is_named_by_line_and_field_and_nothing_is_written(content_copy: Path, tmp_path: Path) -> None:
    before = content_copy.read_bytes()
    csv_path = write_csv(
        tmp_path / "tj.csv",
        [
            HEADER,
            '"№ 0000201",ҶДММ «Нав Намуна»,Nav Sample LLC,,licensed,2025-01-01,2030-01-01,,,"1 Road, Dushanbe",',
            '"№ 0000202",ҶДММ «Кӯҳ Намуна»,Kuh Sample LLC,,licensed,2025-01-01,31/02/2030,,,"2 Road, Khujand",',
            '"№ 0000203",ҶДММ «Об Намуна»,Ob Sample LLC,,suspended,2025-01-01,2030-01-01,,,"3 Road,',
            'Kulob",+992000009003',
            '"№ 0000204",ҶДММ «Ситора Намуна»,Ситора,,pending,2025-01-01,2030-01-01,,,"4 Road, Bokhtar",',
            '"№ 0000201",ҶДММ «Боғ Намуна»,Bogh Sample LLC,,revoked,2025-01-01,2030-01-01,,2026-01-01,"5 Road, Hisor",',
            'no digits,ҶДММ «Гул Намуна»,Gul Sample LLC,,licensed,2025-01-01,2030-01-01,,,"6 Road, Vahdat",123',
            '202,ҶДММ «Мева Намуна»,Meva Sample LLC,,licensed,2025-01-01,2030-01-01,,,"7 Road, Panj",',
        ],
    )
    with pytest.raises(ContentError) as excinfo:
        import_csv(csv_path, "TJ", source="Register of licences", today=TODAY, content_path=content_copy)
    problems = excinfo.value.problems
    expected = [
        "tj.csv: line 3: valid_until: '31/02/2030' is not a date (YYYY-MM-DD, or DD/MM/YYYY with the day first)",
        "tj.csv: line 4: suspended_on: is required for a suspended licence",
        "tj.csv: line 6: name_latin: must be written in Latin letters",
        "tj.csv: line 6: status: Input should be 'licensed', 'suspended', 'revoked' or 'expired'",
        "tj.csv: line 7: licence: same licence number as line 2 ('№ 0000201')",
        "tj.csv: line 8: licence: has no digits",
        "tj.csv: line 8: phone: must be an international number: + and 7 to 15 digits (+992000000000)",
        "tj.csv: line 9: licence: same licence number as line 3 ('№ 0000202')",  # though line 3 is bad
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
    assert len(problems) == len(expected), problems
    assert content_copy.read_bytes() == before
    assert sorted(p.name for p in content_copy.parent.iterdir()) == ["recruiters.yaml", "tj.csv"]


def test_a_good_file_replaces_one_country_and_keeps_the_rest(content_copy: Path, tmp_path: Path) -> None:
    before_text = content_copy.read_text(encoding="utf-8")
    before = parse_recruiters(before_text, content_copy)
    csv_path = write_csv(
        tmp_path / "tj-2026-12.csv",
        [
            HEADER,
            '"№ 0000117",ҶДММ «Намуна-Шарқ»,Namuna-Sharq Sample Recruitment LLC,ООО «Намуна-Шарк»,suspended,'
            '2024-03-01,2029-02-28,2026-11-20,,"12 Sample Street, Dushanbe",+992000002001',
            '"№ 0000300",ҶДММ «Ҳисор Намуна»,Hisor Sample LLC,Гиссар Намуна|Hissar Sample,licensed,'
            '2026-06-01,2031-05-31,,,"30 Road, Hisor",',
        ],
    )
    updated = import_csv(
        csv_path,
        "TJ",
        source="Register of licences, December 2026",
        source_url="https://example.org/register.pdf",
        published=date(2026, 12, 1),
        today=TODAY,
        content_path=content_copy,
    )
    after_text = content_copy.read_text(encoding="utf-8")
    after = parse_recruiters(after_text, content_copy)
    tj = after.country("TJ")
    assert tj is not None and tj == updated
    assert [a.licence for a in tj.agencies] == ["№ 0000117", "№ 0000300"]
    assert tj.agencies[0].status == "suspended" and tj.agencies[0].suspended_on == date(2026, 11, 20)
    assert tj.agencies[1].aliases == ["Гиссар Намуна", "Hissar Sample"]
    assert not tj.sample_data and not any(a.sample_data for a in tj.agencies)
    assert (tj.source.title, tj.source.url) == (
        "Register of licences, December 2026",
        "https://example.org/register.pdf",
    )
    assert (tj.source.published_on, tj.source.checked_on) == (date(2026, 12, 1), TODAY)
    assert tj.regulator == before.countries[0].regulator
    # Other countries: the same data and the same lines; the file's header comment is kept.
    assert [c for c in after.countries if c.country != "TJ"] == [c for c in before.countries if c.country != "TJ"]
    vn_block = before_text[before_text.index("  - country: VN") :]
    assert after_text.endswith(vn_block)
    assert after_text.startswith(before_text[: before_text.index("  - country: TJ")])
    assert "# Loaded with `make recruiters` from tj-2026-12.csv on 2026-12-04: 2 agencies." in after_text
    assert "the word намуна means 'sample'" not in after_text  # the sample label went with the sample list
    # Found by the phone's rules at once.
    found = search(compiled_list(tj), "Гиссар")
    assert [f["id"] for f in found] == ["tj-300"]


def test_a_list_with_bom_semicolons_crlf_and_day_first_dates_loads(content_copy: Path, tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path / "vn.csv",
        [
            "Licence;Name_Local;Name_Latin;Status;Valid_From;Valid_Until;Address",
            "045/LĐTBXH-GP;Công ty Cổ phần Mẫu Thành Đạt;Thanh Dat Sample Manpower JSC;Licensed;01/04/2022;31.03.2029;"
            "18 Sample Street, Hanoi",
            "",
            "300/LĐTBXH-GP;Công ty TNHH Mẫu Hồng Hà;Hong Ha Sample Co., Ltd.;expired;01-05-2019;30/04/2026;"
            "2 Road, Hanoi",
        ],
        bom=True,
        newline="\r\n",
    )
    updated = import_csv(csv_path, "vn", source="Danh sách doanh nghiệp", today=TODAY, content_path=content_copy)
    assert [(a.licence, a.status, a.valid_from, a.valid_until) for a in updated.agencies] == [
        ("045/LĐTBXH-GP", "licensed", date(2022, 4, 1), date(2029, 3, 31)),
        ("300/LĐTBXH-GP", "expired", date(2019, 5, 1), date(2026, 4, 30)),
    ]
    assert updated.agencies[0].name_local == "Công ty Cổ phần Mẫu Thành Đạt"
    reloaded = parse_recruiters(content_copy.read_text(encoding="utf-8"), content_copy).country("VN")
    assert reloaded == updated


def test_a_list_with_decomposed_vietnamese_is_stored_composed(content_copy: Path, tmp_path: Path) -> None:
    import unicodedata

    name = unicodedata.normalize("NFD", "Công ty TNHH Mẫu Hồng Hà")
    csv_path = write_csv(
        tmp_path / "vn.csv",
        [
            "licence,name_local,name_latin,status,valid_from,valid_until,address",
            f"301/LĐTBXH-GP,{name},Hong Ha Sample Co.,licensed,2025-01-01,2030-01-01,1 Road",
        ],
    )
    updated = import_csv(csv_path, "VN", source="Danh sách", today=TODAY, content_path=content_copy)
    assert updated.agencies[0].name_local == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["licence,name_local,name_latin,status,address,fax", "1,a,b,licensed,c,d"],
            "line 1: column 'fax' is not known",
        ),
        (["licence,name_local,status,address", "1,ҶДММ,licensed,c"], "line 1: column 'name_latin' is missing"),
        (
            ["licence,name_local,name_latin,status,valid_until,address", "1,ҶДММ «Нав»,Nav,licensed,2030-01-01"],
            "line 2: has 5 columns, the header has 6",
        ),
        (["licence,name_local,name_latin,status,valid_until,address"], "has no agencies"),
    ],
)
def test_a_malformed_file_is_refused(content_copy: Path, tmp_path: Path, rows: list[str], expected: str) -> None:
    before = content_copy.read_bytes()
    with pytest.raises(ContentError) as excinfo:
        import_csv(write_csv(tmp_path / "x.csv", rows), "TJ", source="x", today=TODAY, content_path=content_copy)
    assert any(expected in p for p in excinfo.value.problems), excinfo.value.problems
    assert content_copy.read_bytes() == before


def test_a_file_that_is_not_utf8_is_refused(content_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "tj.csv"
    path.write_bytes("licence,name_local\n1,Шарқ\n".encode("cp1251", errors="replace"))
    with pytest.raises(ContentError) as excinfo:
        import_csv(path, "TJ", source="x", today=TODAY, content_path=content_copy)
    assert excinfo.value.problems == ["tj.csv: line 2: not UTF-8 (save the file as CSV UTF-8)"]


def test_real_data_over_a_sample_list_needs_its_source(content_copy: Path, tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "tj.csv", [HEADER])
    with pytest.raises(ContentError) as excinfo:
        import_csv(csv_path, "TJ", today=TODAY, content_path=content_copy)
    assert excinfo.value.problems[0].startswith("SOURCE: name the regulator's publication")
    with pytest.raises(ContentError) as excinfo:
        import_csv(csv_path, "FR", source="x", today=TODAY, content_path=content_copy)
    assert "has no list for FR" in excinfo.value.problems[0]


def test_the_sample_list_survives_a_round_trip_through_csv(content_copy: Path, tmp_path: Path) -> None:
    """Every field of the model has a column: a country exported to CSV loads back the same."""
    import csv

    np_list = load_recruiters().country("NP")
    assert np_list is not None
    path = tmp_path / "np.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(COLUMNS)
        for agency in np_list.agencies:
            row = agency.model_dump(mode="json")
            writer.writerow(["|".join(row[c]) if c == "aliases" else (row[c] or "") for c in COLUMNS])
    updated = import_csv(path, "NP", source="x", today=TODAY, content_path=content_copy)
    assert [a.model_dump(exclude={"sample_data"}) for a in updated.agencies] == [
        a.model_dump(exclude={"sample_data"}) for a in np_list.agencies
    ]


def test_the_command_line_reports_and_exits_non_zero(content_copy: Path, tmp_path: Path) -> None:
    before = content_copy.read_bytes()
    csv_path = write_csv(
        tmp_path / "tj.csv", [HEADER, '"№ 1",ҶДММ «Нав»,Nav,,licensed,2025-01-01,2024-01-01,,,"1 Road",']
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "devstack.recruiters",
            "import",
            "--file",
            str(csv_path),
            "--country",
            "TJ",
            "--source",
            "Register",
            "--content",
            str(content_copy),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Nothing was changed:" in done.stderr
    assert "tj.csv: line 2: valid_until: 2024-01-01 is before valid_from 2025-01-01" in done.stderr
    assert content_copy.read_bytes() == before


# ---- matching: the same vectors through Python and through match.js -------------------------


def _case_id(case: dict[str, Any]) -> str:
    return str(case.get("query") or case.get("text") or case["why"])


@pytest.mark.parametrize("case", VECTORS["keys"], ids=_case_id)
def test_name_keys(case: dict[str, Any], node_results: dict[str, Any]) -> None:
    m = Matcher(rules_for(case["script"]))
    js = node_results["keys"][VECTORS["keys"].index(case)]
    assert m.name_key(case["text"]) == case["name_key"] == js["name_key"], case["why"]
    assert m.toned_words(case["text"]) == js["toned_words"]
    if "toned_words" in case:
        assert js["toned_words"] == case["toned_words"], case["why"]


@pytest.mark.parametrize("case", VECTORS["licences"], ids=_case_id)
def test_licence_keys(case: dict[str, Any], node_results: dict[str, Any]) -> None:
    js = node_results["licences"][VECTORS["licences"].index(case)]
    assert Matcher(rules_for(case["script"])).licence_key(case["text"]) == case["key"] == js, case["why"]


@pytest.mark.parametrize("case", VECTORS["searches"], ids=lambda c: f"{c['country']}:{c['query']}")
def test_searches(case: dict[str, Any], lists: dict[str, dict[str, Any]], node_results: dict[str, Any]) -> None:
    python = [found["id"] for found in search(lists[case["country"]], case["query"])]
    js = node_results["searches"][VECTORS["searches"].index(case)]
    assert python == case["ids"] == js, case["why"]


@pytest.mark.parametrize("case", VECTORS["verdicts"], ids=lambda c: c["why"])
def test_verdicts(case: dict[str, Any], node_results: dict[str, Any]) -> None:
    js = node_results["verdicts"][VECTORS["verdicts"].index(case)]
    assert verdict(case["agency"], case["today"]) == case["verdict"] == js


def _first(lists: dict[str, dict[str, Any]], country: str, query: str) -> dict[str, Any] | None:
    found = search(lists[country], query)
    return next(a for a in lists[country]["agencies"] if a["id"] == found[0]["id"]) if found else None


def test_tajik_cyrillic_finds_a_latin_name_and_latin_finds_a_cyrillic_one(lists: dict[str, dict[str, Any]]) -> None:
    pamir = _first(lists, "TJ", "ПАМИР")  # the Tajik name says Помир: only the Latin one says Pamir
    assert pamir and pamir["name"]["latin"] == "Pamir Sample Jobs LLC"
    assert verdict(pamir, TODAY.isoformat()) == {"state": "suspended", "date": "2026-08-20", "until": "2027-02-20"}
    hamroh = _first(lists, "TJ", "hamroh namuna")
    assert hamroh and hamroh["name"]["local"] == "ҶДММ «Ҳамроҳ Намуна»"
    assert verdict(hamroh, TODAY.isoformat()) == {"state": "licensed", "date": "2027-01-14"}


def test_vietnamese_without_tones_finds_both_names(lists: dict[str, dict[str, Any]]) -> None:
    found = search(lists["VN"], "cong ty co phan mau thanh dat")
    assert [f["id"] for f in found] == ["vn-45-ldtbxh-gp", "vn-162-ldtbxh-gp"]
    statuses = [
        verdict(next(a for a in lists["VN"]["agencies"] if a["id"] == f["id"]), "2026-12-04")["state"] for f in found
    ]
    assert statuses == ["licensed", "revoked"]  # the page shows both: the person compares licence numbers


def test_a_licence_number_with_spaces_and_an_unknown_name(lists: dict[str, dict[str, Any]]) -> None:
    agency = _first(lists, "NP", "1023 066 67")
    assert agency and agency["id"] == "np-1023-66-67"
    assert search(lists["NP"], "Kathmandu Sample Gulf Manpower") == []
    assert verdict(_first(lists, "NP", "Kathmandu Sample Gulf Manpower"), "2026-12-04") == {"state": "not_listed"}


def test_match_js_reads_the_format_it_is_given() -> None:
    script = MATCH_JS.read_text(encoding="utf-8")
    assert f"export const FORMAT = {FORMAT};" in script
    assert "fetch(" not in script.replace('await fetch("/assets/recruiters/tj.json")', "")  # it asks no network


# ---- the lists the phone loads ------------------------------------------------------------------


def test_phone_lists_are_complete_and_small(tmp_path: Path) -> None:
    sizes = write_phone_lists(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kh.json", "mm.json", "np.json", "tj.json", "vn.json"]
    tj = json.loads((tmp_path / "tj.json").read_text(encoding="utf-8"))
    assert tj["format"] == FORMAT and tj["sample_data"] is True and tj["script"] == "Cyrl"
    assert tj["rules"]["fold"] and "ҷ" in tj["rules"]["chars"]
    assert tj["source"]["checked_on"] == "2026-11-16" and tj["regulator"]["local_name"].startswith("Вазорати")
    first = tj["agencies"][0]
    assert first["keys"] == ["namunashark", "namunasharksamplerecruitment", "namunashark"]
    assert first["licence_key"] == {"runs": "117", "digits": "117", "full": "117"}
    assert {"id", "name", "licence", "status", "valid_until", "address", "phone"} <= set(first)
    assert all(None not in a.values() for a in tj["agencies"])
    assert max(packed for _, packed in sizes.values()) < SIZE_BUDGET / 4


def test_thirty_agencies_in_one_list_stay_well_under_the_budget(tmp_path: Path) -> None:
    """Every sample agency (34, in five scripts) as if one country listed them all."""
    write_phone_lists(tmp_path)
    lists = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(tmp_path.glob("*.json"))]
    combined = {**lists[0], "agencies": [a for one in lists for a in one["agencies"]]}
    assert len(combined["agencies"]) >= 30
    data = json.dumps(combined, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(brotli.compress(data, quality=11)) < SIZE_BUDGET / 4
