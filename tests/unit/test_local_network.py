"""The local stack and the network (devstack/network.py, devstack/server.py's edge helpers): which
HOST is refused, which request counts as made on this machine, and the paths the local server
reads and redirects to. Over real sockets: tests/integration/test_local_server.py."""

from __future__ import annotations

from email.message import Message
from pathlib import Path

import pytest

from devstack.network import ALLOW_NETWORK, authority_host, is_loopback, local_request, refusal
from devstack.server import StaticSite, request_target
from tests.edge_paths import FOLDER_TRICKS, OFF_HOST_TRICKS, hosts


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.7", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("localhost.", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("192.0.2.2", False),
        ("10.0.0.5", False),
        ("fd00::2", False),
        ("portal.example.org", False),
        ("localhost.example.org", False),
        ("127.0.0.1.nip.io", False),
        ("::ffff:192.0.2.2", False),
    ],
)
def test_only_loopback_addresses_and_localhost_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "", "192.0.2.2", "::", "portal.example.org"])
def test_a_host_on_the_network_is_refused_in_one_sentence_unless_the_person_says_so(host: str) -> None:
    message = refusal(host, {})
    assert message is not None and "\n" not in message and message.endswith(".")
    assert message.count(". ") == 0  # one sentence
    assert f"{ALLOW_NETWORK}=1" in message and "HOST=127.0.0.1" in message
    assert refusal(host, {ALLOW_NETWORK: "1"}) is None
    for not_quite in ("0", "yes", "true", " 1", ""):  # an explicit 1, nothing else
        assert refusal(host, {ALLOW_NETWORK: not_quite}) is not None


def test_loopback_hosts_need_no_permission() -> None:
    assert all(refusal(host, {}) is None for host in ("127.0.0.1", "127.0.0.9", "localhost", "::1"))


def headers(**values: str) -> Message:
    """Request headers as http.server parses them (case-insensitive)."""
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize(
    ("authority", "host"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("localhost", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("portal.example.org:443", "portal.example.org"),
        ("::1", "::1"),
    ],
)
def test_the_host_of_a_host_header(authority: str, host: str) -> None:
    assert authority_host(authority) == host


def test_a_request_is_local_from_a_loopback_peer_to_a_loopback_name_without_a_proxy() -> None:
    assert local_request("127.0.0.1", headers(Host="127.0.0.1:8000"))
    assert local_request("127.0.0.7", headers(host="localhost:8000"))
    assert local_request("::1", headers(Host="[::1]:8000"))
    # another machine
    assert not local_request("192.0.2.2", headers(Host="127.0.0.1:8000"))
    assert not local_request("192.0.2.2", headers(Host="192.0.2.2:8000"))
    # a page whose host name was rebound to 127.0.0.1 (DNS rebinding) names its own host
    assert not local_request("127.0.0.1", headers(Host="evil.example:8000"))
    assert not local_request("127.0.0.1", headers())  # no Host at all
    # a tunnel or reverse proxy on this machine, through which every caller's address is loopback
    for proxy in ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host", "x-forwarded-for"):
        assert not local_request("127.0.0.1", headers(Host="127.0.0.1:8000", **{proxy: "198.51.100.7"})), proxy


@pytest.mark.parametrize(
    ("target", "path", "query"),
    [
        ("/api/health", "/api/health", ""),
        ("/api/centres?lang=fr", "/api/centres", "lang=fr"),
        ("//evil.example/x", "//evil.example/x", ""),  # a path with an empty first segment, not a host
        ("//api/health", "//api/health", ""),
        ("/fr/#top", "/fr/", ""),
        ("http://127.0.0.1:8000/fr/?a=1", "/fr/", "a=1"),  # the absolute form: its host is ignored
        ("http://evil.example", "/", ""),
    ],
)
def test_the_request_target_is_split_without_taking_a_path_for_a_host(target: str, path: str, query: str) -> None:
    assert request_target(target) == (path, query)


@pytest.fixture
def site(tmp_path: Path) -> StaticSite:
    for folder in ("fr", "fr/complaint", "ru", "guides", "guides/leaving", "assets"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "index.html").write_text("<p>page</p>")
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "empty").mkdir()
    return StaticSite(tmp_path)


def test_a_folders_redirect_is_its_own_path_on_this_host(site: StaticSite) -> None:
    assert site.directory_location("/fr") == "/fr/"
    assert site.directory_location("/fr/complaint") == "/fr/complaint/"
    assert site.directory_location("/guides/leaving") == "/guides/leaving/"
    assert site.directory_location("/fr/") is None  # already a folder's address
    assert site.directory_location("/nowhere") is None and site.directory_location("/empty") is None
    assert site.directory_location("/../../etc") is None  # outside the site: not found, not redirected
    tricks = FOLDER_TRICKS + OFF_HOST_TRICKS
    locations = {trick: site.directory_location(trick) for trick in tricks}
    found = {trick: location for trick, location in locations.items() if location is not None}
    assert found["////fr"] == found["//fr"] == found["/%2F%2Ffr"] == "/fr/" and found["/fr/..//ru"] == "/ru/"
    assert hosts(list(found.values())) == ["portal.example.org"] * len(found), found


def test_ports_for_local_servers_are_never_ones_an_outgoing_connection_could_take() -> None:
    """A port asked of the kernel comes from its range for outgoing connections, where a browser's
    or another worker's connection can take it before the server binds it: free_port picks below
    that range, at random whatever the tests' seed, and never the same one twice."""
    import random

    from devstack.dynamodb_local import _first_outgoing_port, free_port

    random.seed(1)
    first = [free_port() for _ in range(40)]
    random.seed(1)
    second = [free_port() for _ in range(40)]
    assert len(set(first + second)) == 80
    assert all(20000 <= port < _first_outgoing_port() for port in first + second)
