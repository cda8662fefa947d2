"""The cleaner as its own Lambda function: the JSON it speaks with the API, what it logs, and a
bundle that holds everything it imports and the versions the tests ran."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from botocore.client import BaseClient

from chalicelib.evidence.contract import (
    Cleaned,
    ProtocolError,
    Refusal,
    Refused,
    clean_request,
    clean_response,
    read_clean_response,
    read_render_response,
    refused_response,
    render_request,
)
from chalicelib.evidence.handler import handler
from devstack import cleaner_bundle
from tests import evidence_samples as samples
from tests.conftest import ROOT

# A synchronous invocation carries at most 6 MB each way (Lambda quotas).
INVOKE_LIMIT = 6 * 1024 * 1024


def invoke(event: dict[str, object]) -> dict[str, object]:
    """As Lambda does: the event and the answer cross as JSON text."""
    answer = handler(json.loads(json.dumps(event)), None)
    return json.loads(json.dumps(answer))  # type: ignore[no-any-return]


def test_a_photo_is_cleaned_through_the_function_and_the_log_holds_nothing_of_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = invoke(clean_request(samples.gps_photo()))
    cleaned = read_clean_response(answer)
    assert (cleaned.kind, cleaned.media_type, cleaned.width, cleaned.height) == ("photo", "image/jpeg", 800, 600)
    samples.assert_no_canary(cleaned.data)
    log = json.loads(capsys.readouterr().out)
    assert log == {"op": "clean", "ok": True, "code": None, "bytes_in": log["bytes_in"], "ms": log["ms"]}
    assert log["bytes_in"] == pytest.approx(len(samples.gps_photo()), abs=3)


def test_a_refusal_crosses_with_its_code_and_is_raised_again_on_the_api_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = invoke(clean_request(samples.HTML_AS_JPG))
    assert answer["ok"] is False and answer["code"] == "unsupported_type"
    with pytest.raises(Refused) as refused:
        read_clean_response(answer)
    assert refused.value.code is Refusal.UNSUPPORTED_TYPE and refused.value.status == 415
    assert "script" not in capsys.readouterr().out


def test_pages_are_rendered_through_the_function() -> None:
    pdf = read_clean_response(invoke(clean_request(samples.canary_pdf(pages=3)))).data
    pages = read_render_response(invoke(render_request(pdf, first_page=1, max_pages=2, width=400, page_format="png")))
    assert len(pages) == 2 and all(page.startswith(b"\x89PNG") for page in pages)


@pytest.mark.parametrize(
    "event",
    [
        {"op": "delete", "data": ""},
        {"op": "clean"},
        {"op": "clean", "data": "not base64!"},
        {"op": "render", "data": "", "width": 10},
        {"op": "render", "data": "", "format": "gif"},
        {"op": "render", "data": "", "max_pages": "2"},
        ["op", "clean"],
    ],
)
def test_an_event_of_another_shape_fails_the_invocation(event: object) -> None:
    with pytest.raises(ProtocolError):
        handler(event, None)


@pytest.mark.parametrize(
    "answer",
    [
        None,
        {},
        {"ok": False, "code": "nope"},
        {"ok": True, "kind": "video"},
        {"ok": True, "kind": "photo", "media_type": "image/jpeg", "data": 5},
    ],
)
def test_an_answer_of_another_shape_is_a_protocol_error(answer: object) -> None:
    with pytest.raises(ProtocolError):
        read_clean_response(answer)


def test_the_json_round_trip_keeps_every_field() -> None:
    cleaned = Cleaned(kind="document", media_type="application/pdf", data=b"%PDF-1.7 \x00\xff", pages=3)
    assert read_clean_response(json.loads(json.dumps(clean_response(cleaned)))) == cleaned
    refused = Refused(Refusal.TOO_MANY_PAGES, "51 pages, at most 50")
    with pytest.raises(Refused) as again:
        read_clean_response(refused_response(refused))
    assert (again.value.code, again.value.detail) == (refused.code, refused.detail)


def test_the_largest_file_and_its_clean_copy_fit_one_invocation_each_way() -> None:
    largest = bytes(4 * 1024 * 1024)
    assert len(json.dumps(clean_request(largest))) < INVOKE_LIMIT
    answer = clean_response(Cleaned(kind="document", media_type="application/pdf", data=largest, pages=50))
    assert len(json.dumps(answer)) < INVOKE_LIMIT


# ---- the bundle -----------------------------------------------------------------------------


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)==([^\s;#]+)\s*(#.*)?", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_the_bundle_pins_the_versions_the_tests_ran() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tested = _pins(project["optional-dependencies"]["cleaner"])
    bundled = _pins(cleaner_bundle.REQUIREMENTS.read_text(encoding="utf-8").splitlines())
    assert tested and all(bundled.get(name) == version for name, version in tested.items())
    assert not _pins(project["dependencies"]).keys() & tested.keys(), "the API's bundle must not carry the cleaner"
    from importlib.metadata import requires, version

    for name, pinned in tested.items():  # what ran here is what runs there
        assert version(name) == pinned, f"{name} {version(name)} is installed, the bundle pins {pinned}"
    declared = {
        re.split(r"[ ;<>=!\[]", requirement)[0].lower()
        for requirement in requires("pikepdf") or []
        if "extra ==" not in requirement
    }
    assert declared <= bundled.keys()


def test_the_bundle_code_imports_nothing_else_of_the_backend(tmp_path: Path) -> None:
    """The files the bundle copies are enough: the handler imports with them alone on the path
    (the libraries come from this interpreter's site-packages, as they come from the bundle)."""
    for source, name in cleaner_bundle.code_files():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(source.read_bytes())
    module, function = cleaner_bundle.HANDLER.rsplit(".", 1)
    script = (
        # the editable install's finder would serve any chalicelib module from backend/: it goes too
        "import sys; sys.meta_path = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
        f"sys.path = [p for p in sys.path if 'backend' not in p]; import {module}; "
        f"assert callable({module}.{function}); "
        "assert not [m for m in sys.modules if m.startswith('chalicelib.') and "
        "not m.startswith('chalicelib.evidence')], sorted(sys.modules)"
    )
    environment = {
        **{key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        "PYTHONPATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


# ---- the API's side: in this process, or through Lambda -------------------------------------


def _lambda_client() -> BaseClient:
    import boto3

    client: BaseClient = boto3.client("lambda", region_name="eu-west-1")
    return client


def _stubbed(
    answer: object, function_error: str | None = None, expected: dict[str, object] | None = None
) -> tuple[object, object]:
    import io

    from botocore.response import StreamingBody
    from botocore.stub import ANY, Stubber

    client = _lambda_client()
    stubber = Stubber(client)
    raw = json.dumps(answer).encode()
    response: dict[str, object] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(raw), len(raw))}
    if function_error:
        response["FunctionError"] = function_error
    expected = expected or {"FunctionName": "cleaner", "InvocationType": "RequestResponse", "Payload": ANY}
    stubber.add_response("invoke", response, expected)
    stubber.activate()
    return client, stubber


def test_the_lambda_cleaner_sends_the_contracts_event_and_reads_the_functions_answer() -> None:
    from chalicelib.evidence.client import InProcessCleaner, LambdaCleaner

    photo = samples.gps_photo()
    event = clean_request(photo)
    client, stubber = _stubbed(
        handler(event, None),
        expected={
            "FunctionName": "cleaner",
            "InvocationType": "RequestResponse",
            "Payload": json.dumps(event).encode(),
        },
    )
    through_lambda = LambdaCleaner("cleaner", client).clean(photo)
    stubber.assert_no_pending_responses()  # type: ignore[attr-defined]
    assert through_lambda == InProcessCleaner().clean(photo)
    samples.assert_no_canary(through_lambda.data)


def test_both_cleaners_render_the_same_pages() -> None:
    from chalicelib.evidence.client import InProcessCleaner, LambdaCleaner

    pdf = InProcessCleaner().clean(samples.canary_pdf()).data
    local = InProcessCleaner().render(pdf, max_pages=2, width=300)
    client, _ = _stubbed(handler(render_request(pdf, max_pages=2, width=300), None))
    assert LambdaCleaner("cleaner", client).render(pdf, max_pages=2, width=300) == local


@pytest.mark.parametrize(
    ("answer", "function_error", "expected"),
    [
        ({"ok": False, "code": "pdf_active_content", "detail": "holds JavaScript"}, None, Refusal.PDF_ACTIVE_CONTENT),
        ({"errorType": "Runtime.OutOfMemory", "errorMessage": "..."}, "Unhandled", Refusal.DECOMPRESSION_BOMB),
        (
            {"errorMessage": "Task timed out after 8.00 seconds", "errorType": "Sandbox.Timedout"},
            "Unhandled",
            Refusal.MALFORMED,
        ),
        (
            {"errorType": "Runtime.ExitError", "errorMessage": "signal: segmentation fault"},
            "Unhandled",
            Refusal.MALFORMED,
        ),
    ],
)
def test_what_only_the_file_can_cause_is_a_refusal(
    answer: object, function_error: str | None, expected: Refusal
) -> None:
    from chalicelib.evidence.client import LambdaCleaner

    client, _ = _stubbed(answer, function_error)
    with pytest.raises(Refused) as refused:
        LambdaCleaner("cleaner", client).clean(b"%PDF-1.7")
    assert refused.value.code is expected and 400 <= refused.value.status < 500


def test_a_bug_between_the_two_sides_is_a_protocol_error() -> None:
    from chalicelib.evidence.client import LambdaCleaner

    client, _ = _stubbed({"errorType": "ProtocolError", "errorMessage": "op must be clean or render"}, "Unhandled")
    with pytest.raises(ProtocolError):
        LambdaCleaner("cleaner", client).clean(b"x")


def test_a_throttled_or_unreachable_function_is_unavailable_not_the_files_fault() -> None:
    from botocore.stub import Stubber

    from chalicelib.evidence.client import CleanerUnavailable, LambdaCleaner

    client = _lambda_client()
    stubber = Stubber(client)
    stubber.add_client_error("invoke", "TooManyRequestsException", "Rate exceeded", 429)
    stubber.activate()
    with pytest.raises(CleanerUnavailable):
        LambdaCleaner("cleaner", client).clean(b"x")
