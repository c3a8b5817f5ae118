"""At start, ask DynamoDB whether her records' table erases them: the privacy page promises 90 days.

Only a check (DescribeTimeToLive): TTL is turned on where the table is made (the CloudFormation
template, the documented create-table steps), never by the service on a mother's turn. One WARNING
line when TTL is off or cannot be read, naming what to do; it never raises and never stops start-up.
"""
from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.persistence.guard import GuardedStore

log = logging.getLogger(__name__)
# The item attribute the DynamoDB store writes (skill/persistence/dynamodb.py EXPIRES).
EXPIRY_ATTRIBUTE = "expires_at"
HOW_TO_ENABLE = "enable TTL on the attribute expires_at (docs/lambda.md)"


def check_record_expiry(adapter: AbstractPersistenceAdapter) -> str:
    """The table's TTL status as DynamoDB reports it, or why it could not be read; "" for other stores."""
    store = adapter.store if isinstance(adapter, GuardedStore) else adapter
    table_name = getattr(store, "table_name", None)
    dynamodb = getattr(store, "dynamodb", None)
    if not table_name or dynamodb is None:
        return ""  # SQLite purges expired records itself
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        description = dynamodb.meta.client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            return _warn(table_name, "missing", f"the table does not exist yet; the service creates it now and turns "
                                                f"TTL on only if its role may, else records would never expire: "
                                                f"{HOW_TO_ENABLE}")
        return _warn(table_name, f"unreadable ({code})", f"could not read its TTL ({code}); the role needs "
                                                          f"dynamodb:DescribeTimeToLive on the table")
    except BotoCoreError as error:
        return _warn(table_name, f"unreadable ({type(error).__name__})",
                     f"could not read its TTL ({type(error).__name__}); check it by hand: {HOW_TO_ENABLE}")
    status = description.get("TimeToLiveStatus", "DISABLED")
    if status in ("ENABLED", "ENABLING") and description.get("AttributeName", EXPIRY_ATTRIBUTE) == EXPIRY_ATTRIBUTE:
        return status
    if status in ("ENABLED", "ENABLING"):
        return _warn(table_name, f"{status} on {description.get('AttributeName')}",
                     f"TTL is on for {description.get('AttributeName')!r}, not expires_at; records would never "
                     f"expire: {HOW_TO_ENABLE}")
    return _warn(table_name, status, f"TTL is {status}: her records would never expire, breaking the privacy "
                                     f"page's 90 days; {HOW_TO_ENABLE}")


def _warn(table_name: str, outcome: str, problem: str) -> str:
    log.warning("DynamoDB table %s: %s", table_name, problem, extra={"outcome": f"ttl {outcome}"})
    return outcome
