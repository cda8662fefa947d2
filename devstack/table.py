"""Create DynamoDB Local's table from the CloudFormation template: one definition, no drift."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from devstack import TEMPLATE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE_RESOURCE = "AppTable"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !GetAtt, !Sub...) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)  # type: ignore[arg-type]
    return {f"Fn::{suffix}" if suffix != "Ref" else "Ref": value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        template: dict[str, Any] = yaml.load(fh, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
        return template


def table_properties(path: Path = TEMPLATE) -> dict[str, Any]:
    resource = load_template(path)["Resources"][TABLE_RESOURCE]
    assert resource["Type"] == "AWS::DynamoDB::Table"
    return dict(resource["Properties"])


def create_table_request(table_name: str, path: Path = TEMPLATE) -> dict[str, Any]:
    """The CreateTable call the template's table resource stands for."""
    props = table_properties(path)
    request: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    return request


def ttl_attribute(path: Path = TEMPLATE) -> str | None:
    spec = table_properties(path).get("TimeToLiveSpecification") or {}
    return spec.get("AttributeName") if spec.get("Enabled") else None


def ensure_table(client: DynamoDBClient, table_name: str, path: Path = TEMPLATE) -> bool:
    """Create the table (and its TTL) if it does not exist. Returns True when it was created."""
    existing = client.list_tables().get("TableNames", [])
    if table_name in existing:
        return False
    client.create_table(**create_table_request(table_name, path))
    deadline = time.monotonic() + 30
    while client.describe_table(TableName=table_name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {table_name} did not become active")
        time.sleep(0.1)
    attribute = ttl_attribute(path)
    if attribute:
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )
    return True
