"""The local server as an attacker meets it, over raw sockets: bodies it cannot bound, redirects to
another host, complaint pages a phone would keep, and a development sign-in reached through DNS
rebinding or a proxy. Each refused body is answered (never a dropped connection, never a
traceback) and the connection closed after it."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlencode

import pytest

from devstack.dev_idp import CLIENT_ID, LOCAL_PASSWORD
from devstack.server import DEV_IDP_MAX_BODY, MAX_BODY
from devstack.stack import LocalStack
from tests.edge_paths import FOLDER_TRICKS, OFF_HOST_TRICKS, hosts

pytestmark = pytest.mark.integration
# Long enough for a busy machine; a server that waited for a body which never comes would never answer.
WAIT = 10


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, closed: bool | None) -> None:
        self.status, self.headers, self.body, self.closed = status, headers, body, closed

    def json(self) -> Any:
        return json.loads(self.body)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), response.read()


def send(stack: LocalStack, head: str, body: bytes = b"", host: str | None = None, *, probe: bool = False) -> Answer:
    """One request written as given (`head`: the request line and any headers, without the blank
    line), and its answer. With `probe`, whether the server then closed the connection: a second
    request on it is answered only if it did not."""
    line, _, rest = head.partition("\r\n")
    host_line = f"Host: {host or f'127.0.0.1:{stack.config.port}'}\r\n"
    connection = "" if probe else "Connection: close\r\n"
    raw = f"{line}\r\n{host_line}{connection}" + (f"{rest}\r\n" if rest else "") + "\r\n"
    with socket.create_connection((stack.config.host, stack.config.port), timeout=WAIT) as sock:
        sock.sendall(raw.encode("latin-1") + body)
        status, headers, payload = read_answer(sock)
        closed = None
        if probe:
            try:
                sock.sendall(f"GET /api/health HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode())
                closed = read_answer(sock)[0] != 200
            except (http.client.RemoteDisconnected, ConnectionError):
                closed = True
        return Answer(status, headers, payload, closed)


@pytest.fixture
def quiet_server(capfd: pytest.CaptureFixture[str]) -> Any:
    """Whatever the test sends, the server reports nothing as an error (it prints a failed request's
    traceback on stderr otherwise)."""
    yield
    err = capfd.readouterr().err
    assert "request failed" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "0x10", "+5", "", "5 5", "18446744073709551616x"])
@pytest.mark.parametrize("path", ["/api/complaints", "/dev-idp/login", "/fr/"])
def test_a_content_length_that_is_not_a_number_is_400(
    stack: LocalStack, quiet_server: None, path: str, length: str
) -> None:
    method = "GET" if path == "/fr/" else "POST"
    answer = send(
        stack,
        f"{method} {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {length}",
        b"{}",
        probe=True,
    )
    assert answer.status == 400 and answer.closed and answer.headers["Connection"] == "close"
    if path.startswith("/api/"):
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json() == {
            "error": {
                "code": "content_length_invalid",
                "field": "Content-Length",
                "message": "Content-Length must be a number of bytes.",
            }
        }
    else:
        assert answer.body == b"Content-Length must be a number of bytes.\n"


def test_two_content_lengths_that_disagree_are_400(stack: LocalStack, quiet_server: None) -> None:
    answer = send(stack, "POST /api/complaints HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 20", b"{}", probe=True)
    assert answer.status == 400 and answer.json()["error"]["field"] == "Content-Length" and answer.closed


@pytest.mark.parametrize("path", ["/api/complaints", "/dev-idp/login"])
def test_a_chunked_body_is_411_and_never_read(stack: LocalStack, quiet_server: None, path: str) -> None:
    body = b'7\r\n{"a":1}\r\n0\r\n\r\n'
    for framing in (
        "Transfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: 7",
        "Transfer-Encoding: gzip, chunked",
    ):
        answer = send(stack, f"POST {path} HTTP/1.1\r\nContent-Type: application/json\r\n{framing}", body, probe=True)
        assert answer.status == 411 and answer.closed, framing
        if path.startswith("/api/"):
            assert answer.json()["error"]["code"] == "length_required"
            assert "Content-Length" in answer.json()["error"]["message"]


@pytest.mark.parametrize(("path", "cap"), [("/api/complaints", MAX_BODY), ("/dev-idp/login", DEV_IDP_MAX_BODY)])
def test_every_cap_holds_before_the_body_is_read(stack: LocalStack, quiet_server: None, path: str, cap: int) -> None:
    # The body is announced, never sent: the answer comes at once, from the headers alone.
    for length in (cap + 1, 10 * cap, 10**30):
        answer = send(
            stack, f"POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {length}", probe=True
        )
        assert answer.status == 413 and answer.closed, length
    # at the cap itself the body is read and judged by the route (whose answers keep the connection)
    answer = send(
        stack,
        f"POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {cap}",
        b" " * cap,
        probe=True,
    )
    assert answer.closed is False and "Connection" not in answer.headers


def test_a_body_that_will_be_refused_is_never_asked_for(stack: LocalStack, quiet_server: None) -> None:
    """A client that waits for `100 Continue` before sending its body gets the refusal instead."""
    host = f"Host: 127.0.0.1:{stack.config.port}\r\nExpect: 100-continue\r\nContent-Type: application/json"
    for framing in (f"Content-Length: {MAX_BODY + 1}", "Content-Length: -1", "Transfer-Encoding: chunked"):
        with socket.create_connection((stack.config.host, stack.config.port), timeout=WAIT) as sock:
            sock.sendall(f"POST /api/complaints HTTP/1.1\r\n{host}\r\n{framing}\r\n\r\n".encode())
            first = sock.makefile("rb").readline()
            assert first.split()[1] in (b"400", b"411", b"413"), (framing, first)
    with socket.create_connection((stack.config.host, stack.config.port), timeout=WAIT) as sock:
        sock.sendall(f"POST /api/complaints HTTP/1.1\r\n{host}\r\nContent-Length: 2\r\n\r\n".encode())
        replies = sock.makefile("rb")
        assert replies.readline().startswith(b"HTTP/1.1 100 ")  # a body it will read is asked for
        assert replies.readline() == b"\r\n"
        sock.sendall(b"{}")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 400 and json.loads(response.read())["error"]["code"] != "body_too_large"


def test_a_body_cut_short_is_no_error(stack: LocalStack, quiet_server: None) -> None:
    with socket.create_connection((stack.config.host, stack.config.port), timeout=WAIT) as sock:
        sock.sendall(
            f"POST /api/complaints HTTP/1.1\r\nHost: 127.0.0.1:{stack.config.port}\r\n"
            "Content-Length: 100\r\n\r\n{}".encode()
        )
        sock.shutdown(socket.SHUT_WR)  # the client leaves before the rest
        assert sock.recv(1024) == b""  # nothing to answer: the request never arrived whole
    assert send(stack, "GET /api/health HTTP/1.1").status == 200  # and the server serves on


def test_a_body_nobody_reads_is_not_taken_for_the_next_request(stack: LocalStack, quiet_server: None) -> None:
    smuggled = f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{stack.config.port}\r\n\r\n".encode()
    answer = send(stack, f"GET /fr/ HTTP/1.1\r\nContent-Length: {len(smuggled)}", smuggled, probe=True)
    assert answer.status == 200 and b'lang="fr"' in answer.body
    assert answer.closed and answer.headers["Connection"] == "close"  # one answer, then the end


def test_no_redirect_leaves_this_host(stack: LocalStack, quiet_server: None) -> None:
    origin = f"127.0.0.1:{stack.config.port}"
    locations: dict[str, str] = {}
    # (white space cannot be written in a request line: the encoded forms stand for it)
    for path in [p for p in OFF_HOST_TRICKS + FOLDER_TRICKS if not any(c.isspace() for c in p)]:
        answer = send(stack, f"GET {path} HTTP/1.1")
        assert answer.status in (200, 301, 404), (path, answer.status)
        if answer.status == 301:
            locations[path] = answer.headers["Location"]
            assert answer.headers["Cache-Control"] == "no-store"
    assert locations["////fr"] == locations["//fr"] == "/fr/" and locations["//fr/complaint"] == "/fr/complaint/"
    assert hosts(list(locations.values()), base=f"http://{origin}/x/y") == [origin] * len(locations), locations


def test_complaint_pages_are_never_kept(stack: LocalStack) -> None:
    for path in ("/complaint/", "/fr/complaint/", "/ar/complaint/follow-up/", "/fr/complaint/index.html"):
        answer = send(stack, f"GET {path} HTTP/1.1\r\nAccept-Encoding: br")
        assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store", path
    for path, kept in (("/fr/", "no-cache"), ("/assets/complaint.js", "no-cache"), ("/fr/book/", "no-cache")):
        assert send(stack, f"GET {path} HTTP/1.1").headers["Cache-Control"] == kept, path


def authorize_query(stack: LocalStack) -> str:
    return urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": stack.console_url,
            "state": "s",
            "scope": "openid",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        }
    )


@pytest.mark.parametrize(
    ("host", "extra"),
    [
        ("evil.example:{port}", ""),  # a page whose name was rebound to 127.0.0.1 (DNS rebinding)
        ("127.0.0.1:{port}", "\r\nX-Forwarded-For: 198.51.100.7"),  # a tunnel or proxy on this machine
        ("127.0.0.1:{port}", "\r\nForwarded: for=198.51.100.7"),
    ],
)
def test_the_development_sign_in_refuses_what_did_not_come_from_this_machine(
    stack: LocalStack, host: str, extra: str
) -> None:
    host = host.format(port=stack.config.port)
    page = send(stack, f"GET /dev-idp/oauth2/authorize?{authorize_query(stack)} HTTP/1.1{extra}", host=host)
    form = urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": stack.console_url,
            "state": "s",
            "scope": "openid",
            "code_challenge_method": "S256",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "username": "admin",
            "password": LOCAL_PASSWORD,
        }
    ).encode()
    login = send(
        stack,
        f"POST /dev-idp/login HTTP/1.1{extra}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}",
        form,
        host=host,
    )
    token = send(
        stack,
        f"POST /dev-idp/oauth2/token HTTP/1.1{extra}\r\nContent-Type: application/x-www-form-urlencoded"
        "\r\nContent-Length: 10",
        b"code=x&a=b",
        host=host,
    )
    for answer in (page, login):
        assert answer.status == 403 and "Location" not in answer.headers
        assert b"<form" not in answer.body and b"admin" not in answer.body and b"manager." not in answer.body
    assert (token.status, token.json()) == (403, {"error": "access_denied"})
    # the same page, asked properly from this machine, is the sign-in form
    assert b"<form" in send(stack, f"GET /dev-idp/oauth2/authorize?{authorize_query(stack)} HTTP/1.1").body
