"""One origin for the site and the API, as CloudFront serves them in production.

- `/api/...` becomes an API Gateway (REST, proxy) event handed to the Chalice app, which runs
  in a pool of worker processes: like Lambda, each instance handles one request at a time, so
  concurrent requests never share `app.current_request` (aws/chalice#759) and races happen
  where they happen in production: in DynamoDB.
- `/dev-idp/...` is the development identity provider (devstack/dev_idp.py), Cognito's local
  stand-in, answered in this process.
- `/dev-outbox/...` shows what the API would have sent by SMS and e-mail (devstack/outbox.py),
  to requests made on this machine only.
- `/b/` and `/<lang>/b/`, the short address SMS give for "manage my booking", redirect to the
  manage page, as the CloudFront directory-index function does.
- Everything else is the built site, compressed (br or gzip) with the security headers the
  CloudFront response headers policy sets, complaint pages with `Cache-Control: no-store` as the
  complaint cache behaviours do, and a directory's redirect to its own path on this host only
  (never `//other.host/`), as the directory-index function does.

The server passes the client's address on to the API as CloudFront does (the viewer headers the
per-source limits hash at once), and never logs it. A body is read only when its length is known
and within the route's cap: a bad `Content-Length` is 400 and a chunked body 411, and the connection
is closed after any refused body.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import ipaddress
import json
import mimetypes
import multiprocessing
import os
import re
import signal
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate
from fnmatch import fnmatchcase
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import brotli

from devstack import BACKEND
from devstack.dev_idp import PREFIX as DEV_IDP_PREFIX
from devstack.dev_idp import DevIdentityProvider
from devstack.dev_idp import Response as DevIdpResponse
from devstack.network import local_request
from devstack.outbox import PREFIX as OUTBOX_PREFIX
from devstack.outbox import messages as outbox_messages
from devstack.outbox import page as outbox_page

# The policy CloudFront's response headers policy sets too (infra/template.yaml).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
COMPRESSIBLE = re.compile(r"^(text/|application/(json|javascript|xml|manifest\+json)|image/svg\+xml)")
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8,}\.(min\.)?(js|css)$")
MAX_BODY = 1024 * 1024
# An evidence file: 4 MiB as base64 in JSON, within the 6 MB a Lambda invocation carries.
UPLOAD_PATH = "/api/complaints/attachments"
MAX_UPLOAD_BODY = 6 * 1024 * 1024
# What CloudFront sets on its way to the API (chalicelib/core/edge.py, core/ratelimit.py; the
# viewer's network, an IPv4 address or an IPv6 /64, is what the WAF's per-source rules count).
ORIGIN_HEADER = "x-passerelle-origin"
VIEWER_HEADER = "x-passerelle-viewer"
VIEWER_NETWORK_HEADER = "x-passerelle-viewer-network"
EDGE_HEADERS = {ORIGIN_HEADER, VIEWER_HEADER, VIEWER_NETWORK_HEADER}
DEV_IDP_MAX_BODY = 16 * 1024
# Paths outside /api/ that the API answers, as CloudFront's behaviours send them (infra/template.yaml):
# the recruiters' open data, rebuilt from the published figures (chalicelib/recruiters/routes.py).
API_PATHS = frozenset({"/open-data/recruiters.json"})


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/") or path in API_PATHS


OUTBOX_MAX_BODY = 4 * 1024
# The short address of "manage my booking" an SMS carries (notifications/templates.py, manage_link).
SHORT_MANAGE = re.compile(r"^/(?:([a-z]{2})/)?b/?$")


# Pages a watched phone must not keep: CloudFront's complaint cache behaviours (infra/template.yaml)
# have these path patterns, where `*` matches any characters, `/` included. (A directory's redirect,
# /fr/complaint -> /fr/complaint/, is never kept either.)
NO_STORE_PATHS = ("/complaint/*", "/*/complaint/*")
CONTENT_LENGTH = re.compile(r"[0-9]+")
# How long a connection may stay silent (a request line, headers or a body that never come).
SOCKET_TIMEOUT = 60
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/calendar", ".ics")


# ---- API: worker processes ------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _route_regex(route: str) -> re.Pattern[str]:
    pattern = ""
    for part in route.strip("/").split("/"):
        if part.startswith("{") and part.endswith("+}"):
            pattern += f"/(?P<{part[1:-2]}>.+)"
        elif part.startswith("{") and part.endswith("}"):
            pattern += f"/(?P<{part[1:-1]}>[^/]+)"
        else:
            pattern += "/" + re.escape(part)
    return re.compile(f"^{pattern or '/'}$")


def _specificity(route: str) -> tuple[int, int]:
    """API Gateway prefers literal segments, then single variables, then greedy ones."""
    parts = route.strip("/").split("/")
    return (sum(1 for p in parts if p.endswith("+}")), -sum(1 for p in parts if not p.startswith("{")))


def _init_worker(env: dict[str, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.update(env)
    from app import app
    from devstack.outbox import install_from_environment

    install_from_environment()  # the outbox, not AWS: nothing leaves the machine

    routes = sorted(app.routes, key=_specificity)
    _worker["app"] = app
    _worker["routes"] = [(r, _route_regex(r)) for r in routes]


@dataclass
class _LambdaContext:
    aws_request_id: str
    function_name: str = "passerelle-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:passerelle-local"
    log_group_name: str = "/aws/lambda/passerelle-local"
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(default=0.0)

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def build_event(
    method: str,
    path: str,
    query: dict[str, list[str]],
    headers: list[tuple[str, str]],
    body: bytes,
    resource: str,
    params: dict[str, str],
    request_id: str,
) -> dict[str, Any]:
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    try:
        text_body: str | None = body.decode("utf-8") if body else None
        is_b64 = False
    except UnicodeDecodeError:
        text_body, is_b64 = base64.b64encode(body).decode("ascii"), True
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "api",
            "requestId": request_id,
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": text_body,
        "isBase64Encoded": is_b64,
    }


def handle_api(
    method: str, path: str, query: dict[str, list[str]], headers: list[tuple[str, str]], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Runs in a worker: route the request like API Gateway and invoke the Chalice app."""
    app = _worker["app"]
    trimmed = path.rstrip("/") or "/"
    found = next(((r, m) for r, regex in _worker["routes"] if (m := regex.match(trimmed))), None)
    if found is None:  # cannot happen while the app has its /api/{proxy+} catch-all
        return (
            404,
            [("Content-Type", "application/json")],
            b'{"error":{"code":"route_not_found","message":"No route."}}',
        )
    resource, match = found
    request_id = str(uuid.uuid4())
    params = {k: unquote(v) for k, v in match.groupdict().items()}
    event = build_event(method, path, query, headers, body, resource, params, request_id)
    result = app(event, _LambdaContext(aws_request_id=request_id))
    out_headers = list((result.get("headers") or {}).items())
    for name, values in (result.get("multiValueHeaders") or {}).items():
        out_headers += [(name, v) for v in values]
    payload = result.get("body") or ""
    data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
    return int(result["statusCode"]), out_headers, data


def run_scheduled() -> int:
    """Runs in a worker: the app's scheduled jobs (offers, reminders and retries, digests)."""
    from chalicelib.bookings.service import release_expired_offers
    from chalicelib.complaints.alerts import send_digests
    from chalicelib.complaints.attachments import sweep
    from chalicelib.notifications.jobs import run_due

    return release_expired_offers() + sweep() + run_due() + send_digests()


def sms_reply(phone: str, text: str) -> str | None:
    """Runs in a worker: a person replies to an SMS (STOP, START), as the provider's two-way
    channel delivers it in AWS."""
    from chalicelib.bookings.notices import inbound

    return inbound(phone, text)


def _warm() -> bool:
    return "app" in _worker


def viewer_network(address: str) -> str:
    """What the WAF counts a viewer by, as the CloudFront function writes it: an IPv4 address
    itself, an IPv6 address's /64 (one subscriber's, who may use any address in it)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    groups = [int.from_bytes(ip.packed[i : i + 2], "big") for i in range(0, 8, 2)]
    return ":".join(f"{group:x}" for group in groups) + "::/64"


def content_length(headers: Any) -> int | str:
    """The body's length as the request announces it, or why it cannot be bounded: "chunked" (any
    Transfer-Encoding) or "invalid" (a Content-Length that is not one plain number)."""
    if headers.get("Transfer-Encoding") is not None:
        return "chunked"
    values = {value.strip() for value in headers.get_all("Content-Length") or []}
    if not values:
        return 0
    (value, *others) = values
    return int(value) if not others and CONTENT_LENGTH.fullmatch(value) else "invalid"


def no_store(url_path: str) -> bool:
    return any(fnmatchcase(url_path, pattern) for pattern in NO_STORE_PATHS)


def request_target(target: str) -> tuple[str, str]:
    """Path and query of a request target. `//host/x` is a path (RFC 9112 section 3.2.1), not a
    host, whatever urlsplit says; only the absolute form names a host, which is ignored."""
    if target.startswith(("http://", "https://")):
        url = urlsplit(target)
        return url.path or "/", url.query
    path, _, query = target.partition("#")[0].partition("?")
    return path, query


# ---- static site ----------------------------------------------------------------------------


class StaticSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[tuple[Path, float, str], bytes] = {}
        self._lock = threading.Lock()

    def _candidate(self, url_path: str) -> Path | None:
        candidate = (self.root / unquote(url_path).lstrip("/")).resolve()
        return candidate if candidate.is_relative_to(self.root) else None

    def resolve(self, url_path: str) -> Path | None:
        candidate = self._candidate(url_path)
        if candidate is not None and candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate is not None and candidate.is_file() else None

    def directory_location(self, url_path: str) -> str | None:
        """Where a directory asked for without its slash lives: its own path on this host, made
        from the folder found, never from the request (`////fr` would otherwise give `//fr/`,
        another host to a browser)."""
        if url_path.endswith("/"):
            return None
        candidate = self._candidate(url_path)
        if candidate is None or not (candidate / "index.html").is_file():
            return None
        relative = candidate.relative_to(self.root).as_posix()
        return "/" if relative == "." else f"/{quote(relative, safe='/')}/"

    def encoded(self, path: Path, encoding: str) -> bytes:
        key = (path, path.stat().st_mtime, encoding)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        raw = path.read_bytes()
        data: bytes
        if encoding == "br":
            data = brotli.compress(raw, quality=9)
        elif encoding == "gzip":
            data = gzip.compress(raw, compresslevel=9, mtime=0)
        else:
            data = raw
        with self._lock:
            self._cache[key] = data
        return data


def _negotiate(accept_encoding: str) -> str:
    offered = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
    if "br" in offered:
        return "br"
    if "gzip" in offered:
        return "gzip"
    return "identity"


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(
        self,
        address: tuple[str, int],
        site_dir: Path,
        api_env: Mapping[str, str] | Callable[[int], Mapping[str, str]],
        workers: int,
    ) -> None:
        """`api_env` may be a function of the bound port: with port 0 the port is known only once
        bound, and the workers' environment names it (the identity provider's URLs)."""
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.site = StaticSite(site_dir)
        # Cognito's stand-in (devstack/dev_idp.py), served here in the server process, not the
        # workers: the stack sets it once the port, which its issuer names, is known.
        self.identity_provider: DevIdentityProvider | None = None
        self.outbox_file: Path | None = None  # set by the stack: the outbox's file
        super().__init__(address, PortalHandler)  # bind (requests wait in the backlog until served)
        try:
            env = dict(api_env(self.server_address[1]) if callable(api_env) else api_env)
            # CloudFront's origin custom header (infra/template.yaml): the workers refuse requests
            # without it, as the Lambda function refuses callers who go around CloudFront.
            origin_file = env.get("PASSERELLE_ORIGIN_SECRET_FILE")
            self.origin_secret = Path(origin_file).read_text().strip() if origin_file else None
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(env,)
            )
            # Start every worker now, so the first visitors do not pay the cold start.
            for future in [self.pool.submit(_warm) for _ in range(workers * 2)]:
                future.result(timeout=120)
        except BaseException:
            self.server_close()  # (the pool too, if it was made)
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves mid-answer is no error; anything else is reported without the
        client's address (socketserver's default prints it)."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        import traceback

        print(f"request failed: {traceback.format_exc(limit=-3)}", file=sys.stderr, flush=True)

    def server_close(self) -> None:
        super().server_close()
        # A port already in use fails the bind before the pool exists: that error must show.
        if hasattr(self, "pool"):
            self.pool.shutdown(wait=True, cancel_futures=True)


class PortalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PortalServer
    server_version = "passerelle-local"
    sys_version = ""
    timeout = SOCKET_TIMEOUT

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: it would hold client addresses and user agents."""

    # Every method goes through one dispatcher.
    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _identity_path(self, path: str) -> bool:
        return self.server.identity_provider is not None and path.startswith(DEV_IDP_PREFIX + "/")

    def _cap(self, path: str) -> int:
        """The most this route reads: the API's, the sign-in's, or nothing (the site takes no body)."""
        if path.rstrip("/") == UPLOAD_PATH:
            return MAX_UPLOAD_BODY
        if is_api_path(path):
            return MAX_BODY
        if self._outbox_path(path):
            return OUTBOX_MAX_BODY
        return DEV_IDP_MAX_BODY if self._identity_path(path) else 0

    def _outbox_path(self, path: str) -> bool:
        return self.server.outbox_file is not None and (path == OUTBOX_PREFIX or path.startswith(OUTBOX_PREFIX + "/"))

    def handle_expect_100(self) -> bool:
        """`Expect: 100-continue`: the body is asked for only when it will be read; otherwise the
        refusal (400, 411, 413) is the answer, and no body follows it."""
        length = content_length(self.headers)
        if isinstance(length, int) and 0 < length <= self._cap(request_target(self.path)[0]):
            return super().handle_expect_100()
        return True

    def _dispatch(self) -> None:
        path, query = request_target(self.path)
        api = is_api_path(path)
        length = self._body_length(api)
        if length is None:
            return
        if api:
            self._api(path, query, length)
        elif self._identity_path(path):
            self._identity(path, query, length)
        elif self._outbox_path(path):
            self._outbox(path, length)
        else:
            if length:  # a body nobody reads: it must not be taken for the next request
                self.close_connection = True
            if self.command in ("GET", "HEAD"):
                self._static(path)
            else:
                self._send(
                    405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"}, b"Method not allowed\n"
                )

    def _body_length(self, api: bool) -> int | None:
        """The body's length as Content-Length gives it; None once a request whose body cannot be
        bounded has been refused (and its connection marked for closing: where its body ends is
        unknown)."""
        length = content_length(self.headers)
        if length == "chunked":
            self._refuse(
                api,
                411,
                "length_required",
                "Send the request body with a Content-Length header: chunked bodies are not accepted.",
            )
            return None
        if length == "invalid":
            self._refuse(
                api, 400, "content_length_invalid", "Content-Length must be a number of bytes.", field="Content-Length"
            )
            return None
        return int(length)

    def _refuse(self, api: bool, status: int, code: str, message: str, field: str | None = None) -> None:
        """An error about the request itself, before any body is read; the connection closes after it."""
        self.close_connection = True
        if api:
            error = {"code": code, "message": message, **({"field": field} if field else {})}
            self._send(
                status,
                {"Content-Type": "application/json", "Cache-Control": "no-store"},
                json.dumps({"error": error}).encode(),
            )
        else:
            self._send(status, {"Content-Type": "text/plain; charset=utf-8"}, f"{message}\n".encode())

    def _read_body(self, api: bool, length: int, limit: int) -> bytes | None:
        """The request body, or None once answered or given up: longer than `limit` (413, unread), or
        cut short or too slow (the client is gone: nothing to answer)."""
        if length > limit:
            message = "The request body is too large." if api else "Request too large"
            self._refuse(api, 413, "body_too_large", message, field="body")
            return None
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            body = b""
        if len(body) < length:
            self.close_connection = True
            return None
        return body

    def _api(self, path: str, query: str, length: int) -> None:
        body = self._read_body(True, length, self._cap(path))
        if body is None:
            return
        method = "GET" if self.command == "HEAD" else self.command
        # As CloudFront does, a viewer can neither choose the address the per-source limits see
        # nor write the origin header: the server's own replace any the viewer sent. The viewer's
        # address is the TCP peer's, so a test bound to 127.0.0.7 is another viewer than 127.0.0.1.
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in EDGE_HEADERS]
        headers.append((VIEWER_HEADER, self.client_address[0]))
        headers.append((VIEWER_NETWORK_HEADER, viewer_network(self.client_address[0])))
        if self.server.origin_secret is not None:
            headers.append((ORIGIN_HEADER, self.server.origin_secret))
        future = self.server.pool.submit(
            handle_api, method, path, parse_qs(query, keep_blank_values=True), headers, body
        )
        try:
            status, out_headers, data = future.result(timeout=30)
        except Exception:
            status, out_headers = 502, [("Content-Type", "application/json")]
            data = b'{"error":{"code":"bad_gateway","message":"The API did not answer."}}'
        merged = dict(out_headers)
        merged.setdefault("X-Content-Type-Options", "nosniff")
        merged.setdefault("Cache-Control", "no-store")
        # CloudFront compresses API answers too: so does the local origin.
        encoding = _negotiate(self.headers.get("Accept-Encoding", ""))
        if len(data) > 1024 and encoding != "identity" and COMPRESSIBLE.match(merged.get("Content-Type", "")):
            data = brotli.compress(data, quality=5) if encoding == "br" else gzip.compress(data, mtime=0)
            merged["Content-Encoding"] = encoding
            merged["Vary"] = "Accept-Encoding"
        self._send(status, merged, b"" if self.command == "HEAD" else data)

    def _identity(self, path: str, query: str, length: int) -> None:
        """The local identity provider. Its forms hold passwords: nothing of them is logged, and
        an unexpected error answers 500 without a traceback (which could quote them). Sign-in is
        for requests made on this machine only (devstack/network.py)."""
        provider = self.server.identity_provider
        assert provider is not None
        body = self._read_body(False, length, self._cap(path))
        if body is None:
            return
        local = local_request(self.client_address[0], self.headers)
        try:
            response = provider.handle(
                self.command, path, query, body, self.headers.get("Content-Type", ""), local=local
            )
        except Exception:
            response = DevIdpResponse(500, {"Content-Type": "text/plain; charset=utf-8"}, b"Internal error\n")
        self._send(
            response.status,
            response.headers,
            b"" if self.command == "HEAD" else response.body,
            length=len(response.body),
        )

    def _outbox(self, path: str, length: int) -> None:
        """The outbox, for requests made on this machine only (as the development sign-in)."""
        body = self._read_body(False, length, self._cap(path))
        if body is None:
            return
        outbox = self.server.outbox_file
        assert outbox is not None
        plain = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
        if not local_request(self.client_address[0], self.headers):
            self._send(403, plain, b"The outbox is shown on this machine only.\n")
            return
        if path == OUTBOX_PREFIX:
            self._send(301, {"Location": OUTBOX_PREFIX + "/", "Cache-Control": "no-store"}, b"")
        elif path == OUTBOX_PREFIX + "/" and self.command in ("GET", "HEAD"):
            data = outbox_page(outbox_messages(outbox))
            self._send(200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, data)
        elif path == OUTBOX_PREFIX + "/messages.json" and self.command in ("GET", "HEAD"):
            data = json.dumps(outbox_messages(outbox), ensure_ascii=False).encode("utf-8")
            self._send(200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, data)
        elif path == OUTBOX_PREFIX + "/reply" and self.command == "POST":
            self._outbox_reply(body)
        else:
            self._send(404, plain, b"Not found\n")

    def _outbox_reply(self, body: bytes) -> None:
        """`{"from": "+992...", "body": "STOP"}`: a person replying to an SMS."""
        try:
            reply = json.loads(body)
            phone, text = str(reply["from"]), str(reply["body"])
        except (ValueError, KeyError, TypeError):
            self._send(400, {"Content-Type": "text/plain; charset=utf-8"}, b'Send {"from": "+...", "body": "STOP"}\n')
            return
        answered = self.server.pool.submit(sms_reply, phone, text).result(timeout=30)
        data = json.dumps({"answered": answered}).encode()
        self._send(200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, data)

    def _static(self, url_path: str) -> None:
        short = SHORT_MANAGE.match(url_path)
        if short is not None:  # the SMS's short address: to the manage page in that language
            target = f"/{short.group(1)}/book/manage/" if short.group(1) else "/book/manage/"
            self._send(302, {"Location": target, "Content-Type": "text/plain", "Cache-Control": "no-store"}, b"")
            return
        location = self.server.site.directory_location(url_path)
        if location is not None:  # not kept either: the redirect alone says where someone went
            self._send(301, {"Location": location, "Content-Type": "text/plain", "Cache-Control": "no-store"}, b"")
            return
        path = self.server.site.resolve(url_path)
        status = 200
        if path is None:
            status, path = 404, self.server.site.resolve("/404.html")
            if path is None:
                self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n")
                return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/json", "image/svg+xml"):
            content_type += "; charset=utf-8"
        encoding = (
            _negotiate(self.headers.get("Accept-Encoding", "")) if COMPRESSIBLE.match(content_type) else "identity"
        )
        data = self.server.site.encoded(path, encoding)
        stat = path.stat()
        etag = (
            '"'
            + hashlib.sha1(f"{stat.st_mtime_ns}:{stat.st_size}:{encoding}".encode(), usedforsecurity=False).hexdigest()[
                :20
            ]
            + '"'
        )
        headers = {
            "Content-Type": content_type,
            "ETag": etag,
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "Vary": "Accept-Encoding",
            "Cache-Control": "no-store"
            if no_store(unquote(url_path))
            else "public, max-age=31536000, immutable"
            if HASHED_ASSET.search(path.name)
            else "no-cache",
        }
        if encoding != "identity":
            headers["Content-Encoding"] = encoding
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self._send(304, headers, b"", content_length=False)
            return
        self._send(status, headers, b"" if self.command == "HEAD" else data, length=len(data))

    def _send(
        self,
        status: int,
        headers: dict[str, str],
        body: bytes,
        *,
        length: int | None = None,
        content_length: bool = True,
    ) -> None:
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if content_length:
            self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


def api_environment(stage: str, overrides: dict[str, str]) -> dict[str, str]:
    """The stage's environment from .chalice/config.json (as Lambda gets it), plus local overrides."""
    config = json.loads((BACKEND / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    env.update(overrides)
    return env
