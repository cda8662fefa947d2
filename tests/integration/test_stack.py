"""The local stack through real HTTP on one origin, against DynamoDB Local."""

from __future__ import annotations

import gzip
import os
import re
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest

from devstack import ROOT
from devstack.dynamodb_local import DynamoDBLocal, free_port, local_client
from devstack.stack import LocalStack
from devstack.table import ensure_table
from tests.conftest import Viewer

pytestmark = pytest.mark.integration


def test_health_says_the_database_is_up(stack: LocalStack) -> None:
    health = Viewer(stack.url).call("GET", "/api/health")
    assert (health.status, health.body) == (200, {"status": "ok", "database": "up"})


def test_centres_in_two_languages(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)
    english = viewer.call("GET", "/api/centres")
    assert english.status == 200 and len(english.body["centres"]) >= 20
    russian = viewer.call("GET", "/api/centres?lang=ru")
    assert russian.status == 200 and russian.body["lang"] == "ru"
    assert russian.body["centres"][0]["name"] != english.body["centres"][0]["name"]


@pytest.mark.parametrize("path", ["/api/does-not-exist", "/api/centres/a/b/c", "/api/", "/api"])
def test_unknown_api_routes_are_404_json(stack: LocalStack, path: str) -> None:
    answer = Viewer(stack.url).call("POST", path, raw=b"{}")
    assert answer.status == 404
    assert answer.body["error"]["code"] == "route_not_found"


def test_bad_input_is_400_naming_the_field(stack: LocalStack) -> None:
    answer = Viewer(stack.url).call("GET", "/api/centres?lang=!!")
    assert answer.status == 400 and answer.body["error"]["field"] == "lang"


def test_concurrent_requests_each_get_their_own_answer(stack: LocalStack) -> None:
    """chalice local shares app.current_request between threads (aws/chalice#759); ours must not."""
    languages = ["en", "fr", "ru", "ar", "tr", "vi", "km", "tg"] * 5

    def ask(lang: str) -> tuple[str, str]:
        return lang, Viewer(stack.url).call("GET", f"/api/centres?lang={lang}").body["lang"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, languages))
    assert all(asked == answered for asked, answered in answers)


def test_the_table_was_created_from_the_template_and_centres_are_served(stack: LocalStack) -> None:
    client = local_client(stack.dynamodb.endpoint)
    table = client.describe_table(TableName=stack.config.table_name)["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"GSI1", "GSI2"}
    ttl = client.describe_time_to_live(TableName=stack.config.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    # the centres come from the catalogue compiled from content/, not from the table
    assert Viewer(stack.url).call("GET", "/api/centres/tj-dushanbe").body["timezone"] == "Asia/Dushanbe"


def test_site_is_served_compressed_with_security_headers(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)
    page = viewer.call("GET", "/", headers={"Accept-Encoding": "br, gzip"})
    assert page.status == 200
    assert page.headers["content-encoding"] == "br"
    assert b"<html" in brotli.decompress(page.body)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    page = viewer.call("GET", "/fr/", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200 and page.headers["content-encoding"] == "gzip"
    assert 'lang="fr"' in gzip.decompress(page.body).decode()


def test_missing_pages_and_path_traversal_are_404(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)
    assert viewer.call("GET", "/no/such/page/").status == 404
    assert viewer.call("GET", "/../../etc/passwd").status == 404
    assert viewer.call("GET", "/%2e%2e/%2e%2e/etc/passwd").status == 404


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
        item = local_client(second.endpoint).get_item(TableName="restart", Key={"PK": {"S": "K"}, "SK": {"S": "S"}})
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
        port, dynamodb_port, s3_port = taken.getsockname()[1], free_port(), free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "DYNAMODB_PORT": str(dynamodb_port),
            "S3_PORT": str(s3_port),
            "DATA_DIR": str(tmp_path),
            "API_WORKERS": "1",
        }
        done = subprocess.run(
            [sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
    assert done.returncode == 1, done.stderr
    assert "Could not start:" in done.stderr and "Address already in use" in done.stderr
    assert f"Is another program using port {port}" in done.stderr and "Set PORT=" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Stopping ..." in done.stdout
    for stopped in (dynamodb_port, s3_port):  # DynamoDB Local and the S3 server were stopped too
        with socket.socket() as again:
            again.bind(("127.0.0.1", stopped))


# ---- on a network: loopback only, unless the person says otherwise -----------------------------


def listening() -> list[tuple[str, int, set[int]]]:
    """Every listening TCP socket as `ss -ltnp` shows it: local address, port and owning processes."""
    done = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, timeout=30, check=True)
    sockets = []
    for line in done.stdout.splitlines():
        local = line.split()[3]
        address, _, port = local.rpartition(":")
        sockets.append((address.strip("[]"), int(port), {int(p) for p in re.findall(r"pid=(\d+)", line)}))
    return sockets


def process_tree(root: int) -> set[int]:
    """`root` and every process below it (from /proc: DynamoDB Local, the API workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    return tree


def test_every_port_of_the_stack_listens_on_127_0_0_1_only(stack: LocalStack) -> None:
    """The portal (in this process), DynamoDB Local and the API workers (below it): `ss -ltn` shows
    each of their listening sockets on 127.0.0.1, and none elsewhere."""
    ours = [(address, port) for address, port, pids in listening() if pids & process_tree(os.getpid())]
    ports = {port for _, port in ours}
    assert {stack.config.port, stack.dynamodb.port} <= ports, ours
    assert all(address == "127.0.0.1" for address, _ in ours), ours
    # and DynamoDB Local refuses what a web page could send it (its CORS answers every origin)
    for headers in ({"Origin": "https://evil.example"}, {"Host": f"evil.example:{stack.dynamodb.port}"}):
        refused = Viewer(stack.dynamodb.endpoint).call(
            "POST",
            "/",
            headers={
                "X-Amz-Target": "DynamoDB_20120810.ListTables",
                "Content-Type": "application/x-amz-json-1.0",
                **headers,
            },
            raw=b"{}",
        )
        assert refused.status == 403, headers
    assert local_client(stack.dynamodb.endpoint).list_tables()["TableNames"]  # the SDK is served


@pytest.mark.parametrize("host", ["0.0.0.0", "", "192.0.2.2", "portal.example.org", "::"])
def test_a_host_on_the_network_is_refused_before_anything_starts(tmp_path: Path, host: str) -> None:
    port, dynamodb_port, s3_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "HOST": host,
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "S3_PORT": str(s3_port),
        "DATA_DIR": str(tmp_path / "data"),
        "API_WORKERS": "1",
    }
    env.pop("PASSERELLE_ALLOW_NETWORK", None)
    done = subprocess.run(
        [sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"HOST={host or '(every address)'} would open the local portal to other machines")
    assert "PASSERELLE_ALLOW_NETWORK=1" in line and line.endswith(".")
    assert not (tmp_path / "data").exists()  # nothing started, nothing written
    for free in (port, dynamodb_port, s3_port):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", free))


def test_make_run_checks_the_host_before_building_anything() -> None:
    env = {**os.environ, "HOST": "0.0.0.0"}
    env.pop("PASSERELLE_ALLOW_NETWORK", None)
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert plan.returncode == 0, plan.stderr
    steps = plan.stdout.splitlines()
    check = next(i for i, s in enumerate(steps) if "-m devstack.network" in s)
    assert all(i > check for i, s in enumerate(steps) if "pip install" in s or "mkdocs build" in s or "npm ci" in s)
    done = subprocess.run(["make", "-s", "check-host"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "PASSERELLE_ALLOW_NETWORK=1" in done.stderr
    allowed = subprocess.run(
        ["make", "-s", "check-host"],
        cwd=ROOT,
        env={**env, "PASSERELLE_ALLOW_NETWORK": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert allowed.returncode == 0 and allowed.stderr == ""


def this_machines_network_address() -> str:
    """An address of this machine that is not loopback: the one its default route leaves from."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        done = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10)
        address = next((a for a in done.stdout.split() if "." in a and not a.startswith("127.")), "")
    assert address, "this test needs a network interface besides loopback, to play another machine"
    return address


def test_on_the_network_sign_in_stays_on_this_machine(tmp_path: Path) -> None:
    """PASSERELLE_ALLOW_NETWORK=1 HOST=0.0.0.0: the portal is on the network, DynamoDB Local is not;
    from another address the development sign-in shows no account and signs nobody in, and even on
    this machine its page names no account."""
    lan = this_machines_network_address()
    port, dynamodb_port, s3_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "HOST": "0.0.0.0",
        "PASSERELLE_ALLOW_NETWORK": "1",
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "S3_PORT": str(s3_port),
        "DATA_DIR": str(tmp_path),
        "API_WORKERS": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:  # until it says it runs (or exits, which ends the loop)
            output.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        text = "".join(output)
        assert "Passerelle is running" in text, text
        assert "PASSERELLE_ALLOW_NETWORK=1: the portal listens on 0.0.0.0" in text
        # Then ss shows the portal on every address and DynamoDB Local on loopback, nothing else
        ours = {(address, p) for address, p, pids in listening() if pids & process_tree(process.pid)}
        assert ("0.0.0.0", port) in ours and ("127.0.0.1", dynamodb_port) in ours, ours
        assert ours <= {("0.0.0.0", port), ("127.0.0.1", dynamodb_port), ("127.0.0.1", s3_port)}, ours
        with socket.socket() as database:  # DynamoDB Local is not reachable from the network
            database.settimeout(5)
            assert database.connect_ex((lan, dynamodb_port)) != 0
        # From the network: the site and the public API answer, the sign-in does not
        network = Viewer(f"http://{lan}:{port}", source=None)  # a machine on the network, not this one
        assert network.call("GET", "/api/health").status == 200
        console = f"http://127.0.0.1:{port}/staff/"
        query = (
            "response_type=code&client_id=passerelle-console-local&redirect_uri="
            + console
            + "&state=s&scope=openid&code_challenge_method=S256&code_challenge="
            + "E" * 43
        )
        page = network.call("GET", f"/dev-idp/oauth2/authorize?{query}")
        assert page.status == 403 and b"<form" not in page.body and b"manager." not in page.body
        assert b"admin" not in page.body
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        login = network.call(
            "POST", "/dev-idp/login", headers=form, raw=(query + "&username=admin&password=passerelle-local").encode()
        )
        assert login.status == 403 and "location" not in login.headers
        token = network.call(
            "POST",
            "/dev-idp/oauth2/token",
            headers=form,
            raw=b"grant_type=authorization_code&client_id=passerelle-console-local&code=x",
        )
        assert (token.status, token.body) == (403, {"error": "access_denied"})
        # On this machine: a form where the name is typed, no account listed
        here = Viewer(f"http://127.0.0.1:{port}").call("GET", f"/dev-idp/oauth2/authorize?{query}")
        assert here.status == 200 and b'<input id="username"' in here.body and b"<option" not in here.body
        assert b"manager.dushanbe" not in here.body
    finally:
        process.terminate()  # what Ctrl-C does: the stack stops what it started
        try:
            rest, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            rest, _ = process.communicate()
    assert process.returncode == 0, "".join(output) + rest
    assert "Traceback" not in "".join(output) + rest
