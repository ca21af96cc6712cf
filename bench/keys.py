"""Benchmark: the bytes written to the terminal per keypress, at 80x24, as over SSH.

    python bench/keys.py [--articles 300] [--no-newsboat] [--dump DIR]

Runs the real app (the ``broadsheet`` entry point) in a real pseudo-terminal of 80x24 with
``TERM=xterm-256color`` and no ``COLORTERM`` (what SSH delivers), on a temporary home, waits
until the screen is idle, sends keys and counts the bytes the app writes until it is idle
again. Over a slow link those bytes are what a keypress costs. newsboat, when it is on PATH,
is measured the same way in the same run, on a feed holding the same articles.

Figures: ``list j`` (one key, the reader preview repaint included), ``list j burst`` (20 keys
at key-repeat speed, bytes per key), ``reader j`` (reading cursor one line down) and
``reader Space`` (page down). Other scripts call :func:`measure_key_bytes`.
"""

from __future__ import annotations

import argparse
import fcntl
import html
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from store.library import Library
from store.models import Article
from store.paths import DataPaths

WIDTH, HEIGHT = 80, 24
QUIET = 0.5
"""Seconds without output after which the screen counts as idle."""
KEY_REPEAT = 0.033
"""Seconds between keys in a burst: a held key at a typical 30 Hz repeat rate."""
BURST = 20
STARTUP_TIMEOUT = 20.0
BROADSHEET = Path(sys.executable).parent / "broadsheet"

WORDS = (
    "council minister harbour strike budget election summit market storm court ferry rail "
    "union report inquiry talks trade vote bridge drought"
).split()

# Targets from the issue, in bytes per key.
TARGETS = {
    "list j": 3_000.0,
    "list j burst": 1_000.0,
    "reader j": 2_000.0,
    "reader Space": 2_000.0,
}


# A program in a pseudo-terminal


class Terminal:
    """A child process whose stdin, stdout and stderr are the slave side of a new pty."""

    def __init__(self, command: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        # The size is set before the child starts so that its first frame is already 80x24.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            # A session of its own with the pty as controlling terminal, as a login shell
            # gives it; and a process group we can end as a whole.
            start_new_session=True,
            preexec_fn=_take_controlling_terminal,
        )
        os.close(slave)
        self.transcript = bytearray()

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def read_until_idle(
        self, quiet: float = QUIET, timeout: float = 10.0, *, first_output: bool = False
    ) -> bytes:
        """Everything written until nothing has come for ``quiet`` seconds (with
        ``first_output``, counted from the first bytes: a program starting up can be silent
        for longer than that while it imports)."""
        received = bytearray()
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - last >= quiet and (received or not first_output):
                break
            if now >= deadline:
                raise TimeoutError(f"still writing after {timeout:.0f} s")
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the child closed its terminal
                    break
                if not chunk:
                    break
                received += chunk
                last = time.monotonic()
        self.transcript += received
        return bytes(received)

    def check_running(self) -> None:
        """Fail loudly rather than count a crashed program's silence (or the pty's echo)."""
        if self.process.poll() is not None:
            tail = self.transcript[-4000:].decode(errors="replace")
            raise RuntimeError(f"{self.process.args!r} ended ({self.process.returncode}):\n{tail}")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        os.close(self.master)


def _take_controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@contextmanager
def terminal(command: Sequence[str], env: dict[str, str], cwd: Path) -> Iterator[Terminal]:
    term = Terminal(command, env, cwd)
    try:
        yield term
    finally:
        term.close()


def terminal_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLORTERM", "NO_COLOR", "TMUX", "TMUX_PANE", "TERM_PROGRAM")
        and not key.startswith(("TEXTUAL", "XDG_"))
    }
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(WIDTH),
        LINES=str(HEIGHT),
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        **extra,
    )
    return env


# What is measured


@dataclass(frozen=True)
class Keys:
    """How to drive one program: the bytes to open the list and an article."""

    open_list: bytes
    open_article: bytes
    down: bytes = b"j"
    page_down: bytes = b" "


def measure_session(term: Terminal, keys: Keys, dump: Path | None, name: str) -> dict[str, float]:
    """Drive a started program through the four figures; bytes per key for each."""

    def record(label: str, data: bytes) -> None:
        if dump is not None:
            (dump / f"{name}-{label.replace(' ', '_')}.bin").write_bytes(data)

    # The articles load in a worker after the first frame: idle means a second of quiet.
    term.read_until_idle(quiet=1.0, timeout=STARTUP_TIMEOUT, first_output=True)
    term.check_running()
    if keys.open_list:
        term.send(keys.open_list)
        term.read_until_idle()
    results: dict[str, float] = {}

    singles = []
    for _ in range(3):
        term.send(keys.down)
        singles.append(term.read_until_idle())
    record("list j", singles[0])
    results["list j"] = sum(map(len, singles)) / len(singles)

    burst = bytearray()
    for _ in range(BURST):
        term.send(keys.down)
        burst += term.read_until_idle(quiet=KEY_REPEAT, timeout=5.0)
    burst += term.read_until_idle()
    record("list j burst", bytes(burst))
    results["list j burst"] = len(burst) / BURST

    term.send(keys.open_article)
    term.read_until_idle()
    lines = []
    for _ in range(5):
        term.send(keys.down)
        lines.append(term.read_until_idle())
    record("reader j", lines[0])
    results["reader j"] = sum(map(len, lines)) / len(lines)

    pages = []
    for _ in range(2):
        term.send(keys.page_down)
        pages.append(term.read_until_idle())
    record("reader Space", pages[0])
    results["reader Space"] = sum(map(len, pages)) / len(pages)
    term.check_running()
    return results


def synthetic_articles(count: int) -> Iterator[tuple[Article, str]]:
    """Articles with unique bodies, long enough for a few pages in the reader."""
    rng = random.Random(11)
    for index in range(count):
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(7))
        body = "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(70)) + f" {index}." for _ in range(8)
        )
        day = 1 + index % 28
        article = Article(
            id=f"keys{index:06d}",
            title=title,
            body_hash="",
            source="Bench",
            published=f"2024-{1 + index // 28 % 12:02d}-{day:02d}T08:00:00+00:00",
        )
        yield article, body


def build_home(home: Path, count: int) -> list[tuple[Article, str]]:
    articles = list(synthetic_articles(count))
    library = Library(DataPaths(home))
    try:
        for article, body in articles:
            library.save(article, body)
        library.flush()
    finally:
        library.close()
    return articles


def write_feed(path: Path, articles: list[tuple[Article, str]]) -> None:
    items = "".join(
        f"<item><title>{html.escape(article.title)}</title>"
        f"<link>https://example.invalid/{article.id}</link><guid>{article.id}</guid>"
        f"<description>{html.escape('<p>' + body.replace(chr(10) * 2, '</p><p>') + '</p>')}"
        "</description></item>"
        for article, body in articles
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench</title><link>https://example.invalid/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def measure_broadsheet(work: Path, articles: int, dump: Path | None) -> dict[str, float]:
    home = work / "broadsheet"
    build_home(home, articles)
    env = terminal_env(work / "user", BROADSHEET_HOME=str(home))
    with terminal([str(BROADSHEET)], env, work) as term:
        return measure_session(term, Keys(open_list=b"", open_article=b"\r"), dump, "ours")


def measure_newsboat(
    work: Path, articles: list[tuple[Article, str]], dump: Path | None
) -> dict[str, float]:
    newsboat = shutil.which("newsboat")
    assert newsboat is not None
    directory = work / "newsboat"
    directory.mkdir()
    feed = directory / "feed.xml"
    write_feed(feed, articles)
    (directory / "urls").write_text(f'"exec:cat {feed}"\n')
    (directory / "config").write_text(
        "\n".join(
            [
                "confirm-exit no",
                "show-read-feeds yes",
                # The same keys as ours: j one line (or item) down, Space a page.
                "bind-key j down",
                "bind-key SPACE pagedown",
                "",
            ]
        )
    )
    command = [
        newsboat,
        "-u",
        str(directory / "urls"),
        "-c",
        str(directory / "cache.db"),
        "-C",
        str(directory / "config"),
    ]
    env = terminal_env(work / "user")
    subprocess.run(
        [*command, "-x", "reload"],
        env=env,
        cwd=directory,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    with terminal(command, env, directory) as term:
        return measure_session(term, Keys(open_list=b"\r", open_article=b"\r"), dump, "newsboat")


def measure_key_bytes(
    articles: int = 300, *, newsboat: bool = True, dump: Path | None = None
) -> dict[str, float]:
    """Bytes per key for each figure: ``"list j"`` etc. for ours, ``"newsboat: list j"`` etc.
    for newsboat (only when asked for and on PATH)."""
    with tempfile.TemporaryDirectory(prefix="broadsheet-keys-") as directory:
        work = Path(directory)
        (work / "user").mkdir()
        results = measure_broadsheet(work, articles, dump)
        if newsboat and shutil.which("newsboat"):
            theirs = measure_newsboat(work, list(synthetic_articles(articles)), dump)
            results.update({f"newsboat: {figure}": value for figure, value in theirs.items()})
    return results


def print_table(results: dict[str, float], out: Callable[[str], None] = print) -> None:
    out(f"{'figure':<14} {'ours':>8} {'newsboat':>9} {'ratio':>7} {'target':>8}  result")
    for figure, target in TARGETS.items():
        ours = results[figure]
        theirs = results.get(f"newsboat: {figure}")
        theirs_text = f"{theirs:>9,.0f}" if theirs is not None else f"{'-':>9}"
        ratio = f"{ours / theirs:>6.1f}x" if theirs else f"{'-':>7}"
        verdict = "pass" if ours <= target else "FAIL"
        out(f"{figure:<14} {ours:>8,.0f} {theirs_text} {ratio} {target:>8,.0f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--dump", type=Path, help="write each first capture to this folder")
    args = parser.parse_args()
    if args.dump is not None:
        args.dump.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = measure_key_bytes(args.articles, newsboat=not args.no_newsboat, dump=args.dump)
    print_table(results)
    print(f"\n(bytes per key; measured in {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
