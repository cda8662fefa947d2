"""Who on the staff gets an alert: e-mail addresses from the identity provider, by group and centre.

    addresses("caseworker", "tr-istanbul")  -> ["caseworker.istanbul@centres.example.org", ...]

In AWS the addresses are the Cognito user pool's (`email`, verified), listed with
ListUsersInGroup (the pool is STAFF_USER_POOL_ID); a person's centres are their `custom:centres`
attribute, as in their ID token (auth/users.py: `*` is every centre). Locally the sample accounts
(devstack/staff_accounts.yaml) are written by the local stack to the JSON file
STAFF_DIRECTORY_FILE names. One interface, `Directory`, for both; a disabled Cognito user gets
nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.core.settings import get_settings

ALL_CENTRES = "*"


@dataclass(frozen=True)
class StaffMember:
    email: str
    groups: frozenset[str]
    centres: frozenset[str]  # ids, or {"*"}

    def works_at(self, centre_id: str | None) -> bool:
        """Every centre for `*` (and the cases filed without a centre); else the centres named."""
        return ALL_CENTRES in self.centres or (centre_id is not None and centre_id in self.centres)


class Directory(Protocol):
    def members(self, group: str) -> list[StaffMember]:
        """The staff in a group (caseworker, manager, focal_point, admin) who have an address."""


def _centres(value: Any) -> frozenset[str]:
    if isinstance(value, list | tuple):
        return frozenset(str(c).strip() for c in value if str(c).strip())
    return frozenset(c.strip() for c in str(value or "").split(",") if c.strip())


class FileDirectory:
    """The local stack's sample accounts: [{"username", "email", "groups", "centres"}]."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def members(self, group: str) -> list[StaffMember]:
        accounts = json.loads(self.path.read_text(encoding="utf-8"))
        return [
            StaffMember(str(a["email"]), frozenset(a["groups"]), _centres(a["centres"]))
            for a in accounts
            if group in a.get("groups", []) and a.get("email")
        ]


@cache
def _cognito() -> Any:
    config = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("cognito-idp", region_name=get_settings().aws_region, config=config)


class CognitoDirectory:
    """The user pool: ListUsersInGroup, every page; enabled users with a verified e-mail."""

    def __init__(self, pool_id: str) -> None:
        self.pool_id = pool_id

    def members(self, group: str) -> list[StaffMember]:
        found: list[StaffMember] = []
        request: dict[str, Any] = {"UserPoolId": self.pool_id, "GroupName": group, "Limit": 60}
        while True:
            try:
                page = _cognito().list_users_in_group(**request)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    return []  # no such group in this pool: nobody in it
                raise
            for user in page.get("Users", []):
                attributes = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])}
                if not user.get("Enabled", True) or not attributes.get("email"):
                    continue
                if attributes.get("email_verified", "true").lower() != "true":
                    continue
                centres = _centres(attributes.get("custom:centres"))
                found.append(StaffMember(attributes["email"], frozenset({group}), centres))
            if not page.get("NextToken"):
                return found
            request["NextToken"] = page["NextToken"]


def directory() -> Directory | None:
    """The directory in use, or None where none is configured (nobody gets alerts)."""
    settings = get_settings()
    if settings.staff_user_pool_id:
        return CognitoDirectory(settings.staff_user_pool_id)
    if settings.staff_directory_file:
        return FileDirectory(Path(settings.staff_directory_file))
    return None


def addresses(group: str, centre_id: str | None, *, anywhere: bool = False) -> list[str]:
    """The addresses of a group's staff who work at `centre_id` (`anywhere`: whatever their
    centres), sorted, each once."""
    found = directory()
    if found is None:
        return []
    return sorted({m.email for m in found.members(group) if anywhere or m.works_at(centre_id)})


def reset() -> None:
    _cognito.cache_clear()
