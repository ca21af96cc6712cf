"""Links out: open an article's link in a browser, or hand it to the clipboard, safely.

Whether ``o`` opens or copies (:func:`has_local_display`): a browser started on this machine
is only any use when the person sits at it. So, with the environment passed in:

- any of ``SSH_CONNECTION``, ``SSH_TTY``, ``SSH_CLIENT`` set (and not empty): remote, copy —
  even with a forwarded X display (``ssh -X``): the browser would run here, drawn over SSH;
- otherwise macOS (``darwin``) and Windows (``win32``): a local display, open;
- otherwise (Linux, the BSDs): ``DISPLAY`` or ``WAYLAND_DISPLAY`` set (and not empty): open;
  neither (a text console, a container): copy.

Inside tmux the environment is the one the tmux server had when the session started; a
session started at the desk and attached over SSH later still looks local (``y`` always
copies).

Opening (:func:`opener_command`, :class:`Launcher`): the command is an argument list (the
``browser`` setting, else ``xdg-open`` / ``open`` / ``explorer``) with the link appended as one
more argument, run with no shell, never waited for, and kept off the terminal: standard
streams to ``/dev/null`` and a session of its own, so it has no controlling terminal (even a
text browser ``xdg-open`` might fall back to cannot take the screen over). Only a link that
:func:`store.urls.safe_url` returns unchanged is handed over: absolute http(s), no whitespace,
no control characters or escape sequences. It starts with ``http``, so it can never read as an
option; quotes, ``;``, ``$(…)`` and backticks are plain characters in an argument list.

Copying uses Textual's ``App.copy_to_clipboard``, which in Textual 8.2.8 writes OSC 52:
``ESC ] 52 ; c ; <base64 of the UTF-8 text> BEL``. The terminal puts it on the clipboard of the
machine the person sits at, over SSH too. Inside tmux it reaches the outer terminal only
with ``set -g set-clipboard on`` in ``~/.tmux.conf``.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from rich.cells import cell_len, get_character_cell_size

from store.urls import safe_url

SSH_VARIABLES = ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT")
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")
DESKTOP_PLATFORMS = frozenset({"darwin", "win32"})
"""Platforms whose terminals run on a desktop (``sys.platform`` names)."""

DEFAULT_OPENERS: dict[str, tuple[str, ...]] = {
    "darwin": ("open",),
    "win32": ("explorer",),
}
"""The platform's own opener, by ``sys.platform``; anything else uses ``xdg-open``."""
XDG_OPEN = ("xdg-open",)


def has_local_display(environ: Mapping[str, str], platform: str) -> bool:
    """Whether a browser started here would show where the person sits (see the module)."""
    if any(environ.get(name) for name in SSH_VARIABLES):
        return False
    if platform in DESKTOP_PLATFORMS:
        return True
    return any(environ.get(name) for name in DISPLAY_VARIABLES)


def usable_link(url: str | None) -> str | None:
    """The link, if it may leave the app as it is: what ``safe_url`` returns unchanged.

    A link ``safe_url`` had to trim or clean is refused rather than repaired: it did not come
    through ingest, which stores links already made safe.
    """
    if not url or safe_url(url) != url:
        return None
    return url


def opener_command(link: str, browser: Sequence[str] | None, platform: str) -> list[str]:
    """The argument list that opens ``link``: the browser (or the platform's opener), then
    the link as the last argument. Raises ``ValueError`` for a link :func:`usable_link`
    refuses."""
    if usable_link(link) is None:
        raise ValueError(f"not a plain http(s) link: {link!r}")
    program = list(browser) if browser else list(DEFAULT_OPENERS.get(platform, XDG_OPEN))
    return [*program, link]


class Launcher:
    """Starts programs detached from the terminal without waiting for them, and reaps those
    that have ended on the next start (a browser may run for hours; none is left a zombie)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[subprocess.Popen[bytes]] = []

    def start(self, command: Sequence[str]) -> str | None:
        """Start ``command``; None, or why it could not be started, in words."""
        program = command[0]
        try:
            process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
            )
        except FileNotFoundError:
            return f"{program} is not installed: set browser in settings.toml"
        except PermissionError:
            return f"{program} cannot be run (permission denied)"
        except OSError as problem:
            return f"cannot run {program}: {problem.strerror or problem}"
        with self._lock:
            self._running = [started for started in self._running if started.poll() is None]
            self._running.append(process)
        return None

    def wait(self, timeout: float) -> None:
        """Wait for every program started to end (for tests: a real browser may not)."""
        with self._lock:
            running = list(self._running)
        for process in running:
            process.wait(timeout)


ELLIPSIS = "…"


def shorten_link(link: str, columns: int) -> str:
    """The link in at most ``columns`` cells: whole if it fits, else scheme and host kept,
    the query dropped, and the path's middle left out so its end (the slug) shows."""
    if cell_len(link) <= columns:
        return link
    parts = urlsplit(link)
    origin = f"{parts.scheme}://{parts.netloc}"
    if cell_len(origin) + 2 > columns:
        return _keep_start(origin, columns - 1) + ELLIPSIS
    if cell_len(origin + parts.path) + 1 <= columns:
        return origin + parts.path + ELLIPSIS
    tail = _keep_end(parts.path, columns - cell_len(origin) - 2)
    return f"{origin}/{ELLIPSIS}{_from_a_boundary(parts.path, tail)}"


def _from_a_boundary(path: str, tail: str) -> str:
    """``tail`` (the end of ``path``) from where a segment or word starts: "/…/slug" and
    "…month-repair" read better than "…nth-repair"."""
    if path[: len(path) - len(tail)].endswith(("/", "-", "_", ".")):
        return tail
    slash = tail.find("/")
    if slash >= 0:
        return tail[slash:]
    word = re.search(r"[-_.]", tail)
    return tail[word.end() :] if word and word.end() < len(tail) else tail


def _keep_start(text: str, cells: int) -> str:
    kept, used = [], 0
    for character in text:
        used += get_character_cell_size(character)
        if used > cells:
            break
        kept.append(character)
    return "".join(kept)


def _keep_end(text: str, cells: int) -> str:
    return _keep_start(text[::-1], cells)[::-1]
