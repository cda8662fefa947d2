"""GET /api/health: is the API up, and does the database answer?"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.core.aws import dynamodb_client
from chalicelib.core.http import RouteDoc, api_route, json_response
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

bp = Blueprint(__name__)


class Health(BaseModel, defer_build=True):
    status: str
    database: str


def database_answers() -> bool:
    try:
        table = dynamodb_client().describe_table(TableName=get_settings().table_name)
    except (BotoCoreError, ClientError) as exc:
        logger.warning("database check failed", extra={"error_type": type(exc).__name__})
        return False
    return table["Table"].get("TableStatus") == "ACTIVE"


@api_route(bp, "/health", doc=RouteDoc("Is the API up, and does the database answer?", Health, other={503: Health}))
def health() -> Response:
    if database_answers():
        return json_response(Health(status="ok", database="up"))
    return json_response(Health(status="degraded", database="down"), status=503, headers={"Retry-After": "5"})
