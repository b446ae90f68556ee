"""The command line's own pieces: a problem told in one line, and a progress bar."""

from __future__ import annotations

from typing import TextIO


class Failure(Exception):
    """A problem the user can fix, told in one line (no traceback) with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class ProgressBar:
    """A one-line bar redrawn in place on stderr: `[#######.......] 12/30`."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream, self._width = stream, width

    def __call__(self, done: int, total: int) -> None:
        filled = self._width * done // max(total, 1)
        self._stream.write(f"\r[{'#' * filled}{'.' * (self._width - filled)}] {done}/{total}")
        if done >= total:
            self._stream.write("\n")
        self._stream.flush()
