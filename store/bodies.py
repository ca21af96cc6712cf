"""Article bodies on disk: one file per canonical text, named by the text's sha256.

A body file is written once, straight to its final name (creating it exclusively), and never
changed. Because the name is the hash of the content, every read can check itself: a file cut
short by a crash mid-write fails the check and reads as missing, and the next save of that
text sees its wrong size and writes it again. This costs a hash per read (microseconds)
instead of a rename per write, which on this kind of disk is most of the cost of storing an
article.
"""

from __future__ import annotations

import os
from pathlib import Path

from store.paths import DataPaths
from store.text import content_hash


class BodyStore:
    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths

    def write(self, body: str) -> str:
        """Store ``body`` (if it is not stored already) and return its hash."""
        body_hash = content_hash(body)
        data = body.encode("utf-8")
        path = self.paths.body_file(body_hash)
        try:
            if path.stat().st_size == len(data):
                return body_hash
            path.unlink()  # cut short by a crash: write it again
        except FileNotFoundError:
            pass
        self._create(path, data)
        return body_hash

    def read(self, body_hash: str) -> str | None:
        """The body with this hash, or None if it is missing or damaged."""
        path = self.paths.body_file(body_hash)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None
        text = data.decode("utf-8", errors="replace")
        # Not deleted here: it may be a write still under way in another thread. The next save
        # of this text sees the wrong size and writes it again.
        return text if content_hash(text) == body_hash else None

    @staticmethod
    def _create(path: Path, data: bytes) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            try:
                descriptor = os.open(path, flags, 0o644)
            except FileNotFoundError:
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, flags, 0o644)
        except FileExistsError:
            return  # another thread is writing the same text
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
