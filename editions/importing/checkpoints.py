"""SQLite's checkpoints during an import, in a thread of their own.

In WAL mode a commit appends its pages to the WAL; a checkpoint copies them into the
database and waits for the disk twice. Left to SQLite, the commit that finds the WAL
long enough does it, and the import waits: a year of archives spent a tenth of its
time there. SQLite lets any other connection checkpoint instead (``PASSIVE``: never
in a writer's or a reader's way), so while an import runs a thread does it on a
connection of its own, and the import's commits only append. The copies are the
same, made while the import parses its next files; what is left when the run ends is
copied by the first commit after it, as before.
"""

from __future__ import annotations

import sqlite3
import threading

#: How often the thread copies what was committed since (seconds).
INTERVAL = 0.5


class Checkpointer(threading.Thread):
    """Checkpoint the WAL of the database file ``path`` until :meth:`stop`."""

    def __init__(self, path: str, interval: float = INTERVAL) -> None:
        super().__init__(name="import-checkpoints", daemon=True)
        self.path = path
        self.interval = interval
        self._stopping = threading.Event()
        #: Passes that found frames to copy, and the last one's (WAL frames, copied).
        self.done = 0
        self.last: tuple[int, int] = (0, 0)

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        except sqlite3.Error:
            return  # the commits' own checkpoints, once restored, do the work
        try:
            while not self._stopping.wait(self.interval):
                try:
                    busy, frames, copied = connection.execute(
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).fetchone()
                except sqlite3.Error:
                    continue  # locked for a moment (another checkpoint): next time
                if not busy and frames > 0:
                    self.done += 1
                    self.last = (frames, copied)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.join()
