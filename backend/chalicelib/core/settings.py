"""Runtime settings, read from the environment once per process and cached.

Nothing reads the environment at import time: Chalice sets stage variables per request
under `chalice.test.Client`, and tests reset the cache between cases.
"""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    stage: str = "dev"
    table_name: str = "passerelle-dev"
    aws_region: str = "eu-west-1"
    # Set only for DynamoDB Local; in AWS the regional endpoint is used.
    dynamodb_endpoint_url: str | None = None
    # Seconds before a DynamoDB call gives up, so a client gets a 503 rather than a hang.
    dynamodb_timeout_seconds: float = Field(default=3.0, gt=0)


@cache
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        stage=env.get("STAGE", "dev"),
        table_name=env.get("TABLE_NAME", "passerelle-dev"),
        aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-1",
        dynamodb_endpoint_url=env.get("DYNAMODB_ENDPOINT_URL") or None,
        dynamodb_timeout_seconds=float(env.get("DYNAMODB_TIMEOUT_SECONDS", "3")),
    )
