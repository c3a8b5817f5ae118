"""The SDK's own DynamoDB adapter, built so start-up touches no network and numbers stay JSON numbers,
plus the record changes (changes.py) as conditional UpdateItem/PutItem calls on the adapter's table.

Import this module lazily: ask_sdk_dynamodb.adapter builds a boto3 resource as a default argument
when it is imported, which fails on a machine with no AWS region configured.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.persistence.changes import (
    RECORD, RETIRED_KEYS, STEP, VISITS, StoredVisit, answered_key, expiry, new_record_id,
)
from skill.persistence.sqlite import PartitionKeygen

logger = logging.getLogger(__name__)
# Alexa waits 8 s for an answer: one attempt, bounded well under a second. botocore's
# `max_attempts` counts retries after the first try; `total_max_attempts` counts every try, so 1 is one.
# An in-region DynamoDB call answers in milliseconds; past these bounds it is not going to help her turn.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 0.5
CLIENT_CONFIG = Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS,
                       retries={"total_max_attempts": 1, "mode": "standard"})
# A new table turns ACTIVE within seconds; poll briefly within one turn, and let a later turn carry on.
TABLE_ACTIVE_POLL_SECONDS = (0.05, 0.1, 0.2, 0.4, 0.5)
# The row /healthz rewrites; Alexa's user and device ids all start with "amzn1.", so it is no one's.
HEALTH_KEY = "lump-relief-health-check"
# A visit races another device's first visit at most a couple of times; past this, something else is wrong.
COUNT_VISIT_ATTEMPTS = 4
CONDITION_FAILED = "ConditionalCheckFailedException"
# A record a visit can count in place: a numeric count, and a text record id or none yet (an older
# version stored none). Anything else is replaced by a fresh record.
# A record past its expiry (DynamoDB deletes expired items within a few days, not at once) is not hers
# any more either.
COUNTABLE = ("attribute_type(#a.#v, :number) AND (attribute_not_exists(#a.#r) OR attribute_type(#a.#r, :text)) "
             "AND (attribute_not_exists(#e) OR #e > :now)")
# The item's time-to-live attribute (Unix seconds): DynamoDB erases the item once it has passed.
EXPIRES = "expires_at"
# A table takes reads and writes while its capacity or indexes are being updated.
USABLE_TABLE_STATUSES = {"ACTIVE", "UPDATING"}


def build_dynamodb_adapter(table_name: str) -> DynamoDbStore:
    """Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION)."""
    return DynamoDbStore(table_name, dynamodb_resource=connect(), reconnect=connect)


def connect() -> Any:
    """A boto3 DynamoDB resource with its own connection pool."""
    return boto3.session.Session(region_name=region()).resource("dynamodb", config=CLIENT_CONFIG)


def region() -> str | None:
    """AWS_REGION (the name Lambda and the docs use), else AWS_DEFAULT_REGION (the only one botocore reads)."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


class DynamoDbStore(DynamoDbAdapter):
    """DynamoDbAdapter with create_table on, but creating the table at start-up (prepare) or first use, not when built."""

    # Called over the network: the guard holds each call to a deadline in a worker thread (guard.py).
    remote = True

    def __init__(self, table_name: str, *, dynamodb_resource: Any,
                 partition_keygen: PartitionKeygen = user_id_partition_keygen,
                 reconnect: Callable[[], Any] | None = None) -> None:
        super().__init__(table_name=table_name, create_table=False,
                         partition_keygen=partition_keygen, dynamodb_resource=dynamodb_resource)
        self.create_table = True
        self._table_ready = False
        self._expiry_pending = False
        self._reconnect = reconnect
        self._pid = os.getpid()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The SDK's consistent read, but a record past its expiry reads as absent: DynamoDB's TTL
        deletes expired items only within about two days, and they can be read until then."""
        self._ensure_table()
        key = {self.partition_key_name: self.partition_keygen(request_envelope)}
        try:
            item = self.dynamodb.Table(self.table_name).get_item(Key=key, ConsistentRead=True).get("Item") or {}
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(f"DynamoDB could not load attributes: {type(e).__name__}: {e}") from e
        if not item or expired(item.get(EXPIRES)):
            return {}
        return from_dynamodb(item.get(self.attribute_name) or {})

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """The SDK's put, with the expiry every write carries."""
        self._ensure_table()
        item = {self.partition_key_name: self.partition_keygen(request_envelope),
                self.attribute_name: to_dynamodb(attributes), EXPIRES: expiry()}
        try:
            self.dynamodb.Table(self.table_name).put_item(Item=item)
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(f"DynamoDB could not save attributes: {type(e).__name__}: {e}") from e

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._ensure_table()
        super().delete_attributes(request_envelope)

    def count_visit(self, request_envelope: RequestEnvelope) -> StoredVisit:
        """Add one to the stored count in place; if there is no count yet, create the record unless
        another device just did (then count again). Both calls are conditional, so none is lost."""
        self._ensure_table()
        table = self.dynamodb.Table(self.table_name)
        key = {self.partition_key_name: self.partition_keygen(request_envelope)}
        names = {"#a": self.attribute_name, "#v": VISITS, "#r": RECORD, "#e": EXPIRES,
                 **{f"#old{n}": name for n, name in enumerate(RETIRED_KEYS)}}
        retired = ", ".join(f"#a.#old{n}" for n in range(len(RETIRED_KEYS)))
        try:
            for _ in range(COUNT_VISIT_ATTEMPTS):
                record = new_record_id()
                try:
                    updated = table.update_item(
                        Key=key,
                        UpdateExpression=f"SET #a.#v = #a.#v + :one, #a.#r = if_not_exists(#a.#r, :record), "
                                         f"#e = :expires REMOVE {retired}",
                        ConditionExpression=COUNTABLE,
                        ExpressionAttributeNames=names,
                        ExpressionAttributeValues={":one": 1, ":record": record, ":number": "N", ":text": "S",
                                                   ":expires": expiry(), ":now": int(time.time())},
                        ReturnValues="ALL_NEW")
                    return StoredVisit.from_stored(from_dynamodb(updated["Attributes"][self.attribute_name]))
                except ClientError as e:
                    if error_code(e) != CONDITION_FAILED:
                        raise
                fresh = {VISITS: 1, STEP: None, RECORD: record}
                try:
                    table.put_item(Item={**key, self.attribute_name: fresh, EXPIRES: expiry()},
                                   ConditionExpression=f"NOT ({COUNTABLE})",
                                   ExpressionAttributeNames={"#a": self.attribute_name, "#v": VISITS, "#r": RECORD,
                                                             "#e": EXPIRES},
                                   ExpressionAttributeValues={":number": "N", ":text": "S", ":now": int(time.time())})
                    return StoredVisit.from_stored(fresh)
                except ClientError as e:
                    if error_code(e) != CONDITION_FAILED:
                        raise
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(f"DynamoDB could not count a visit: {type(e).__name__}: {e}") from e
        raise PersistenceException("DynamoDB could not count a visit: the record kept changing")

    def set_step(self, request_envelope: RequestEnvelope, record: str, step: int | None) -> bool:
        """Set only the step, and only while the stored record is the one this session began with."""
        self._ensure_table()
        return written_on_condition("store her step", lambda: self.dynamodb.Table(self.table_name).update_item(
            Key={self.partition_key_name: self.partition_keygen(request_envelope)},
            UpdateExpression="SET #a.#s = :step, #e = :expires",
            ConditionExpression="#a.#r = :record AND (attribute_not_exists(#e) OR #e > :now)",
            ExpressionAttributeNames={"#a": self.attribute_name, "#s": STEP, "#r": RECORD, "#e": EXPIRES},
            ExpressionAttributeValues={":step": step, ":record": record, ":expires": expiry(),
                                       ":now": int(time.time())}))

    def claim_request(self, request_id: str, until: int) -> bool:
        """One conditional write: the id's item, expiring `until`, unless one is there and alive (past its
        expiry, TTL not yet run, it is taken over)."""
        self._ensure_table()
        item = {self.partition_key_name: answered_key(request_id), self.attribute_name: {}, EXPIRES: until}
        return written_on_condition("claim a request id", lambda: self.dynamodb.Table(self.table_name).put_item(
            Item=item, ConditionExpression="attribute_not_exists(#k) OR #e <= :now",
            ExpressionAttributeNames={"#k": self.partition_key_name, "#e": EXPIRES},
            ExpressionAttributeValues={":now": int(time.time())}))

    def release_request(self, request_id: str, until: int) -> None:
        self._ensure_table()
        try:
            self.dynamodb.Table(self.table_name).delete_item(Key={self.partition_key_name: answered_key(request_id)})
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(f"DynamoDB could not release a request id: {type(e).__name__}: {e}") from e

    def prepare(self) -> None:
        """Describe the table now (creating it if missing), at start-up: her first turn then spends its
        time on her record, not on a table check a cold stand-in or a cold container answers slowly."""
        self._ensure_table()

    def ping(self) -> None:
        """Describe the table now (creating it if missing), write a row that belongs to no one in the
        table her records live in, and read it back; raise PersistenceException if any of it fails."""
        self._table_ready = False
        self._ensure_table()
        table = self.dynamodb.Table(self.table_name)
        probe = new_record_id()
        key = {self.partition_key_name: HEALTH_KEY}
        try:
            table.put_item(Item={**key, self.attribute_name: {"probe": probe}, EXPIRES: expiry()})
            item = table.get_item(Key=key, ConsistentRead=True).get("Item") or {}
        except (BotoCoreError, ClientError) as e:
            raise PersistenceException(
                f"DynamoDB table {self.table_name} refused a write: {type(e).__name__}: {e}") from e
        if (item.get(self.attribute_name) or {}).get("probe") != probe:
            raise PersistenceException(f"DynamoDB table {self.table_name} did not read back the probe it wrote")

    def _ensure_table(self) -> None:
        """Every call comes here first: a new process gets its own connections, then the table is checked once."""
        if self._pid != os.getpid():
            self._own_connections()
        if self._table_ready:
            return
        client = self.dynamodb.meta.client
        try:
            status = self._table_status(client)
            if status is None:
                status = self._create(client)
                self._expiry_pending = True
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
        if self._expiry_pending:
            self._enable_expiry(client)
        self._table_ready = True

    def _own_connections(self) -> None:
        """A worker forked after start-up (gunicorn's preload) inherits the start-up calls' open sockets;
        two workers writing on one socket would read each other's answers, so each builds its own."""
        self._pid = os.getpid()
        if self._reconnect is not None:
            self.dynamodb = self._reconnect()

    def _enable_expiry(self, client: Any) -> None:
        """Try to turn on TTL for the table this process created, once it is usable. Whatever the
        answer (a role without dynamodb:UpdateTimeToLive, a stand-in without TTL), her turn goes on:
        it is logged, and records past their expiry are still treated as gone (COUNTABLE)."""
        self._expiry_pending = False
        try:
            client.update_time_to_live(TableName=self.table_name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": EXPIRES})
        except (BotoCoreError, ClientError) as e:
            cause = error_code(e) if isinstance(e, ClientError) else type(e).__name__
            logger.warning("DynamoDB did not enable TTL on the table it created; enable it on the attribute "
                           "expires_at (docs/lambda.md)", extra={"outcome": "ttl not enabled", "cause": cause})

    def _table_status(self, client: Any) -> str | None:
        try:
            return client.describe_table(TableName=self.table_name)["Table"]["TableStatus"]
        except client.exceptions.ResourceNotFoundException:
            return None

    def _create(self, client: Any) -> str:
        """The table the template makes (on demand: the SDK's fixed 5 reads and 5 writes a second would
        throttle a busy evening); another worker creating it first is fine."""
        try:
            response = client.create_table(
                TableName=self.table_name,
                KeySchema=[{"AttributeName": self.partition_key_name, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": self.partition_key_name, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except client.exceptions.ResourceInUseException:
            return "CREATING"
        return response["TableDescription"]["TableStatus"]


def written_on_condition(action: str, write: Callable[[], Any]) -> bool:
    """Make one conditional write: True when it was made, False when its condition did not hold."""
    try:
        write()
    except ClientError as e:
        if error_code(e) == CONDITION_FAILED:
            return False
        raise PersistenceException(f"DynamoDB could not {action}: {type(e).__name__}: {e}") from e
    except BotoCoreError as e:
        raise PersistenceException(f"DynamoDB could not {action}: {type(e).__name__}: {e}") from e
    return True


def expired(expires_at: Any, now: float | None = None) -> bool:
    """Whether a stored expiry (Unix seconds) has passed; an item without one never expires."""
    if expires_at is None:
        return False
    try:
        return int(expires_at) <= int(time.time() if now is None else now)
    except (TypeError, ValueError, ArithmeticError):
        return True


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


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
