"""SQLite's write-ahead log copied into the file by a thread of each process, never inside her turn.

In WAL mode SQLite copies the log into the file (a checkpoint) inside whichever commit takes the log
past 1000 pages; under `synchronous = NORMAL` that checkpoint also syncs the log and the file. In
bench/ each took about 4 ms: one turn in a few hundred paid it, and every turn queued behind it on
the worker waited too (the slowest 1 in 1000 turns went from 0.5 ms to 3.5 ms). Here a daemon
thread checkpoints every CHECKPOINT_SECONDS instead, PASSIVE, so it never waits for or blocks a
reader or a writer, and turns only ever append. SQLite's own checkpoint stays on at BACKSTOP_PAGES,
so the log stays bounded should the thread ever fall behind.

The thread opens the file only if it exists (it never creates one, nor brings back a deleted one),
and it holds its store weakly: once nothing else uses the store, the thread ends.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable

logger = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5
# Pages (4 KB each) after which a commit checkpoints by itself: far past what the thread lets build up.
BACKSTOP_PAGES = 10_000
PASSIVE = "PRAGMA wal_checkpoint(PASSIVE)"
# Another process's thread checkpointing, or a writer holding a lock, for a moment: not a failure.
BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# fork() copies only the thread that forks: had a checkpointing thread been inside SQLite then,
# holding SQLite's own mutexes, the child would wait on them forever at its first SQLite call (seen
# in a test that forks its workers). So a fork waits for the checkpoint under way, and none starts
# until the fork is done; the thread holds this only while it is in SQLite.
_in_sqlite = threading.Lock()
os.register_at_fork(before=_in_sqlite.acquire, after_in_parent=_in_sqlite.release,
                    after_in_child=_in_sqlite.release)


class LogCheckpoints:
    """One checkpointing thread per process for the SQLite file at `path`, started on first use."""

    def __init__(self, path: str, identity: Callable[[str], object], interval: float = CHECKPOINT_SECONDS) -> None:
        self.path = path
        self.identity = identity  # the file's (device, inode): a replaced file is opened afresh
        self.interval = interval
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def ensure_running(self) -> None:
        """Start this process's thread unless it runs already (a forked worker starts its own)."""
        with self._lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=_checkpoint_loop, args=(weakref.ref(self),),
                                            name="sqlite-checkpoints", daemon=True)
            self._thread.start()


def _checkpoint_loop(owner: weakref.ReferenceType[LogCheckpoints]) -> None:
    connection: sqlite3.Connection | None = None
    opened_identity: object = None
    failing = False
    try:
        while True:
            checkpoints = owner()
            if checkpoints is None:
                return
            path, identity, interval = checkpoints.path, checkpoints.identity, checkpoints.interval
            del checkpoints  # held only while it is read, so the store can go
            time.sleep(interval)
            current = identity(path)
            if current is None:
                continue  # no file (yet, or any more): nothing to copy, and nothing is created
            with _in_sqlite:
                try:
                    if connection is None or current != opened_identity:
                        if connection is not None:
                            connection.close()
                        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None,
                                                     timeout=0, check_same_thread=False)
                        opened_identity = current
                    connection.execute(PASSIVE).fetchall()
                    cause = None
                except sqlite3.Error as error:
                    if getattr(error, "sqlite_errorcode", None) in BUSY:
                        continue  # another worker's thread, or a writer, has it now: the next tick will do
                    if connection is not None:
                        connection.close()
                    connection, cause = None, type(error).__name__
            if cause is not None and not failing:  # one line when it starts failing, not every half second
                logger.warning("could not copy the log into the file; SQLite's own checkpoint still bounds it",
                               extra={"outcome": "checkpoint failed", "cause": cause})
            failing = cause is not None
    finally:
        if connection is not None:
            with _in_sqlite:
                connection.close()
