"""AWS clients, built lazily and cached per process (Lambda keeps them warm between calls)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.service_resource import Table


@cache
def dynamodb_client() -> DynamoDBClient:
    settings = get_settings()
    config = Config(
        connect_timeout=settings.dynamodb_timeout_seconds,
        read_timeout=settings.dynamodb_timeout_seconds,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return boto3.client(
        "dynamodb",
        region_name=settings.aws_region,
        endpoint_url=settings.dynamodb_endpoint_url,
        config=config,
    )


@cache
def app_table() -> Table:
    settings = get_settings()
    resource = boto3.resource(
        "dynamodb",
        region_name=settings.aws_region,
        endpoint_url=settings.dynamodb_endpoint_url,
        config=Config(
            connect_timeout=settings.dynamodb_timeout_seconds,
            read_timeout=settings.dynamodb_timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )
    return resource.Table(settings.table_name)


@cache
def s3_client() -> Any:
    """The attachments bucket's client (the local S3 when `S3_ENDPOINT_URL` is set, path-style)."""
    settings = get_settings()
    config = Config(
        connect_timeout=settings.dynamodb_timeout_seconds,
        read_timeout=max(settings.dynamodb_timeout_seconds, 10),
        retries={"max_attempts": 3, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
    )
    return boto3.client("s3", region_name=settings.aws_region, endpoint_url=settings.s3_endpoint_url, config=config)


@cache
def lambda_client() -> Any:
    """For invoking the evidence cleaner function: one attempt (a file that made it fail would only
    fail again), a timeout just above the function's own 8 s, within the API's 10 s."""
    config = Config(connect_timeout=1, read_timeout=9, retries={"max_attempts": 1})
    return boto3.client("lambda", region_name=get_settings().aws_region, config=config)


# What modules built on these clients cache (core/sources.py: the salts it read), forgotten with
# them. They register here rather than being imported here: they import this module.
_also_forget: list[Callable[[], None]] = []


def forget_on_reset(forget: Callable[[], None]) -> None:
    _also_forget.append(forget)


def reset_clients() -> None:
    """Forget cached settings, clients and keys (tests switch endpoints, tables and secrets)."""
    from chalicelib.core.secrets import origin_secret, server_key

    get_settings.cache_clear()
    origin_secret.cache_clear()
    dynamodb_client.cache_clear()
    app_table.cache_clear()
    s3_client.cache_clear()
    lambda_client.cache_clear()
    server_key.cache_clear()
    for forget in _also_forget:
        forget()
