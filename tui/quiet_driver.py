"""Textual's Linux driver, with an input thread that sleeps until there is something to do.

Textual's input thread wakes ten times a second to see whether it should stop and whether a
lone Escape has waited long enough to be a key. Over SSH an idle reader should cost nothing,
so this one sleeps until a key arrives, until a pending Escape is due, or until the app stops
(a pipe written when ``exit_event`` is set wakes it).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import Any

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

FALLBACK_TICK_SECONDS = 0.1
"""How often to look for a due Escape where the parser does not say when one is due."""

_INPUT = "input"
_WAKE = "wake"


class _WakingEvent(threading.Event):
    """An event that, when set, also writes to a pipe, so a thread waiting in ``select`` on
    the pipe wakes at once."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):
            os.write(self._wake_fd, b"x")


class QuietLinuxDriver(LinuxDriver):
    """A :class:`LinuxDriver` whose input thread does not wake while nothing happens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self.exit_event = _WakingEvent(self._wake_write)

    def run_input_thread(self) -> None:
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        selector = selectors.DefaultSelector()
        selector.register(self.fileno, selectors.EVENT_READ, _INPUT)
        selector.register(self._wake_read, selectors.EVENT_READ, _WAKE)
        try:
            while not self.exit_event.is_set():
                for key, _mask in selector.select(_seconds_until_due(parser)):
                    if key.data == _WAKE:
                        self._drain_wake_pipe()
                        continue
                    data = os.read(self.fileno, 4096)
                    if not data:  # the terminal is gone: nothing more will come
                        selector.unregister(self.fileno)
                        continue
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass

    def _drain_wake_pipe(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_read, 64):
                pass

    def close(self) -> None:
        super().close()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _seconds_until_due(parser: XTermParser) -> float | None:
    """How long the parser can wait for more input: for ever, unless it holds the start of a
    sequence (a lone Escape) that becomes a key if nothing follows."""
    if not hasattr(parser, "_timeout_time"):  # another Textual: look as often as it does
        return FALLBACK_TICK_SECONDS
    due: float | None = parser._timeout_time
    if due is None:
        return None
    return max(0.0, due - get_time())
