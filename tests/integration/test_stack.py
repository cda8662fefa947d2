"""The local stack through real HTTP on one origin, against DynamoDB Local."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import brotli
import pytest

from devstack import ROOT
from devstack.dynamodb_local import DynamoDBLocal, free_port, local_client
from devstack.stack import LocalStack
from devstack.table import ensure_table

pytestmark = pytest.mark.integration


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None,
          data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str) -> tuple[int, Any]:
    status, _, raw = fetch(url)
    return status, json.loads(raw)


def test_health_says_the_database_is_up(stack: LocalStack) -> None:
    assert get_json(f"{stack.url}/api/health") == (200, {"status": "ok", "database": "up"})


def test_centres_in_two_languages(stack: LocalStack) -> None:
    status, english = get_json(f"{stack.url}/api/centres")
    assert status == 200 and len(english["centres"]) >= 20
    status, russian = get_json(f"{stack.url}/api/centres?lang=ru")
    assert status == 200 and russian["lang"] == "ru"
    assert russian["centres"][0]["name"] != english["centres"][0]["name"]


@pytest.mark.parametrize("path", ["/api/does-not-exist", "/api/centres/a/b/c", "/api/", "/api"])
def test_unknown_api_routes_are_404_json(stack: LocalStack, path: str) -> None:
    status, _, raw = fetch(f"{stack.url}{path}", method="POST", data=b"{}")
    assert status == 404
    assert json.loads(raw)["error"]["code"] == "not_found"


def test_bad_input_is_400_naming_the_field(stack: LocalStack) -> None:
    status, _, raw = fetch(f"{stack.url}/api/centres?lang=!!")
    assert status == 400 and json.loads(raw)["error"]["field"] == "lang"


def test_concurrent_requests_each_get_their_own_answer(stack: LocalStack) -> None:
    """chalice local shares app.current_request between threads (aws/chalice#759); ours must not."""
    languages = ["en", "fr", "ru", "ar", "tr", "vi", "km", "tg"] * 5

    def ask(lang: str) -> tuple[str, str]:
        return lang, get_json(f"{stack.url}/api/centres?lang={lang}")[1]["lang"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, languages))
    assert all(asked == answered for asked, answered in answers)


def test_the_table_was_created_from_the_template_and_centres_loaded(stack: LocalStack) -> None:
    client = local_client(stack.dynamodb.endpoint)
    table = client.describe_table(TableName=stack.config.table_name)["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"GSI1", "GSI2"}
    ttl = client.describe_time_to_live(TableName=stack.config.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    item = client.get_item(TableName=stack.config.table_name,
                           Key={"PK": {"S": "CENTRE#tj-dushanbe"}, "SK": {"S": "PROFILE"}})
    assert item["Item"]["timezone"]["S"] == "Asia/Dushanbe"


def test_site_is_served_compressed_with_security_headers(stack: LocalStack) -> None:
    status, headers, raw = fetch(f"{stack.url}/", headers={"Accept-Encoding": "br, gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(raw)
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    status, headers, raw = fetch(f"{stack.url}/fr/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert 'lang="fr"' in gzip.decompress(raw).decode()


def test_missing_pages_and_path_traversal_are_404(stack: LocalStack) -> None:
    assert fetch(f"{stack.url}/no/such/page/")[0] == 404
    assert fetch(f"{stack.url}/../../etc/passwd")[0] == 404
    assert fetch(f"{stack.url}/%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_data_survive_a_restart_of_dynamodb_local(tmp_path: Path) -> None:
    # Given a DynamoDB Local with its data in a folder, and an item written to it
    port = free_port()
    first = DynamoDBLocal(port, tmp_path)
    first.start()
    try:
        client = local_client(first.endpoint)
        ensure_table(client, "restart")
        client.put_item(TableName="restart", Item={"PK": {"S": "K"}, "SK": {"S": "S"}, "v": {"S": "kept"}})
    finally:
        first.stop()
    # When it is started again on the same folder
    second = DynamoDBLocal(port, tmp_path)
    second.start()
    try:
        item = local_client(second.endpoint).get_item(TableName="restart",
                                                      Key={"PK": {"S": "K"}, "SK": {"S": "S"}})
        # Then the item is still there
        assert item["Item"]["v"]["S"] == "kept"
    finally:
        second.stop()


def test_make_run_on_a_port_in_use_says_so_in_one_sentence(tmp_path: Path) -> None:
    """What `make run` prints when another program holds the portal's port: the fix, no traceback,
    and nothing left running."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port, dynamodb_port = taken.getsockname()[1], free_port()
        env = {**os.environ, "PORT": str(port), "DYNAMODB_PORT": str(dynamodb_port), "DATA_DIR": str(tmp_path),
               "API_WORKERS": "1"}
        done = subprocess.run([sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=180)
    assert done.returncode == 1, done.stderr
    assert "Could not start:" in done.stderr and "Address already in use" in done.stderr
    assert f"Is another program using port {port}" in done.stderr and "Set PORT=" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Stopping ..." in done.stdout
    with socket.socket() as again:  # DynamoDB Local was stopped too
        again.bind(("127.0.0.1", dynamodb_port))
