"""Persistent attributes in one SQLite file that several server processes can share safely.

Her record is changed by single SQL statements (see changes.py), so concurrent visits never lose a
count. Every wait is short (a turn must answer well within Alexa's 8 s), a connection that failed,
or whose file was replaced or deleted, is dropped and reopened on next use, and "forget me" leaves
no copy of her record in the file, its free pages or its write-ahead log.

The file is only ever opened by SQLite, never by this code: a process that closes any descriptor of
a file drops every POSIX lock it holds on it (sqlite.org, "How To Corrupt An SQLite Database File",
2.2), and the next process to open the file (a `sqlite3` shell, a backup) would then checkpoint and
delete the write-ahead log under the running service. Permissions are asked with access(2), which
opens nothing; SQLite itself keeps a closed connection's descriptors open while another connection
of the process holds locks on the file.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
from ask_sdk_model import RequestEnvelope

from skill.persistence.changes import StoredVisit, expiry, new_record_id
from skill.persistence.checkpoints import BACKSTOP_PAGES, LogCheckpoints

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
# How long a statement waits for another writer (a write commits in well under a millisecond here).
# A lock held longer (a backup, an open `sqlite3` shell) fails the call, and the service skips the
# store for a few seconds (guard.py), so a queue of turns pays this once, not once each.
BUSY_TIMEOUT_MS = 250
# /healthz waits this long for the write lock; longer means the store is not answering.
HEALTH_BUSY_TIMEOUT_MS = 100
# Expired records are never read back (every read asks for an expiry still ahead); the purge only
# frees the space, PURGE_BATCH rows at a time (a few milliseconds), by whichever visit or health probe
# comes next: every PURGE_INTERVAL_SECONDS, or every PURGE_BACKLOG_SECONDS while a full batch was
# purged (a backlog of 100,000 rows is gone within minutes while /healthz is polled).
PURGE_INTERVAL_SECONDS = 600
PURGE_BACKLOG_SECONDS = 1.0
PURGE_BATCH = 500
WAL_SWITCH_RETRY_SECONDS = 0.01

PartitionKeygen = Callable[[RequestEnvelope], str]

# The threads of one process open the file one at a time: a fresh file's first openers would
# otherwise contend for its switch to WAL and its schema, which take the write lock, and on a busy
# machine one of them could outwait BUSY_TIMEOUT_MS and fail her visit (seen once in CI). Opening
# happens once per thread, so this lock costs a turn nothing after that.
_opening = threading.Lock()

# A record is hers only until its expiry: past it, it reads as absent whether or not it was purged yet.
LOAD = "SELECT attributes FROM attributes WHERE id = :id AND (expires_at IS NULL OR expires_at > :now)"
SAVE = """
    INSERT INTO attributes (id, attributes, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes, expires_at = excluded.expires_at
"""
DELETE = "DELETE FROM attributes WHERE id = ?"
# A request id answered (changes.AnsweredRequests), in a table of its own keyed by its `until` first:
# one B-tree, new ids appended at its end and the purge cutting from its front (half the cost of a row
# beside the records, measured in docs/performance.md). A copy of the request conflicts and changes nothing.
CLAIM_REQUEST = "INSERT INTO answered_requests (until, id) VALUES (:until, :id) ON CONFLICT DO NOTHING"
RELEASE_REQUEST = "DELETE FROM answered_requests WHERE until = :until AND id = :id"
# One statement: a new record, or the stored one with one more visit, its step and id kept and
# anything else (an older version's topic and date) dropped. A malformed or expired record starts afresh.
COUNT_VISIT = """
    INSERT INTO attributes (id, attributes, expires_at)
    VALUES (:id, json_object('visits', 1, 'step', NULL, 'record', :record), :expires)
    ON CONFLICT (id) DO UPDATE SET expires_at = :expires, attributes = CASE
        WHEN expires_at <= :now THEN excluded.attributes
        WHEN json_valid(attributes) THEN CASE
        WHEN json_type(attributes) = 'object' THEN json_object(
            'visits', CASE WHEN json_type(attributes, '$.visits') = 'integer'
                           THEN json_extract(attributes, '$.visits') + 1 ELSE 1 END,
            'step', CASE WHEN json_type(attributes, '$.step') = 'integer'
                         THEN json_extract(attributes, '$.step') END,
            'record', CASE WHEN json_type(attributes, '$.record') = 'text'
                           THEN json_extract(attributes, '$.record') ELSE :record END)
        ELSE excluded.attributes END ELSE excluded.attributes END
    RETURNING attributes
"""
# Only the step, and only in the record the session began with (not one made after an erase).
SET_STEP = """
    UPDATE attributes SET attributes = json_set(attributes, '$.step', :step), expires_at = :expires
    WHERE id = :id AND json_valid(attributes) AND json_extract(attributes, '$.record') = :record
      AND (expires_at IS NULL OR expires_at > :now)
"""
# The row /healthz writes and reads back, in the table her records live in; Alexa's user ids all
# start with "amzn1.", so it is no one's.
HEALTH_KEY = "lump-relief-health-check"
HEALTH_WRITE = """
    INSERT INTO attributes (id, attributes, expires_at) VALUES (:id, :probe, :expires)
    ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes, expires_at = excluded.expires_at
"""
PURGE = """
    DELETE FROM attributes WHERE id IN (SELECT id FROM attributes WHERE expires_at <= :now LIMIT :batch)
"""
PURGE_ANSWERED = """
    DELETE FROM answered_requests WHERE (until, id) IN
        (SELECT until, id FROM answered_requests WHERE until <= :now LIMIT :batch)
"""
# Copy the log into the file and empty it, so erased rows leave no copy in the -wal file.
CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)"

# Connections a forked child inherited: SQLite forbids using them across fork(), and closing one in
# the child could disturb the parent's locks, so they are kept referenced and never touched again.
_inherited_connections: list[sqlite3.Connection] = []


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """The SDK's persistence interface and the record changes over one JSON row per key.

    It opens nothing until first use; each thread of each process has its own connection, kept open
    for the thread's life (closing one is SQLite's business, never a bare close of the file).
    """

    def __init__(self, path: str | os.PathLike[str],
                 partition_keygen: PartitionKeygen = user_id_partition_keygen) -> None:
        self.path = os.path.abspath(path)
        self.partition_keygen = partition_keygen
        self._local = threading.local()
        # Shared by this process's threads: when the next purge step is due, and whether an erase
        # still waits for its log to be emptied (a reader kept the checkpoint from finishing).
        self._upkeep = threading.Lock()
        self._purge_after = 0.0
        self._erase_pending = False
        # The log is copied into the file by a thread of each process, not inside a turn (checkpoints.py).
        self._checkpoints = LogCheckpoints(self.path, file_identity)

    # The SDK's interface -------------------------------------------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_keygen(request_envelope)
        rows = self._execute("load attributes", LOAD, {"id": key, "now": int(time.time())})
        return parse_document(rows[0][0]) if rows else {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Replace the whole document (the SDK's contract); the skill itself uses the changes below."""
        key = self.partition_keygen(request_envelope)
        try:
            document = json.dumps(attributes, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as e:
            raise PersistenceException(f"Attributes must be JSON values: {e}") from e
        self._execute("save attributes", SAVE, (key, document, expiry()))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Delete the row (secure_delete zeroes its bytes), then empty the log that still holds copies;
        if a reader keeps the log from being emptied, the next calls empty it once the reader is done."""
        key = self.partition_keygen(request_envelope)
        self._execute("delete attributes", DELETE, (key,))
        with self._upkeep:
            self._erase_pending = True
        if not self._empty_log():
            logger.warning("erased, but a reader kept the log from being emptied; the next calls will",
                           extra={"outcome": "checkpoint busy"})

    # The record changes (changes.RecordChanges) --------------------------------------------------

    def count_visit(self, request_envelope: RequestEnvelope) -> StoredVisit:
        key = self.partition_keygen(request_envelope)
        rows = self._execute("count a visit", COUNT_VISIT, {"id": key, "record": new_record_id(),
                                                            "expires": expiry(), "now": int(time.time())})
        visit = StoredVisit.from_stored(parse_document(rows[0][0]))
        self._upkeep_step()
        return visit

    def set_step(self, request_envelope: RequestEnvelope, record: str, step: int | None) -> bool:
        key = self.partition_keygen(request_envelope)
        return self._rows_changed("store her step", SET_STEP, {"id": key, "record": record, "step": step,
                                                               "expires": expiry(), "now": int(time.time())}) == 1

    # Request ids answered (changes.AnsweredRequests) --------------------------------------------

    def claim_request(self, request_id: str, until: int) -> bool:
        return self._rows_changed("claim a request id", CLAIM_REQUEST, {"until": until, "id": request_id}) == 1

    def release_request(self, request_id: str, until: int) -> None:
        self._execute("release a request id", RELEASE_REQUEST, {"until": until, "id": request_id})

    # Upkeep: the purge and a pending erase ---------------------------------------------------------

    def purge_expired(self, now: float | None = None) -> int:
        """Erase up to PURGE_BATCH records, and as many request ids, whose time has passed; how many
        of either were erased, whichever is more (a full batch means a backlog)."""
        moment = int(time.time() if now is None else now)
        connection = self._connection("purge expired records")
        parameters = {"now": moment, "batch": PURGE_BATCH}
        try:
            return max(connection.execute(PURGE, parameters).rowcount,
                       connection.execute(PURGE_ANSWERED, parameters).rowcount)
        except sqlite3.Error as e:
            self._drop()
            raise PersistenceException(f"SQLite store could not purge expired records: {e}") from e

    def _upkeep_step(self) -> None:
        """One bounded purge step when one is due, and the log emptied if an erase still waits for it;
        never fails the call it follows."""
        if self._erase_pending:
            self._empty_log()
        with self._upkeep:
            if time.monotonic() < self._purge_after:
                return
            self._purge_after = time.monotonic() + PURGE_INTERVAL_SECONDS
        try:
            purged = self.purge_expired()
        except PersistenceException as error:
            logger.warning("could not purge expired records", extra={"outcome": "purge failed",
                                                                      "cause": f"{error.__cause__ or error}"})
            return
        if purged >= PURGE_BATCH:  # a backlog: the next step soon, not in ten minutes
            with self._upkeep:
                self._purge_after = time.monotonic() + PURGE_BACKLOG_SECONDS
        if purged:
            logger.info("purged expired records", extra={"outcome": f"{purged} purged"})

    def _empty_log(self) -> bool:
        """Copy the log into the file and truncate it; False while a reader still needs its frames."""
        try:
            [(busy, _, _)] = self._execute("checkpoint after an erase", CHECKPOINT, ())
        except PersistenceException as error:
            logger.warning("could not empty the log after an erase", extra={"outcome": "checkpoint failed",
                                                                            "cause": f"{error.__cause__ or error}"})
            return False
        if not busy:
            with self._upkeep:
                self._erase_pending = False
        return not busy

    # Health --------------------------------------------------------------------------------------

    def ping(self) -> None:
        """Raise PersistenceException unless the file at the path is the one open, this process may
        write it, and a new row of a record's size commits within HEALTH_BUSY_TIMEOUT_MS and reads back
        (the probe takes room in the log as a new visit would, so a full disk fails it too)."""
        connection = self._connection("answer a health check")
        if not may_write(self.path):
            self._drop()
            raise PersistenceException("SQLite store file cannot be written: permission denied")
        probe = new_record_id()
        try:
            connection.execute(f"PRAGMA busy_timeout = {HEALTH_BUSY_TIMEOUT_MS}")
            try:
                connection.execute(HEALTH_WRITE, {"id": HEALTH_KEY, "probe": health_document(probe),
                                                  "expires": expiry()})
                [(document,)] = connection.execute(LOAD, {"id": HEALTH_KEY, "now": int(time.time())}).fetchall()
            finally:
                connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if parse_document(document).get("probe") != probe:
                raise PersistenceException("SQLite store did not read back the probe it wrote")
        except (sqlite3.Error, ValueError) as e:
            self._drop()
            raise PersistenceException(f"SQLite store could not take a write: {e}") from e
        self._upkeep_step()

    def close(self) -> None:
        """Close this thread's connection; the next use opens a new one."""
        self._drop()

    # Connections ---------------------------------------------------------------------------------

    def _execute(self, action: str, sql: str, parameters: tuple[Any, ...] | dict[str, Any]) -> list[Any]:
        """Run one statement to completion (so no lock outlives it); a failure drops the connection."""
        connection = self._connection(action)
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as e:
            self._drop()
            raise PersistenceException(f"SQLite store could not {action}: {e}") from e

    def _rows_changed(self, action: str, sql: str, parameters: dict[str, Any]) -> int:
        """Run one change and say how many rows it changed; a failure drops the connection."""
        connection = self._connection(action)
        try:
            return connection.execute(sql, parameters).rowcount
        except sqlite3.Error as e:
            self._drop()
            raise PersistenceException(f"SQLite store could not {action}: {e}") from e

    def _connection(self, action: str) -> sqlite3.Connection:
        """This thread's connection in this process, if the path still names the file it has open."""
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            if file_identity(self.path) == local.identity:
                return local.connection
            logger.warning("SQLite store file was replaced or deleted; reopening", extra={"outcome": "reopen"})
            self._drop()
        elif getattr(local, "connection", None) is not None:
            _inherited_connections.append(local.connection)
            local.__dict__.clear()
        try:
            with _opening:
                connection = open_database(self.path)
        except (sqlite3.Error, OSError) as e:
            raise PersistenceException(f"SQLite store at {self.path} could not {action}: {e}") from e
        local.connection, local.pid, local.identity = connection, os.getpid(), file_identity(self.path)
        self._checkpoints.ensure_running()
        return connection

    def _drop(self) -> None:
        """Forget this thread's connection (a later use opens a fresh one, e.g. once writable again).
        sqlite3's close() leaves the file's descriptors open while another connection holds locks."""
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and getattr(local, "pid", None) == os.getpid():
            try:
                connection.close()
            except sqlite3.Error:
                pass
        local.__dict__.clear()


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at path, None when there is none: tells a replaced file apart."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def parse_document(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as e:
        raise PersistenceException("SQLite store holds attributes that are not JSON") from e
    if not isinstance(document, dict):
        raise PersistenceException("SQLite store holds attributes that are not a JSON object")
    return document


def may_write(path: str) -> bool:
    """Whether this process may write the file (True if it does not exist yet: SQLite creates it).
    access(2) opens nothing, so no lock of this process is dropped by asking (see the module's note)."""
    return not os.path.exists(path) or os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def health_document(probe: str) -> str:
    """The probe row, as large as her record is, so it needs the room a new visit needs."""
    return json.dumps({"probe": probe, "visits": 1, "step": None, "record": new_record_id()})


def open_database(path: str) -> sqlite3.Connection:
    """Connect in autocommit mode, wait briefly for other writers, switch to WAL, create the schema.

    A file this process may not write is refused: SQLite would open it read-only, and create the
    -shm file read-only too, which would keep the store read-only after the file is writable again.
    """
    if not may_write(path):
        raise PermissionError(f"this process may not write {path}")
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Deleted rows and freed pages are overwritten with zeros, so an erase leaves no copy behind.
        connection.execute("PRAGMA secure_delete = ON")
        journal_mode = switch_to_wal(connection)
        if journal_mode != "wal":
            logger.warning("SQLite store runs in %s journal mode: its filesystem refused WAL", journal_mode)
        else:
            # In WAL mode NORMAL never corrupts the file and survives a process crash; only a power
            # cut may drop the last few commits (her step). It halves the write cost (see docs/performance.md).
            connection.execute("PRAGMA synchronous = NORMAL")
            # Checkpoints are checkpoints.py's thread's; a commit does one itself only past this backstop.
            connection.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
        connection.executescript(SCHEMA_PATH.read_text(encoding="utf-8"))
        drop_retired_columns(connection)
        add_expiry(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def drop_retired_columns(connection: sqlite3.Connection) -> None:
    """Files made by an older version kept when each record last changed; that date is not kept now."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(attributes)")}
    if "updated_at" in columns:
        try:
            connection.execute("ALTER TABLE attributes DROP COLUMN updated_at")
        except sqlite3.OperationalError:
            if "updated_at" in {row[1] for row in connection.execute("PRAGMA table_info(attributes)")}:
                raise  # not another process dropping it first


def add_expiry(connection: sqlite3.Connection) -> None:
    """Files made before records expired get the expiry column, every record a fresh KEEP_DAYS, and its index."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(attributes)")}
    if "expires_at" not in columns:
        try:
            connection.execute("ALTER TABLE attributes ADD COLUMN expires_at INTEGER")
        except sqlite3.OperationalError:
            if "expires_at" not in {row[1] for row in connection.execute("PRAGMA table_info(attributes)")}:
                raise  # not another process adding it first
        connection.execute("UPDATE attributes SET expires_at = ? WHERE expires_at IS NULL", (expiry(),))
    connection.execute("CREATE INDEX IF NOT EXISTS attributes_expiry ON attributes (expires_at)")


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
