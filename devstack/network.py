"""Who may reach the local stack: programs on this machine, unless the person who starts it says
otherwise. The sample staff accounts share a password written in the repository, and the data are
real people's once someone tries the portal with them: `make run` listens on 127.0.0.1 by default,
refuses any other HOST without PASSERELLE_ALLOW_NETWORK=1, and even then the development sign-in
serves only requests made on this machine (devstack/dev_idp.py).

`python -m devstack.network` checks HOST for `make run` before anything is built or started.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from typing import Protocol

ALLOW_NETWORK = "PASSERELLE_ALLOW_NETWORK"
# Headers a reverse proxy or tunnel on this machine adds: behind one, every caller's TCP address is
# loopback, so their presence means the request came from elsewhere.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


class Headers(Protocol):
    """Request headers looked up by name, whatever its case (http.server's, email.message's)."""

    def get(self, name: str, /) -> str | None: ...


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also IPv4-mapped, also in brackets) or `localhost`. Any other name may
    resolve to a public address, and "" or 0.0.0.0 mean every interface."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def network_allowed(env: Mapping[str, str]) -> bool:
    return env.get(ALLOW_NETWORK, "") == "1"


def refusal(host: str, env: Mapping[str, str]) -> str | None:
    """The one sentence that refuses HOST, or None when it may be used."""
    if is_loopback(host) or network_allowed(env):
        return None
    shown = host or "(every address)"
    return (
        f"HOST={shown} would open the local portal to other machines, with sample staff accounts whose "
        f"password is in the repository: use HOST=127.0.0.1, or set {ALLOW_NETWORK}=1 if you mean it (the "
        "development sign-in then lists no accounts and refuses sign-in from other machines)."
    )


def authority_host(authority: str) -> str:
    """The host of a Host header: `127.0.0.1:8000` -> 127.0.0.1, `[::1]:8000` -> ::1."""
    authority = authority.strip()
    if authority.startswith("["):
        return authority[1 : authority.find("]")] if "]" in authority else authority
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


def local_request(peer: str, headers: Headers) -> bool:
    """Whether a request was made on this machine: a loopback peer, addressed to a loopback name (a
    DNS-rebinding page sends its own host name), and not relayed by a proxy or tunnel."""
    host = headers.get("Host")
    return (
        is_loopback(peer)
        and host is not None
        and is_loopback(authority_host(host))
        and not any(headers.get(name) is not None for name in PROXY_HEADERS)
    )


def main() -> int:
    message = refusal(os.environ.get("HOST", "127.0.0.1"), os.environ)
    if message is not None:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
