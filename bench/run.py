"""Every performance figure Broadsheet has a target for, beside newsboat's, in one table.

    python bench/run.py [--sizes 1000,4000,50000] [--quick] [--code DIR] [--no-newsboat]

For each library size N a home is built from the synthetic corpus (bench/corpus.py: unique
~600-word bodies, precomputed entity summaries, min(N, 30,000) highlights) and newsboat's cache
is filled with the same articles (N/500 feeds of 500 items). Then, per size: first paint, RSS
and idle CPU of the real app in an 80x24 tmux pane (and of newsboat), 100 open / mark-read /
highlight cycles sent as keys, durable store calls, the next article in the reader (Pilot),
and ``list --json`` / ``list --entity``. Once per run: command-line startup, the refresh of
200 feeds x 20 items served locally with 100 ms latency (``broadsheet refresh`` and the app's
threads-only refresh, against ``newsboat -x reload`` with 32 threads), and bytes per key when
bench/keys.py is there.

``--code DIR`` measures another tree of Broadsheet (a git worktree of an older commit, say):
every measured process runs with ``PYTHONPATH=DIR``, and the app is ``python -m tui.cli``
from there. Nothing outside a temporary directory is written, every child process is stopped
by its id, and nothing is fetched except from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import corpus
import feed_farm
from tmux_pane import CLOCK_TICKS, TmuxPane, cpu_seconds, rss_mb, wait_until_quiet

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
NEWSBOAT = shutil.which("newsboat")


@dataclass(frozen=True)
class Settings:
    code: Path
    sizes: tuple[int, ...]
    cycles: int = 100
    cycle_budget: float = 120.0
    """Seconds the cycles may take; a slow tree stops early and says how many it did."""
    idle_seconds: float = 10.0
    store_repeats: int = 20
    cli_repeats: int = 7
    list_repeats: int = 3
    refresh_repeats: int = 3
    max_highlights: int = 30_000
    refresh_feeds: int = 200
    refresh_entries: int = 20
    refresh_latency: float = 0.1
    refresh_hosts: int = 50
    refresh_words: int = 120
    key_articles: int = 300
    newsboat: bool = True
    bytecode: bool = True
    quick: bool = False


@dataclass
class Row:
    figure: str
    size: str
    ours: str
    newsboat: str = "-"
    target: str = "-"
    result: str = "-"
    group: str = ""
    """Rows of one group are printed together, smallest N first, so growth shows."""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        figure: str,
        size: int | None,
        ours: float | None,
        unit_format: str,
        *,
        newsboat: float | None = None,
        target: str = "-",
        passes: Callable[[float], bool] | None = None,
        group: str | None = None,
    ) -> None:
        def shown(value: float | None) -> str:
            return "n/a" if value is None else format(value, unit_format)

        if ours is None:
            result = "n/a"
        elif passes is None:
            result = "-"
        else:
            result = "pass" if passes(ours) else "FAIL"
        self.rows.append(
            Row(
                figure,
                f"{size:,}" if size else "",
                shown(ours),
                shown(newsboat) if newsboat is not None else "-",
                target,
                result,
                group or figure,
            )
        )

    def grouped(self) -> list[Row]:
        order = {row.group: index for index, row in reversed(list(enumerate(self.rows)))}
        return sorted(
            self.rows,
            key=lambda row: (order[row.group], int(row.size.replace(",", "") or 0)),
        )

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", file=sys.stderr, flush=True)


def at_most(limit: float | None) -> Callable[[float], bool] | None:
    return None if limit is None else (lambda value: value <= limit)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# Child processes


class Environment:
    """Where the run keeps its files, and the environment every measured process gets."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.work = work
        self.user = work / "user"
        for part in ("data", "config", "cache", "state"):
            (self.user / part).mkdir(parents=True, exist_ok=True)
        self.can_drop_caches = drop_caches()
        self.load_at_start = load_average()

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("TMUX", "TMUX_PANE", "COLORTERM", "NO_COLOR", "BROADSHEET_HOME")
            and not key.startswith(("TEXTUAL", "XDG_", "PYTHON"))
        }
        env.update(
            PYTHONPATH=str(self.settings.code),
            PYTHONUNBUFFERED="1",
            HOME=str(self.user),
            XDG_DATA_HOME=str(self.user / "data"),
            XDG_CONFIG_HOME=str(self.user / "config"),
            XDG_CACHE_HOME=str(self.user / "cache"),
            XDG_STATE_HOME=str(self.user / "state"),
        )
        if self.settings.bytecode:
            # Bytecode as an installed wheel has it, kept in the run's own directory.
            env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.update(extra)
        return env

    def broadsheet(self, *arguments: str) -> list[str]:
        return [sys.executable, "-m", "tui.cli", *arguments]

    def cold(self) -> None:
        if self.can_drop_caches:
            drop_caches()


def drop_caches() -> bool:
    """Empty the page cache (root only), so the next start reads its files from disk."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


@contextmanager
def child(
    command: Sequence[str], env: dict[str, str], cwd: Path, **options: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A child in its own process group, killed (by its group id) if it outlives the block."""
    process = subprocess.Popen(list(command), env=env, cwd=cwd, start_new_session=True, **options)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_child(
    command: Sequence[str], env: dict[str, str], cwd: Path, timeout: float, log_path: Path
) -> tuple[int, float, float]:
    """Run to the end; (exit code, wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (
        log_path.open("ab") as log_file,
        child(command, env, cwd, stdout=log_file, stderr=log_file) as process,
    ):
        started = time.perf_counter()
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, wall, cpu


def probe(environment: Environment, name: str, timeout: float, **arguments: Any) -> dict[str, Any]:
    """Run one of bench/probes.py in the code tree under test; its result."""
    log_path = environment.work / f"probe-{name}.log"
    command = [sys.executable, str(BENCH / "probes.py"), name, json.dumps(arguments)]
    with (
        log_path.open("wb") as log_file,
        child(
            command, environment.env(), BENCH, stdout=subprocess.PIPE, stderr=log_file
        ) as process,
    ):
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RuntimeError(f"probe {name} took over {timeout:.0f} s") from None
    for line in reversed(output.decode().splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
            return result
    tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
    raise RuntimeError(f"probe {name} failed: {' | '.join(tail)}")


def attempt(report: Report, what: str, function: Callable[[], Any]) -> Any:
    """``function()``, or None with a note saying why it could not be measured."""
    try:
        return function()
    except Exception as problem:
        report.note(f"{what}: not measured: {type(problem).__name__}: {problem}")
        return None


# The command line


def median_run(
    environment: Environment, command: list[str], repeats: int, cwd: Path, name: str
) -> float:
    walls = []
    for _ in range(repeats):
        code, wall, _ = run_child(
            command, environment.env(), cwd, 120, environment.work / f"{name}.log"
        )
        if code != 0:
            raise RuntimeError(f"{' '.join(command[2:])} exited {code}")
        walls.append(wall)
    return statistics.median(walls)


def measure_startup(environment: Environment, report: Report) -> None:
    settings = environment.settings
    code = settings.code
    # A first run writes the bytecode (when it is kept) and warms the page cache.
    run_child(
        environment.broadsheet("--help"),
        environment.env(),
        code,
        120,
        environment.work / "warm.log",
    )
    helped = attempt(
        report,
        "--help",
        lambda: median_run(
            environment, environment.broadsheet("--help"), settings.cli_repeats, code, "help"
        ),
    )
    report.add(
        f"broadsheet --help (ms, median of {settings.cli_repeats})",
        None,
        helped * 1000 if helped is not None else None,
        ".0f",
        target="<= 150 ms",
        passes=lambda ms: ms <= 150,
    )

    def empty_list() -> float:
        walls = []
        for number in range(settings.cli_repeats + 1):
            home = environment.work / f"empty-{number}"
            home.mkdir()
            command = environment.broadsheet("--home", str(home), "list")
            status, wall, _ = run_child(
                command, environment.env(), code, 120, environment.work / "list-empty.log"
            )
            if status != 0:
                raise RuntimeError(f"list exited {status}")
            if number:  # the first one warms up
                walls.append(wall)
        return statistics.median(walls)

    listed = attempt(report, "list on an empty home", empty_list)
    report.add(
        f"broadsheet list, empty home (ms, median of {settings.cli_repeats})",
        None,
        listed * 1000 if listed is not None else None,
        ".0f",
        target="<= 250 ms",
        passes=lambda ms: ms <= 250,
    )


def count_listed(output: bytes) -> int:
    """Articles in ``list --json`` output: a JSON array, or else one JSON object a line."""
    try:
        return len(json.loads(output))
    except ValueError:
        return sum(1 for line in output.splitlines() if line.strip())


def measure_listing(environment: Environment, report: Report, size: int, home: Path) -> None:
    settings = environment.settings
    code = settings.code

    def timed_list(*arguments: str, expect: int | None = None) -> float:
        command = environment.broadsheet("--home", str(home), "list", *arguments)
        walls = []
        for _ in range(settings.list_repeats):
            with child(command, environment.env(), code, stdout=subprocess.PIPE) as process:
                started = time.perf_counter()
                output, _ = process.communicate(timeout=120)
                walls.append(time.perf_counter() - started)
            if process.returncode != 0:
                raise RuntimeError(f"list {' '.join(arguments)} exited {process.returncode}")
            if expect is not None:
                got = count_listed(output)
                if got != expect:
                    report.note(
                        f"list {' '.join(arguments)} at {size:,}: {got} articles, expected {expect}"
                    )
        return statistics.median(walls)

    as_json = attempt(report, f"list --json at {size:,}", lambda: timed_list("--json"))
    report.add(
        f"list --json (s, median of {settings.list_repeats})",
        size,
        as_json,
        ".2f",
        target="<= 1.5 s",
        passes=lambda s: s <= 1.5,
    )
    hits = corpus.star_count(size)
    entity = attempt(
        report,
        f"list --entity at {size:,}",
        lambda: timed_list("--json", "--entity", corpus.STAR_ENTITY, expect=hits),
    )
    report.add(
        f"list --json --entity X, X in {hits:,} (s, median of {settings.list_repeats})",
        size,
        entity,
        ".2f",
        target="<= 0.5 s",
        passes=lambda s: s <= 0.5,
        group="list --entity",
    )


# The app and newsboat in a terminal


@dataclass
class TerminalFigures:
    paint: float | None = None
    rss_paint: float | None = None
    idle_percent: float | None = None
    rss_warm: float | None = None
    rss_end: float | None = None
    cycles_seconds: float | None = None
    cycles_done: int = 0
    settled: bool = True


Step = tuple[str, float, bool]
"""A key, the seconds to wait after sending it, and whether to wait for the program to go
quiet (no CPU for 50 ms; at most 3 s) before the next key."""


def drive(
    pane: TmuxPane, pid: int, cycle: Sequence[Step], cycles: int, deadline: float = math.inf
) -> int:
    """Send ``cycles`` rounds of ``cycle`` (fewer if ``deadline`` passes); how many were sent."""
    for done in range(cycles):
        if time.perf_counter() > deadline:
            return done
        for key, pause, settle in cycle:
            pane.send(key)
            time.sleep(pause)
            if settle:
                wait_until_quiet(pid, quiet=0.05, timeout=3.0)
    return cycles


def in_terminal(
    environment: Environment,
    name: str,
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    painted: Callable[[str], bool],
    prelude: Sequence[Step],
    cycle: Sequence[Step],
    quit_keys: Sequence[str],
    paint_timeout: float,
) -> TerminalFigures:
    settings = environment.settings
    figures = TerminalFigures()
    environment.cold()
    with TmuxPane(environment.work, name) as pane:
        pane.start(command, env, cwd)
        pid = pane.pid
        assert pid is not None
        figures.paint = pane.wait_for(painted, paint_timeout)
        if figures.paint is None:
            raise RuntimeError(f"no first paint within {paint_timeout:.0f} s: {pane.screen()!r}")
        wait_until_quiet(pid, timeout=30)
        figures.rss_paint = rss_mb(pid)
        before = cpu_seconds(pid)
        time.sleep(settings.idle_seconds)
        after = cpu_seconds(pid)
        if before is not None and after is not None:
            figures.idle_percent = (after - before) / settings.idle_seconds * 100
        drive(pane, pid, prelude, 1)
        warm_up = min(10, settings.cycles // 2)
        started = time.perf_counter()
        figures.cycles_done = drive(pane, pid, cycle, warm_up)
        wait_until_quiet(pid, timeout=60)
        figures.rss_warm = rss_mb(pid)
        deadline = started + settings.cycle_budget
        figures.cycles_done += drive(pane, pid, cycle, settings.cycles - warm_up, deadline)
        figures.settled, _ = wait_until_quiet(pid, timeout=90)
        figures.cycles_seconds = time.perf_counter() - started
        figures.rss_end = rss_mb(pid)
        if not pane.close(quit_keys, timeout=60):
            log(f"{name} did not quit within 60 s; killed")
    return figures


def measure_terminals(
    environment: Environment,
    report: Report,
    size: int,
    home: Path,
    newsboat_dir: Path | None,
) -> tuple[TerminalFigures | None, TerminalFigures | None]:
    first_title = corpus.article(0).title
    ours = attempt(
        report,
        f"the app in tmux at {size:,}",
        lambda: in_terminal(
            environment,
            "ours",
            environment.broadsheet(),
            environment.env(BROADSHEET_HOME=str(home)),
            environment.settings.code,
            lambda screen: first_title[:16] in screen,
            prelude=(),
            # Each key is handled before the next is sent, as a reader's pace allows; and
            # a key within Textual's ESCDELAY (100 ms) of Escape would read as Alt+key.
            cycle=(
                ("j", 0.03, False),
                ("Enter", 0.0, True),
                ("h", 0.0, True),
                ("Escape", 0.12, True),
            ),
            quit_keys=("Escape", "q"),
            paint_timeout=120,
        ),
    )
    theirs = None
    if newsboat_dir is not None:
        assert NEWSBOAT is not None
        theirs = attempt(
            report,
            f"newsboat in tmux at {size:,}",
            lambda: in_terminal(
                environment,
                "newsboat",
                newsboat_command(newsboat_dir),
                environment.env(HOME=str(newsboat_dir)),
                newsboat_dir,
                lambda screen: "Your feeds" in screen and "Bench Wire feed" in screen,
                prelude=(("Enter", 0.0, True),),
                cycle=(("Enter", 0.0, True), ("q", 0.0, True), ("Down", 0.03, False)),
                quit_keys=("q", "q", "q"),
                paint_timeout=300,
            ),
        )
    return ours, theirs


def newsboat_command(directory: Path, *extra: str) -> list[str]:
    assert NEWSBOAT is not None
    return [
        NEWSBOAT, "-C", str(directory / "config"), "-u", str(directory / "urls"),
        "-c", str(directory / "cache.db"), *extra,
    ]  # fmt: skip


def newsboat_home(directory: Path, urls: Sequence[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config").write_text("reload-threads 32\n")
    (directory / "urls").write_text("".join(f'"{url}"\n' for url in urls))
    return directory


def fill_newsboat(environment: Environment, feeds: Path, directory: Path) -> float:
    """newsboat's cache, reloaded once from the corpus feeds (``exec:cat`` urls)."""
    urls = [f"exec:cat {path}" for path in sorted(feeds.glob("*.xml"))]
    newsboat_home(directory, urls)
    code, wall, _ = run_child(
        newsboat_command(directory, "-x", "reload"),
        environment.env(HOME=str(directory)),
        directory,
        600,
        environment.work / "newsboat-fill.log",
    )
    if code != 0:
        raise RuntimeError(f"newsboat -x reload exited {code}")
    return wall


# One library size


def measure_size(environment: Environment, report: Report, size: int) -> None:
    settings = environment.settings
    work = environment.work / f"size-{size}"
    home = work / "home"
    feeds = work / "feeds"
    feeds.mkdir(parents=True)
    highlights = min(size, settings.max_highlights)
    log(f"{size:,}: building the home ({highlights:,} highlights) and newsboat's feeds")
    built = probe(
        environment,
        "build",
        900,
        home=str(home),
        size=size,
        highlights=highlights,
        newsboat_dir=str(feeds) if settings.newsboat else None,
    )
    highlights = built["highlights"]
    report.note(
        f"{size:,}: home built in {built['articles_seconds']:.1f} s "
        f"(+ {built['highlights_seconds']:.1f} s for {highlights:,} highlights)"
    )
    newsboat_dir = None
    if settings.newsboat:
        log(f"{size:,}: filling newsboat's cache")
        filled = attempt(
            report, f"newsboat cache at {size:,}",
            lambda: fill_newsboat(environment, feeds, work / "newsboat"),
        )  # fmt: skip
        if filled is not None:
            newsboat_dir = work / "newsboat"
        shutil.rmtree(feeds)

    # First, while no article has been opened: the first open of an article is what a reader
    # moving on meets, and the cycles below open articles 1 to 100.
    log(f"{size:,}: next article in the reader (Pilot)")
    reader = attempt(
        report,
        f"next article at {size:,}",
        lambda: probe(
            environment, "next_article", 900, home=str(home), repeats=settings.store_repeats
        ),
    )
    report.add(
        f"next article in the reader (ms, median of {settings.store_repeats}, Pilot 80x24)",
        size,
        reader["next_article_ms"] if reader else None,
        ".1f",
        target="<= 30 ms",
        passes=lambda ms: ms <= 30,
    )

    log(f"{size:,}: first paint, RSS, idle CPU and {settings.cycles} cycles in tmux")
    ours, theirs = measure_terminals(environment, report, size, home, newsboat_dir)
    add_terminal_rows(report, size, ours, theirs, settings)

    log(f"{size:,}: durable store calls")
    stored = attempt(
        report,
        f"store calls at {size:,}",
        lambda: probe(environment, "durable", 900, home=str(home), repeats=settings.store_repeats),
    )
    add_store_rows(report, size, stored, highlights, settings)

    log(f"{size:,}: list --json and list --entity")
    measure_listing(environment, report, size, home)
    log(f"{size:,}: an entity's page")
    page = attempt(
        report,
        f"entity page at {size:,}",
        lambda: probe(environment, "entity_page", 600, home=str(home), repeats=25),
    )
    if page:
        report.note(f"{size:,}: the entity page's entity is named in {page['named_in']:,} articles")
    report.add(
        "entity page, an entity in 4% of articles (ms, median of 25)",
        size,
        page["entity_page_ms"] if page else None,
        ".1f",
        target="<= 100 ms (issue 16)",
        passes=lambda ms: ms <= 100,
    )
    shutil.rmtree(work)


def add_terminal_rows(
    report: Report,
    size: int,
    ours: TerminalFigures | None,
    theirs: TerminalFigures | None,
    settings: Settings,
) -> None:
    mine = ours or TerminalFigures()
    other = theirs or TerminalFigures()
    report.add(
        "first paint in tmux 80x24 (s, cold)",
        size,
        mine.paint,
        ".2f",
        newsboat=other.paint,
        target="<= 1.0 s",
        passes=lambda s: s <= 1.0,
    )
    report.add(
        "RSS after paint (MB)",
        size,
        mine.rss_paint,
        ".0f",
        newsboat=other.rss_paint,
        target="<= 150 MB",
        passes=lambda mb: mb <= 150,
    )
    done = mine.cycles_done if ours is not None else settings.cycles
    report.add(
        f"RSS after {done} cycles (MB)",
        size,
        mine.rss_end,
        ".0f",
        newsboat=other.rss_end,
        target="<= 150 MB",
        passes=lambda mb: mb <= 150,
        group="RSS after cycles",
    )
    warm = min(10, settings.cycles // 2)
    growth = (
        mine.rss_end - mine.rss_warm
        if mine.rss_end is not None and mine.rss_warm is not None
        else None
    )
    their_growth = (
        other.rss_end - other.rss_warm
        if other.rss_end is not None and other.rss_warm is not None
        else None
    )
    report.add(
        f"RSS growth, cycle {warm} to {done} (MB)",
        size,
        growth,
        "+.1f",
        newsboat=their_growth,
        target="none (<= 2 MB)",
        passes=lambda mb: mb <= 2,
        group="RSS growth",
    )
    report.add(
        f"idle CPU, {settings.idle_seconds:g} s after paint (%)",
        size,
        mine.idle_percent,
        ".2f",
        newsboat=other.idle_percent,
        # /proc counts CPU in clock ticks: one tick in the window is 100 / (ticks x seconds) %.
        target=f"0 (1 tick = {100 / (CLOCK_TICKS * settings.idle_seconds):.2f} %)",
        passes=lambda percent: percent == 0,
    )
    for name, figures in (("ours", ours), ("newsboat", theirs)):
        if figures is None or figures.cycles_seconds is None:
            continue
        busy = "" if figures.settled else "; still busy 90 s after the last key"
        short = (
            f" (ONLY {figures.cycles_done} of {settings.cycles}: "
            f"{settings.cycle_budget:.0f} s budget)"
            if figures.cycles_done < settings.cycles
            else ""
        )
        report.note(
            f"{size:,}: {name}: the cycles took {figures.cycles_seconds:.1f} s to send and "
            f"settle{short}{busy}"
        )


def add_store_rows(
    report: Report,
    size: int,
    stored: dict[str, Any] | None,
    highlights: int,
    settings: Settings,
) -> None:
    result = stored or {}
    repeats = result.get("samples", settings.store_repeats)
    how = f", {result['api']}" if "api" in result else ""
    for key, label in (("mark_read_ms", "mark read"), ("star_ms", "star"), ("unread_ms", "unread")):
        report.add(
            f"{label}: durable (ms, median of {repeats}{how})",
            size,
            result.get(key),
            ".2f",
            target="<= 20 ms",
            passes=lambda ms: ms <= 20,
            group=label,
        )
    existing = result.get("highlights_before", highlights)
    report.add(
        f"highlight save: durable, {existing:,} existing (ms, median of {settings.store_repeats})",
        size,
        result.get("highlight_add_ms"),
        ".2f",
        target="<= 10 ms",
        passes=lambda ms: ms <= 10,
        group="highlight save",
    )
    report.add(
        "highlight reads, one article (µs, median)",
        size,
        result.get("highlight_read_us"),
        ".1f",
        target="memory: <= 100 µs",
        passes=lambda us: us <= 100,
    )
    if stored:
        cycled_read = result.get("read_before", 0)
        cycled_highlights = existing - highlights
        report.note(
            f"{size:,}: after Pilot's {settings.store_repeats + 1} opens and the "
            f"cycles the store held {cycled_read} read articles and "
            f"{cycled_highlights} new highlights"
        )


# Refresh


def measure_refresh(environment: Environment, report: Report) -> None:
    settings = environment.settings
    code = settings.code
    farm = feed_farm.FeedFarm(
        settings.refresh_feeds,
        settings.refresh_entries,
        settings.refresh_latency,
        settings.refresh_hosts,
        settings.refresh_words,
    )
    cli: list[tuple[float, float]] = []
    app: list[tuple[float, float]] = []
    afterwards: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    log_path = environment.work / "refresh.log"
    with farm:
        subscriptions = environment.work / "feeds.opml"
        subscriptions.write_text(feed_farm.opml(farm.urls))

        def followed_home(name: str) -> Path:
            home = environment.work / name
            command = environment.broadsheet("--home", str(home), "import", str(subscriptions))
            status, _, _ = run_child(command, environment.env(), code, 120, log_path)
            if status != 0:
                raise RuntimeError(f"import of the feed list exited {status}")
            return home

        def cli_refresh(run: int) -> None:
            home = followed_home(f"refresh-cli-{run}")
            environment.cold()
            command = environment.broadsheet("--home", str(home), "refresh")
            status, wall, cpu = run_child(command, environment.env(), code, 300, log_path)
            if status != 0:
                raise RuntimeError(f"broadsheet refresh exited {status}")
            cli.append((wall, cpu))
            # A refresh leaves the new articles' entities to be made by the first reader
            # of entities: its cost belongs beside the refresh's, not out of sight.
            command = environment.broadsheet("--home", str(home), "list", "--json", "--unread")
            status, wall, cpu = run_child(command, environment.env(), code, 300, log_path)
            if status != 0:
                raise RuntimeError(f"broadsheet list --json after a refresh exited {status}")
            afterwards.append((wall, cpu))

        def app_refresh(run: int) -> None:
            home = followed_home(f"refresh-app-{run}")
            environment.cold()
            result = probe(environment, "refresh_threads", 300, home=str(home))
            if result["failed"]:
                report.note(f"app-style refresh: {result['failed']} feeds failed")
            app.append((result["wall_s"], result["cpu_s"]))

        def newsboat_refresh(run: int) -> None:
            directory = newsboat_home(environment.work / f"refresh-newsboat-{run}", farm.urls)
            environment.cold()
            status, wall, cpu = run_child(
                newsboat_command(directory, "-x", "reload"),
                environment.env(HOME=str(directory)),
                directory,
                300,
                log_path,
            )
            if status != 0:
                raise RuntimeError(f"newsboat -x reload exited {status}")
            theirs.append((wall, cpu))

        for run in range(settings.refresh_repeats):
            log(f"refresh, round {run + 1} of {settings.refresh_repeats}")
            attempt(report, "broadsheet refresh", partial(cli_refresh, run))
            attempt(report, "app-style refresh", partial(app_refresh, run))
            if settings.newsboat:
                attempt(report, "newsboat -x reload", partial(newsboat_refresh, run))

    def median(samples: list[tuple[float, float]], part: int) -> float | None:
        return statistics.median(s[part] for s in samples) if samples else None

    their_wall, their_cpu = median(theirs, 0), median(theirs, 1)
    shape = (
        f"{settings.refresh_feeds}x{settings.refresh_entries}, "
        f"{settings.refresh_latency * 1000:g} ms, {settings.refresh_hosts} origins"
    )
    for label, samples in (("broadsheet refresh (CLI)", cli), ("app-style (threads)", app)):
        wall, cpu = median(samples, 0), median(samples, 1)
        wall_limit = 0.6 * their_wall if their_wall else None
        cpu_limit = 1.5 * their_cpu if their_cpu else None
        report.add(
            f"refresh {shape}, {label} wall (s, cold, median of {len(samples)})",
            None,
            wall,
            ".2f",
            newsboat=their_wall,
            target=f"<= 0.6 x newsboat = {wall_limit:.2f} s" if wall_limit else "0.6 x newsboat",
            passes=at_most(wall_limit),
        )
        report.add(
            f"refresh {label} CPU (s, user+sys{', process tree' if 'CLI' in label else ''})",
            None,
            cpu,
            ".2f",
            newsboat=their_cpu,
            target=f"<= 1.5 x newsboat = {cpu_limit:.2f} s" if cpu_limit else "1.5 x newsboat",
            passes=at_most(cpu_limit),
        )
    report.add(
        "after the CLI refresh: first list --json, making the new articles' entities "
        f"(s wall / CPU, median of {len(afterwards)})",
        None,
        median(afterwards, 0),
        ".2f",
        target=f"CPU {median(afterwards, 1):.2f} s" if afterwards else "-",
    )


# Bytes per key


def measure_keys(environment: Environment, report: Report) -> None:
    settings = environment.settings
    if not (BENCH / "keys.py").exists():
        report.add("bytes per key (bench/keys.py)", None, None, ".0f")
        report.note("bench/keys.py is not there: bytes per key n/a")
        return
    result = attempt(
        report,
        "bytes per key",
        lambda: probe(environment, "key_bytes", 600, articles=settings.key_articles),
    )
    if not result or "error" in result:
        if result:
            report.note(f"bytes per key: {result['error']}")
        report.add("bytes per key (bench/keys.py)", None, None, ".0f")
        return
    figures: dict[str, float] = result["figures"]
    targets: dict[str, float] = result["targets"]
    for figure in ("list j", "reader j", "reader Space", "list j burst"):
        if figure not in figures:
            continue
        target = targets.get(figure)
        report.add(
            f"bytes per {figure} at 80x24 ({settings.key_articles} articles)",
            None,
            figures[figure],
            ",.0f",
            newsboat=figures.get(f"newsboat: {figure}"),
            target=f"<= {target:,.0f} B" if target else "-",
            passes=at_most(target),
        )


# The table


def print_table(
    report: Report, settings: Settings, environment: Environment, seconds: float
) -> None:
    headers = Row("figure", "N", "ours", "newsboat", "target", "result")
    rows = [headers, *report.rows]
    widths = [
        max(len(getattr(row, name)) for row in rows)
        for name in ("figure", "size", "ours", "newsboat", "target", "result")
    ]

    def line(row: Row) -> str:
        return (
            f"{row.figure:<{widths[0]}}  {row.size:>{widths[1]}}  {row.ours:>{widths[2]}}  "
            f"{row.newsboat:>{widths[3]}}  {row.target:<{widths[4]}}  {row.result}"
        )

    print(describe_run(settings, environment))
    print()
    print(line(headers))
    print("  ".join("-" * width for width in widths))
    previous = ""
    for row in report.grouped():
        same = row.figure == previous
        previous = row.figure
        if same:
            row = Row("", row.size, row.ours, row.newsboat, row.target, row.result)
        print(line(row))
    passed = sum(row.result == "pass" for row in report.rows)
    failed = sum(row.result == "FAIL" for row in report.rows)
    print(
        f"\n{passed} pass, {failed} fail, {len(report.rows) - passed - failed} without a verdict;"
        f" measured in {seconds / 60:.1f} min"
    )
    if report.notes:
        print("\nnotes:")
        for note in report.notes:
            print(f"- {note}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def describe_run(settings: Settings, environment: Environment) -> str:
    revision = subprocess.run(
        ["git", "-C", str(settings.code), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    cold = (
        "page cache dropped before each"
        if environment.can_drop_caches
        else ("WARM: could not drop the page cache (not root?), so 'cold' means warm here")
    )
    bytecode = "with bytecode" if settings.bytecode else "without bytecode"
    newsboat = "newsboat 2.21" if settings.newsboat else "newsboat not measured"
    return (
        f"Broadsheet at {settings.code} ({revision or 'not a git tree'}); "
        f"{os.cpu_count()} cores; Python {platform.python_version()} {bytecode}; {newsboat}.\n"
        f"Cold figures (first paint, refresh): {cold}. "
        f"Terminal figures: tmux 80x24, app process RSS and CPU from /proc.\n"
        f"Load average (1, 5, 15 min) at the start: {environment.load_at_start}; "
        f"at the end: {load_average()} (other work on the machine skews every figure)."
    )


def parse_arguments(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="library sizes, comma-separated (default 1000,4000,50000)")
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer repeats")
    parser.add_argument(
        "--code", type=Path, default=REPO, help="the Broadsheet tree to measure (default: this)"
    )
    parser.add_argument("--no-newsboat", action="store_true", help="skip newsboat's figures")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="start Python without cached bytecode, as this machine's environment does",
    )
    args = parser.parse_args(argv)
    code = args.code.resolve()
    if not (code / "tui" / "cli").is_dir():
        parser.error(f"{code} is not a Broadsheet tree (no tui/cli)")
    default_sizes = "300,1000" if args.quick else "1000,4000,50000"
    sizes = tuple(int(part.replace("_", "")) for part in (args.sizes or default_sizes).split(","))
    newsboat = not args.no_newsboat and NEWSBOAT is not None
    if args.quick:
        return Settings(
            code=code, sizes=sizes, cycles=20, idle_seconds=3.0, store_repeats=10,
            cli_repeats=3, list_repeats=1, refresh_repeats=1, max_highlights=3_000,
            key_articles=100, newsboat=newsboat, bytecode=not args.no_bytecode, quick=True,
        )  # fmt: skip
    return Settings(code=code, sizes=sizes, newsboat=newsboat, bytecode=not args.no_bytecode)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_arguments(argv)
    sys.path.insert(0, str(settings.code))
    if shutil.which("tmux") is None:
        print("run.py: tmux is needed", file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="broadsheet-run-") as directory:
        environment = Environment(settings, Path(directory))
        log(f"measuring {settings.code} at sizes {', '.join(f'{s:,}' for s in settings.sizes)}")
        log("command-line startup")
        measure_startup(environment, report)
        for size in settings.sizes:
            attempt(report, f"size {size:,}", partial(measure_size, environment, report, size))
        log("refresh")
        measure_refresh(environment, report)
        log("bytes per key")
        measure_keys(environment, report)
    print_table(report, settings, environment, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
