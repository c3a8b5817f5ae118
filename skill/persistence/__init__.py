"""Pick the store for persistent attributes from one URL, so the backend is configuration, not code.

One adapter per backend behind the SDK's persistence interface. The lowest layer with content:
may import only config/logs/envelopes/turn, never a layer above.
"""
from __future__ import annotations

import os
import re

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.persistence.changes import RecordChanges
from skill.persistence.expiry_check import check_record_expiry
from skill.persistence.guard import GuardedStore
from skill.persistence.sqlite import SQLitePersistenceAdapter

DEFAULT_STORE_URL = "sqlite:///lump-relief.db"
SQLITE_PREFIX = "sqlite:///"
DYNAMODB_PREFIX = "dynamodb://"
ACCEPTED_FORMS = ("sqlite:///relative/path.db (from the working directory), "
                  "sqlite:////absolute/path.db, or dynamodb://TABLE_NAME")
# DynamoDB's rule for table names.
TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")

__all__ = ["DEFAULT_STORE_URL", "GuardedStore", "SQLitePersistenceAdapter", "build_persistence_adapter", "guarded",
           "is_reachable", "prepare_at_start", "store_target"]


def build_persistence_adapter(store_url: str) -> AbstractPersistenceAdapter:
    """An adapter for the URL; building it opens no file and no connection."""
    kind, target = store_target(store_url)
    return SQLitePersistenceAdapter(target) if kind == "sqlite" else build_dynamodb_store(target)


def store_target(store_url: str) -> tuple[str, str]:
    """The kind of store a URL names ("sqlite" or "dynamodb") and its file or table; ValueError for any
    other URL. It imports and opens nothing, so start-up can check the setting before any worker runs."""
    if store_url.startswith(SQLITE_PREFIX):
        path = store_url.removeprefix(SQLITE_PREFIX)
        if not path or path.endswith("/") or "?" in path or "#" in path:
            raise ValueError(f"A sqlite store URL needs a file path; use {ACCEPTED_FORMS}")
        return "sqlite", path
    if store_url.startswith(DYNAMODB_PREFIX):
        table_name = store_url.removeprefix(DYNAMODB_PREFIX)
        if not TABLE_NAME.fullmatch(table_name):
            raise ValueError("A dynamodb store URL needs a table name of 3-255 letters, digits, '_', '-' "
                             f"or '.'; use {ACCEPTED_FORMS}")
        return "dynamodb", table_name
    scheme = store_url.partition("://")[0] if "://" in store_url else "no scheme"
    # Name only the scheme: a URL of another kind may carry a password.
    raise ValueError(f"Unsupported store URL ({scheme}); use {ACCEPTED_FORMS}")


def build_dynamodb_store(table_name: str) -> AbstractPersistenceAdapter:
    """Import the DynamoDB module only now: the SDK's adapter module needs an AWS region to import.

    botocore reads only AWS_DEFAULT_REGION; Lambda and most hosts set AWS_REGION, the name the docs
    use, so the default session takes the region from either (AWS_REGION first) before the import.
    """
    import boto3
    from botocore.exceptions import NoRegionError
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region and boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session(region_name=region)
    try:
        from skill.persistence.dynamodb import build_dynamodb_adapter
        return build_dynamodb_adapter(table_name)
    except NoRegionError as e:
        raise PersistenceException("A DynamoDB store needs a region: set AWS_REGION or AWS_DEFAULT_REGION") from e


def guarded(adapter: AbstractPersistenceAdapter) -> AbstractPersistenceAdapter:
    """The store as the service uses it: skipped for a few seconds after a failure (guard.py).
    A bare SDK adapter (no record changes, no ping) is used as it is."""
    if isinstance(adapter, RecordChanges) and hasattr(adapter, "ping") and not isinstance(adapter, GuardedStore):
        return GuardedStore(adapter)
    return adapter


def prepare_at_start(adapter: AbstractPersistenceAdapter) -> None:
    """Before her first turn: check that her records expire (DynamoDB's TTL), then ready the store (its
    table described or made), so that turn spends its time on her record. Only logs; never stops start-up."""
    check_record_expiry(adapter)
    if isinstance(adapter, GuardedStore):
        adapter.prepare()


def is_reachable(adapter: AbstractPersistenceAdapter) -> bool:
    """Whether the store takes a write right now (its ping); for health checks, so it never raises a store error.
    A guarded store answers from a probe made at most once a second."""
    if isinstance(adapter, GuardedStore):
        return adapter.healthy()
    ping = getattr(adapter, "ping", None)
    if ping is None:
        raise TypeError(f"{type(adapter).__name__} has no ping(); build it with build_persistence_adapter")
    try:
        ping()
    except PersistenceException:
        return False
    return True
