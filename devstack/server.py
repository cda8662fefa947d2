"""One origin for the site and the API, as CloudFront serves them in production.

- `/api/...` becomes an API Gateway (REST, proxy) event handed to the Chalice app, which runs
  in a pool of worker processes: like Lambda, each instance handles one request at a time, so
  concurrent requests never share `app.current_request` (aws/chalice#759) and races happen
  where they happen in production: in DynamoDB.
- `/dev-idp/...` is the development identity provider (devstack/dev_idp.py), Cognito's local
  stand-in, answered in this process.
- Everything else is the built site, compressed (br or gzip) with the security headers the
  CloudFront response headers policy sets.

The server passes the client's address on to the API as CloudFront does (the viewer header the
per-source limits hash at once), and never logs it.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import mimetypes
import multiprocessing
import os
import re
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import brotli

from devstack import BACKEND
from devstack.dev_idp import PREFIX as DEV_IDP_PREFIX
from devstack.dev_idp import DevIdentityProvider
from devstack.dev_idp import Response as DevIdpResponse

# The policy CloudFront's response headers policy sets too (infra/template.yaml).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
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
# What CloudFront sets on its way to the API (chalicelib/core/edge.py, core/ratelimit.py).
ORIGIN_HEADER = "x-passerelle-origin"
VIEWER_HEADER = "x-passerelle-viewer"
EDGE_HEADERS = {ORIGIN_HEADER, VIEWER_HEADER}
DEV_IDP_MAX_BODY = 16 * 1024
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
    sys.path.insert(0, str(BACKEND))
    from app import app

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


def build_event(method: str, path: str, query: dict[str, list[str]], headers: list[tuple[str, str]],
                body: bytes, resource: str, params: dict[str, str], request_id: str) -> dict[str, Any]:
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
            "resourcePath": resource, "httpMethod": method, "path": path, "stage": "api",
            "requestId": request_id, "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": text_body,
        "isBase64Encoded": is_b64,
    }


def handle_api(method: str, path: str, query: dict[str, list[str]], headers: list[tuple[str, str]],
               body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Runs in a worker: route the request like API Gateway and invoke the Chalice app."""
    app = _worker["app"]
    trimmed = path.rstrip("/") or "/"
    found = next(((r, m) for r, regex in _worker["routes"] if (m := regex.match(trimmed))), None)
    if found is None:  # cannot happen while the app has its /api/{proxy+} catch-all
        return 404, [("Content-Type", "application/json")], b'{"error":{"code":"not_found","message":"No route."}}'
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
    """Runs in a worker: the app's scheduled jobs."""
    from chalicelib.bookings.service import release_expired_offers

    return release_expired_offers()


def _warm() -> bool:
    return "app" in _worker


# ---- static site ----------------------------------------------------------------------------

class StaticSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[tuple[Path, float, str], bytes] = {}
        self._lock = threading.Lock()

    def resolve(self, url_path: str) -> Path | None:
        relative = unquote(url_path).lstrip("/")
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def encoded(self, path: Path, encoding: str) -> bytes:
        key = (path, path.stat().st_mtime, encoding)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        raw = path.read_bytes()
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

    def __init__(self, address: tuple[str, int], site_dir: Path,
                 api_env: Mapping[str, str] | Callable[[int], Mapping[str, str]], workers: int) -> None:
        """`api_env` may be a function of the bound port: with port 0 the port is known only once
        bound, and the workers' environment names it (the identity provider's URLs)."""
        self.site = StaticSite(site_dir)
        # Cognito's stand-in (devstack/dev_idp.py), served here in the server process, not the
        # workers: the stack sets it once the port, which its issuer names, is known.
        self.identity_provider: DevIdentityProvider | None = None
        super().__init__(address, PortalHandler)  # bind (requests wait in the backlog until served)
        try:
            env = dict(api_env(self.server_address[1]) if callable(api_env) else api_env)
            # CloudFront's origin custom header (infra/template.yaml): the workers refuse requests
            # without it, as the Lambda function refuses callers who go around CloudFront.
            origin_file = env.get("PASSERELLE_ORIGIN_SECRET_FILE")
            self.origin_secret = Path(origin_file).read_text().strip() if origin_file else None
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                            initializer=_init_worker, initargs=(env,))
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

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/api" or url.path.startswith("/api/"):
            self._api(url.path, url.query)
        elif self.server.identity_provider is not None and url.path.startswith(DEV_IDP_PREFIX + "/"):
            self._identity(url.path, url.query)
        elif self.command in ("GET", "HEAD"):
            self._static(url.path)
        else:
            self._send(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"},
                       b"Method not allowed\n")

    def _read_body(self, limit: int = MAX_BODY) -> bytes | None:
        """The request body, or None when it is longer than `limit`."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            return None
        return self.rfile.read(length) if length else b""

    def _api(self, path: str, query: str) -> None:
        body = self._read_body()
        if body is None:
            self._send(413, {"Content-Type": "application/json"},
                       b'{"error":{"code":"payload_too_large","message":"The request body is too large."}}')
            self.close_connection = True
            return
        method = "GET" if self.command == "HEAD" else self.command
        # As CloudFront does, a viewer can neither choose the address the per-source limits see
        # nor write the origin header: the server's own replace any the viewer sent. The viewer's
        # address is the TCP peer's, so a test bound to 127.0.0.7 is another viewer than 127.0.0.1.
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in EDGE_HEADERS]
        headers.append((VIEWER_HEADER, self.client_address[0]))
        if self.server.origin_secret is not None:
            headers.append((ORIGIN_HEADER, self.server.origin_secret))
        future = self.server.pool.submit(handle_api, method, path, parse_qs(query, keep_blank_values=True),
                                         headers, body)
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

    def _identity(self, path: str, query: str) -> None:
        """The local identity provider. Its forms hold passwords: nothing of them is logged, and
        an unexpected error answers 500 without a traceback (which could quote them)."""
        provider = self.server.identity_provider
        assert provider is not None
        body = self._read_body(DEV_IDP_MAX_BODY)
        if body is None:
            self._send(413, {"Content-Type": "text/plain; charset=utf-8"}, b"Request too large\n")
            self.close_connection = True
            return
        try:
            response = provider.handle(self.command, path, query, body, self.headers.get("Content-Type", ""))
        except Exception:
            response = DevIdpResponse(500, {"Content-Type": "text/plain; charset=utf-8"}, b"Internal error\n")
        self._send(response.status, response.headers, b"" if self.command == "HEAD" else response.body,
                   length=len(response.body))

    def _static(self, url_path: str) -> None:
        path = self.server.site.resolve(url_path)
        status = 200
        if path is not None and (self.server.site.root / unquote(url_path).lstrip("/")).is_dir() \
                and not url_path.endswith("/"):
            self._send(301, {"Location": url_path + "/", "Content-Type": "text/plain"}, b"")
            return
        if path is None:
            status, path = 404, self.server.site.resolve("/404.html")
            if path is None:
                self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n")
                return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/json", "image/svg+xml"):
            content_type += "; charset=utf-8"
        encoding = _negotiate(self.headers.get("Accept-Encoding", "")) if COMPRESSIBLE.match(content_type) \
            else "identity"
        data = self.server.site.encoded(path, encoding)
        stat = path.stat()
        etag = '"' + hashlib.sha1(f"{stat.st_mtime_ns}:{stat.st_size}:{encoding}".encode(),
                                  usedforsecurity=False).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": content_type,
            "ETag": etag,
            "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            "Vary": "Accept-Encoding",
            "Cache-Control": "public, max-age=31536000, immutable" if HASHED_ASSET.search(path.name)
            else "no-cache",
        }
        if encoding != "identity":
            headers["Content-Encoding"] = encoding
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self._send(304, headers, b"", content_length=False)
            return
        self._send(status, headers, b"" if self.command == "HEAD" else data, length=len(data))

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, length: int | None = None,
              content_length: bool = True) -> None:
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
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
