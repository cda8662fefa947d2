"""Only CloudFront may call the API.

API Gateway has a public address of its own. A caller who went there directly would skip the
edge: the WAF rules on the site's address, the security headers, and above all the viewer-address
header the per-source limits trust (core/ratelimit.py), which such a caller could write himself.
So CloudFront adds a secret header to every request it forwards (infra/template.yaml, the api
origin's custom header), overwriting any the viewer sent, and the API refuses a request without
it. Locally the portal's server plays CloudFront's part (devstack/server.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from chalicelib.core.secrets import origin_secret

ORIGIN_HEADER = "x-passerelle-origin"


def from_the_edge(headers: Mapping[str, str] | None) -> bool:
    """True if the request carries the origin secret (compared in constant time), or if none is
    configured (unit tests)."""
    expected = origin_secret()
    if expected is None:
        return True
    given = (headers or {}).get(ORIGIN_HEADER) or ""
    # Digests of equal length: the comparison does not even tell how long the secret is.
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())
