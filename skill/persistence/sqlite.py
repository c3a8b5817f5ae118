"""Persistent attributes in one SQLite file that several gunicorn workers can share safely."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
BUSY_TIMEOUT_MS = 5000
WAL_SWITCH_RETRY_SECONDS = 0.01

PartitionKeygen = Callable[[RequestEnvelope], str]

LOAD = "SELECT attributes FROM attributes WHERE id = ?"
SAVE = """
    INSERT INTO attributes (id, attributes, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at
"""
DELETE = "DELETE FROM attributes WHERE id = ?"

# Connections a forked child inherited: SQLite forbids using them across fork(), and closing one in
# the child could disturb the parent's locks, so they are kept referenced and never touched again.
_inherited_connections: list[sqlite3.Connection] = []


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """The SDK's persistence interface over one JSON row per key; it opens nothing until first use."""

    def __init__(self, path: str | os.PathLike[str],
                 partition_keygen: PartitionKeygen = user_id_partition_keygen) -> None:
        self.path = os.path.abspath(path)
        self.partition_keygen = partition_keygen
        self._local = threading.local()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_keygen(request_envelope)
        row = self._execute("load attributes", LOAD, (key,)).fetchone()
        if row is None:
            return {}
        try:
            return json.loads(row[0])
        except ValueError as e:
            raise PersistenceException("SQLite store holds attributes that are not JSON") from e

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = self.partition_keygen(request_envelope)
        try:
            document = json.dumps(attributes, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as e:
            raise PersistenceException(f"Attributes must be JSON values: {e}") from e
        updated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._execute("save attributes", SAVE, (key, document, updated_at))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = self.partition_keygen(request_envelope)
        self._execute("delete attributes", DELETE, (key,))

    def ping(self) -> None:
        """Prove the file opens, holds the schema and takes a write lock; raise PersistenceException if not."""
        connection = self._connection("answer a health check")
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        except sqlite3.Error as e:
            raise PersistenceException(f"SQLite store could not take a write lock: {e}") from e

    def close(self) -> None:
        """Close this thread's connection; the next use opens a new one."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.close()
        self._local.__dict__.clear()

    def _execute(self, action: str, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Cursor:
        connection = self._connection(action)
        try:
            return connection.execute(sql, parameters)
        except sqlite3.Error as e:
            raise PersistenceException(f"SQLite store could not {action}: {e}") from e

    def _connection(self, action: str) -> sqlite3.Connection:
        """This thread's connection in this process, opened on first use so forked workers share none."""
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            return local.connection
        if getattr(local, "connection", None) is not None:
            _inherited_connections.append(local.connection)
        try:
            connection = open_database(self.path)
        except (sqlite3.Error, OSError) as e:
            raise PersistenceException(f"SQLite store at {self.path} could not {action}: {e}") from e
        local.connection, local.pid = connection, os.getpid()
        return connection


def open_database(path: str) -> sqlite3.Connection:
    """Connect in autocommit mode, wait out other writers, switch to WAL and create the schema."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        journal_mode = switch_to_wal(connection)
        if journal_mode != "wal":
            logger.warning("SQLite store runs in %s journal mode: its filesystem refused WAL", journal_mode)
        else:
            # In WAL mode NORMAL never corrupts the file and survives a process crash; only a power
            # cut may drop the last few commits (her step). It halves the write cost (see README).
            connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA_PATH.read_text(encoding="utf-8"))
    except BaseException:
        connection.close()
        raise
    return connection


def switch_to_wal(connection: sqlite3.Connection) -> str:
    """WAL sticks to the file, so only its first users switch; they retry, as SQLite's busy handler
    does not wait on that switch when several processes open a fresh file at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
            if mode.lower() != "wal":
                (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
            return mode.lower()
        except sqlite3.OperationalError as e:
            if e.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(WAL_SWITCH_RETRY_SECONDS)
