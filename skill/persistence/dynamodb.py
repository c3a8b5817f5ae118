"""The SDK's own DynamoDB adapter, built so start-up touches no network and numbers stay JSON numbers.

Import this module lazily: ask_sdk_dynamodb.adapter builds a boto3 resource as a default argument
when it is imported, which fails on a machine with no AWS region configured.
"""
from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.persistence.sqlite import PartitionKeygen

# Alexa waits 8 s for an answer: fail a stuck call fast rather than retry it for long.
CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1, "mode": "standard"})
# A new table turns ACTIVE within seconds; poll quickly at first, and give up after about 10 s.
TABLE_ACTIVE_POLL_SECONDS = (0.05, 0.1, 0.2, 0.4, 0.8) + (1.0,) * 8
# A table takes reads and writes while its capacity or indexes are being updated.
USABLE_TABLE_STATUSES = {"ACTIVE", "UPDATING"}


def build_dynamodb_adapter(table_name: str) -> DynamoDbStore:
    """Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION)."""
    resource = boto3.resource("dynamodb", config=CLIENT_CONFIG)
    return DynamoDbStore(table_name, dynamodb_resource=resource)


class DynamoDbStore(DynamoDbAdapter):
    """DynamoDbAdapter with create_table on, but creating the table on first use instead of when built."""

    def __init__(self, table_name: str, *, dynamodb_resource: Any,
                 partition_keygen: PartitionKeygen = user_id_partition_keygen) -> None:
        super().__init__(table_name=table_name, create_table=False,
                         partition_keygen=partition_keygen, dynamodb_resource=dynamodb_resource)
        self.create_table = True
        self._table_ready = False

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        self._ensure_table()
        return from_dynamodb(super().get_attributes(request_envelope))

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        self._ensure_table()
        super().save_attributes(request_envelope, to_dynamodb(attributes))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._ensure_table()
        super().delete_attributes(request_envelope)

    def ping(self) -> None:
        """Describe the table now (creating it if missing); raise PersistenceException if that fails."""
        self._table_ready = False
        self._ensure_table()

    def _ensure_table(self) -> None:
        if self._table_ready:
            return
        client = self.dynamodb.meta.client
        try:
            status = self._table_status(client)
            if status is None:
                status = self._create(client)
            for pause in TABLE_ACTIVE_POLL_SECONDS:
                if status in USABLE_TABLE_STATUSES:
                    break
                time.sleep(pause)
                status = self._table_status(client)
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(
                f"DynamoDB table {self.table_name} is unreachable: {type(e).__name__}: {e}") from e
        if status not in USABLE_TABLE_STATUSES:
            raise PersistenceException(f"DynamoDB table {self.table_name} is still {status}")
        self._table_ready = True

    def _table_status(self, client: Any) -> str | None:
        try:
            return client.describe_table(TableName=self.table_name)["Table"]["TableStatus"]
        except client.exceptions.ResourceNotFoundException:
            return None

    def _create(self, client: Any) -> str:
        """The same table the SDK's create_table makes; another worker creating it first is fine."""
        try:
            response = client.create_table(
                TableName=self.table_name,
                KeySchema=[{"AttributeName": self.partition_key_name, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": self.partition_key_name, "AttributeType": "S"}],
                ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            )
        except client.exceptions.ResourceInUseException:
            return "CREATING"
        return response["TableDescription"]["TableStatus"]


def to_dynamodb(attributes: dict[str, Any]) -> dict[str, Any]:
    """JSON values as boto3 accepts them: it refuses floats, so they travel as Decimal."""
    try:
        return json.loads(json.dumps(attributes, allow_nan=False), parse_float=Decimal)
    except (TypeError, ValueError) as e:
        raise PersistenceException(f"Attributes must be JSON values: {e}") from e


def from_dynamodb(value: Any) -> Any:
    """Decimals back to the int or float that JSON, and the SQLite store, would give."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: from_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_dynamodb(item) for item in value]
    return value
