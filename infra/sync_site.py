"""Upload the built site to its bucket, changing only what changed; or empty the bucket.

`aws s3 sync` decides by size and modification time, and MkDocs rewrites every file on each
build: it would upload the whole site every time, and every deploy would invalidate CloudFront.
Here a file is uploaded when its MD5 differs from the object's ETag (single-part uploads to a
bucket encrypted with SSE-S3, as the site bucket is, have the MD5 as ETag), objects no longer in
the build are deleted, and the number of changes is printed last: infra/deploy.sh invalidates
CloudFront only when it is not 0. So a second deploy of the same commit changes nothing.

    python infra/sync_site.py --bucket NAME [--site build/site]
    python infra/sync_site.py --bucket NAME --empty
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3

# Names with a content hash (mkdocs-material's bundles): never change, cached for a year.
# The same rule as devstack/server.py.
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8,}\.(min\.)?(js|css)$")
# Pages, the service worker and the files pages load by a fixed name are checked on every use
# (a cheap 304), so a deploy is seen at once; images and other files for an hour.
ALWAYS_CHECK = re.compile(r"(\.html|\.js|\.css|\.json|\.webmanifest|\.xml|\.txt)$")
YEAR = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
SHORT = "public, max-age=3600"
EXTRA_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


def cache_control(key: str) -> str:
    if HASHED_ASSET.search(key):
        return YEAR
    if ALWAYS_CHECK.search(key):
        return NO_CACHE
    return SHORT


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    kind = EXTRA_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "image/svg+xml", "application/manifest+json"):
        kind += "; charset=utf-8"
    return kind


def local_files(site: Path) -> dict[str, str]:
    """Object key -> MD5 of every file of the build."""
    return {
        path.relative_to(site).as_posix(): hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def plan(local: dict[str, str], remote: dict[str, str]) -> tuple[list[str], list[str]]:
    """Keys to upload (new or changed) and keys to delete (gone from the build)."""
    uploads = [key for key, digest in local.items() if remote.get(key) != digest]
    deletes = [key for key in remote if key not in local]
    return uploads, deletes


def remote_objects(s3: Any, bucket: str) -> dict[str, str]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def _batches(keys: list[str], size: int = 1000) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def delete(s3: Any, bucket: str, keys: list[str]) -> None:
    for batch in _batches(keys):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})


def sync(s3: Any, bucket: str, site: Path) -> int:
    """Make the bucket hold exactly the build. Returns how many objects changed."""
    uploads, deletes = plan(local_files(site), remote_objects(s3, bucket))
    for key in uploads:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=(site / key).read_bytes(),
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
    delete(s3, bucket, deletes)
    return len(uploads) + len(deletes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--site", type=Path, default=Path("build/site"))
    parser.add_argument("--empty", action="store_true", help="delete every object (before deleting the stack)")
    args = parser.parse_args(argv)
    s3 = boto3.client("s3")
    if args.empty:
        keys = list(remote_objects(s3, args.bucket))
        delete(s3, args.bucket, keys)
        print(f"{len(keys)} deleted")
        return 0
    if not (args.site / "index.html").is_file():
        print(f"{args.site} holds no built site: run make site first.", file=sys.stderr)
        return 1
    changed = sync(s3, args.bucket, args.site)
    print(f"{changed} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
