"""The whole app over SSH, from a real client, in a real terminal.

``ssh -tt`` into a private sshd runs ``broadsheet --home`` in a detached tmux session with
``TERM=xterm-256color`` and no ``COLORTERM`` (what SSH delivers). The test drives it with
``tmux send-keys`` and checks what a person would: the three panes, the article text, the
highlight, the note, the highlights screen and the exported Markdown. It runs at 80x24, at
80x24 with ``NO_COLOR=1``, and at 120x40.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from store.annotations import HighlightStore
from store.ingest.importer import import_bundled_seeds_on_first_run
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tests.terminal import (
    Cell,
    SSHServer,
    TmuxSession,
    chromatic_cells,
    is_grey,
    requires_terminal_tools,
)

pytestmark = requires_terminal_tools

BROADSHEET = Path(sys.executable).parent / "broadsheet"
HEADLINE = "Japanese Prime Minister Sanae Takaichi held"
NOTE = "Drills matter: check the Taiwan Strait map"
STARTUP_TIMEOUT = 30.0
LINKED = Article(
    id="0123456789abcdef",
    title="Harbour Bridge Reopens After Repairs",
    body_hash="",
    source="The Coastal Ledger",
    url="https://ledger.example/2026/03/14/harbour-bridge",
    published="2026-03-14T08:00:00+00:00",
)

Row = TypeVar("Row", str, list[Cell])
Sessions = Callable[[Sequence[str], int, int], TmuxSession]


def squash(text: str) -> str:
    return " ".join(text.split())


class Panes:
    """Where the panes are, from the top border row (``╭─ All articles ─╮╭──╮╭─ Entities ─╮``)."""

    def __init__(self, screen: str) -> None:
        top = screen.split("\n")[0]
        self.starts = [index for index, char in enumerate(top) if char == "╭"]
        self.ends = [index for index, char in enumerate(top) if char == "╮"]
        self.top = top

    def columns(self, pane: int) -> tuple[int, int]:
        """The inside of a pane: up to its right corner, or to a pane drawn over its edge."""
        start = self.starts[pane]
        end = min(index for index in [*self.ends, *self.starts] if index > start)
        return start + 1, end


def region(lines: Sequence[Row], columns: tuple[int, int]) -> list[Row]:
    left, right = columns
    return [line[left:right] for line in lines]


def pane_text(screen: str, pane: int) -> str:
    panes = Panes(screen)
    rows = screen.split("\n")[1:-1]  # between the top border and the footer
    return "\n".join(region(rows, panes.columns(pane)))


def reader_cells(session: TmuxSession) -> list[list[Cell]]:
    _, rows = session.styled_screen()
    panes = Panes(session.last_screen)
    return region(rows[1 : session.height - 2], panes.columns(1))


def underlined(session: TmuxSession) -> str:
    """The reader's marked sentence (the reading cursor underlines it), as one line."""
    return squash(
        " ".join(
            "".join(cell.char for cell in row if cell.style.underline)
            for row in reader_cells(session)
        )
    )


def wait_for_new_sentence(session: TmuxSession, before: str) -> str:
    found: list[str] = []

    def moved(_: str) -> bool:
        found[:] = [underlined(session)]
        # By their openings: a notification may cover the ends of the rows, and then the
        # same sentence reads shorter, as if it were another.
        return bool(found[0]) and found[0][:20] != before[:20]

    session.wait_for(moved, what=f"the marked sentence to move on from {before!r}")
    return found[0]


def footer(screen: str) -> str:
    return screen.rstrip("\n").split("\n")[-1]


def stored_highlights(home: Path) -> list[dict[str, object]]:
    """What is on disk, read by a store of its own (snapshot and journal)."""
    with HighlightStore(DataPaths(home)) as store:
        return [highlight.to_dict() for highlight in store.all()]


def check_highlight_painted(session: TmuxSession, sentence: str, no_color: bool) -> None:
    """The highlighted sentence is bold (and, with colour, on its own background)."""
    rows = reader_cells(session)
    opening = sentence[:20]
    for row in rows:
        text = "".join(cell.char for cell in row)
        start = text.find(opening)
        if start >= 0:
            marked = row[start : start + len(opening)]
            break
    else:
        raise AssertionError(f"the highlighted sentence {opening!r} is not in the reader")
    assert all(cell.style.bold for cell in marked), f"highlight {opening!r} is not bold"
    assert not any(cell.style.underline for cell in marked), "the cursor should have moved on"
    plain = [
        cell
        for row in rows
        for cell in row
        if cell.char.isalpha() and not cell.style.bold and not cell.style.underline
    ]
    assert plain, "no unmarked body text in the reader to compare the highlight with"
    if no_color:
        # Textual draws NO_COLOR in shades of grey: no hue anywhere, and the highlight
        # still stands out by its weight.
        _, screen_cells = session.styled_screen()
        coloured = chromatic_cells(screen_cells)
        assert not coloured, f"NO_COLOR=1, yet cells are in colour: {coloured[:5]}"
    else:
        backgrounds = {cell.style.bg for cell in marked}
        assert len(backgrounds) == 1, f"highlight background is patchy: {backgrounds}"
        assert backgrounds.isdisjoint({cell.style.bg for cell in plain}), (
            "the highlight has the same background as unmarked text"
        )


def read_session(
    sshd: SSHServer,
    terminal_session: Sessions,
    home: Path,
    width: int,
    height: int,
    no_color: bool,
) -> TmuxSession:
    remote = [
        "env",
        "-u",
        "COLORTERM",
        "TERM=xterm-256color",
        *(["NO_COLOR=1"] if no_color else []),
        str(BROADSHEET),
        "--home",
        str(home),
    ]
    status_file = home.parent / "exit_status"
    with Library(DataPaths(home)) as library:
        # As on a first start, plus an unread article with a link, older than the seed.
        import_bundled_seeds_on_first_run(library)
        library.save(LINKED, "A harbour bridge reopened after six months of repairs.")
    session = terminal_session(sshd.ssh_command(remote, status_file=status_file), width, height)
    # OSC 52 reaches tmux's paste buffer (the terminal a person sits at would get it).
    session.tmux("set-option", "-g", "set-clipboard", "on")
    try:
        drive(session, home, no_color, status_file)
    except BaseException:
        print(f"Last screen ({width}x{height}, keys {session.transcript}):")
        print(session.framed())
        raise
    return session


def drive(session: TmuxSession, home: Path, no_color: bool, status_file: Path) -> None:
    wide = session.width >= 120

    # Start: the article list and the seed article in the reader.
    screen = session.wait_for(
        lambda s: "All articles" in s and HEADLINE in s,
        timeout=STARTUP_TIMEOUT,
        what="the article list and the seed article",
    )
    panes = Panes(screen)
    assert "All articles" in panes.top[: panes.ends[0]], "the left pane is not titled All articles"
    assert "Japanese Prime Minister" in pane_text(screen, 0), "the seed is not in the list"
    assert HEADLINE in pane_text(screen, 1), "the reader does not show the seed article"
    assert "Open" in footer(screen)

    # The entity sidebar: shown by itself when wide, over the reader with `s` when narrow.
    if wide:
        assert len(panes.starts) == 3, f"expected three panes at 120 columns: {panes.top!r}"
    else:
        assert "Entities" not in screen, "the sidebar should be folded away under 120 columns"
        session.send("s")
        screen = session.wait_for("Entities")
        panes = Panes(screen)
    assert "Entities" in panes.top[panes.starts[-1] :]
    sidebar = pane_text(screen, len(panes.starts) - 1)
    for entity in ("People", "Sanae Takaichi", "Donald Trump", "Places", "Taiwan"):
        assert entity in sidebar, f"{entity!r} is not in the entity sidebar"
    if not wide:
        session.send("s")
        screen = session.wait_for(lambda s: "Entities" not in s, what="the sidebar to fold")

    # Open the article: the reader takes the keys and marks the first sentence.
    session.send("Enter")
    screen = session.wait_for(lambda s: "Highlight" in footer(s), what="the reader to have focus")
    first = wait_for_new_sentence(session, "")
    assert first.startswith(HEADLINE), f"marked sentence on opening: {first!r}"
    reader = pane_text(screen, 1)
    assert "US President Donald Trump on Friday" in squash(reader)
    top_row = reader.split("\n")[0]

    # Read down a page, then on to the next sentence.
    session.send("Space")
    read_on = wait_for_new_sentence(session, first)
    if not wide:
        assert pane_text(session.screen(), 1).split("\n")[0] != top_row, "the page did not turn"
    session.send(")")
    sentence = wait_for_new_sentence(session, read_on)

    # Highlight it.
    session.send("h")
    screen = session.wait_for("Highlight saved")
    saved = stored_highlights(home)
    assert len(saved) == 1, f"expected one highlight on disk: {saved}"
    quote = str(saved[0]["exact"])
    assert squash(quote) == sentence, "the highlight is not the sentence that was marked"
    session.wait_for(lambda s: "✎1" in pane_text(s, 0), what="the list to count the highlight")

    # Add a note to it.
    session.send("a")
    screen = session.wait_for("Ctrl+S save", what="the note editor")
    assert squash(quote[:30]) in squash(screen), "the note editor does not quote the highlight"
    session.type(NOTE)
    session.wait_for(NOTE)
    session.send("C-s")
    session.wait_for("Note saved")
    saved = stored_highlights(home)
    assert len(saved) == 1 and saved[0]["note"] == NOTE, f"the note is not on disk: {saved}"

    # Move on: the highlight stays painted.
    session.send(")")
    wait_for_new_sentence(session, sentence)
    check_highlight_painted(session, quote, no_color)

    # Back to the list, then the highlights screen.
    session.send("Escape")
    session.wait_for(lambda s: "Open" in footer(s), what="the list to have focus")
    session.send("H")
    screen = session.wait_for("1 of 1 highlights")
    assert squash(quote)[:40] in squash(screen), "the highlights screen does not show the quote"
    assert f"✎ {NOTE}" in screen, "the highlights screen does not show the note"

    # Export Markdown.
    session.send("C-e")
    screen = session.wait_for("Exported 1 highlight to")
    exports = sorted((home / "exports").glob("*.md"))
    assert len(exports) == 1, f"expected one Markdown file in exports/: {exports}"
    markdown = exports[0].read_text(encoding="utf-8")
    assert f"\n> {squash(quote)}\n" in markdown, f"the quote is not a blockquote:\n{markdown}"
    after_quote = markdown.split(f"> {squash(quote)}", 1)[1]
    assert f"\n{NOTE}\n" in after_quote, f"the note is not under the quote:\n{markdown}"
    assert f"# {HEADLINE}" in markdown

    # Close the highlights screen.
    session.send("Escape")
    session.wait_for(
        lambda s: "highlights" not in s and "All articles" in s, what="the main screen again"
    )

    # The daily loop: the feeds view, an unread article read and starred, its link copied.
    session.send("Escape")
    screen = session.wait_for(lambda s: "Feeds" in s and "Unread" in s, what="the feeds view")
    assert "1/2" in pane_text(screen, 0), "All articles should count 1 unread of 2"
    session.send("j", "Enter")
    screen = session.wait_for(
        lambda s: LINKED.title[:20] in pane_text(s, 0) and HEADLINE not in pane_text(s, 0),
        what="the Unread view with only the unread article",
    )
    session.send("Enter")
    session.wait_for(lambda s: "harbour bridge reopened" in pane_text(s, 1), what="the article")
    session.send("*")
    session.wait_for("Starred")
    session.send("y")
    session.wait_for(lambda _: session.tmux("list-buffers") != "", what="a paste buffer")
    assert session.tmux("show-buffer") == LINKED.url
    with Library(DataPaths(home), writable=False) as library:
        stored = library.get(LINKED.id)
    assert stored is not None and stored.read and stored.starred

    session.send("q")
    session.wait_until_exited()
    assert status_file.exists(), "the remote shell never got back control after broadsheet"
    assert status_file.read_text().strip() == "0", "broadsheet did not exit cleanly"
    assert "All articles" not in session.last_screen, "the terminal was not given back on quitting"


@pytest.mark.parametrize(
    ("width", "height", "no_color"),
    [(80, 24, False), (80, 24, True), (120, 40, False)],
    ids=["80x24", "80x24-NO_COLOR", "120x40"],
)
def test_reading_session_over_ssh(
    sshd: SSHServer,
    terminal_session: Sessions,
    isolated_home: Path,
    width: int,
    height: int,
    no_color: bool,
) -> None:
    assert BROADSHEET.exists(), f"no broadsheet command next to {sys.executable}"
    started = time.monotonic()
    read_session(sshd, terminal_session, isolated_home, width, height, no_color)
    print(f"session {width}x{height} no_color={no_color}: {time.monotonic() - started:.1f} s")


def test_five_highlight_colours_are_five_cells_over_ssh(
    sshd: SSHServer, terminal_session: Sessions, isolated_home: Path
) -> None:
    """In the 256 colours SSH gives (COLORTERM unset), as tmux shows them: each highlight
    colour its own cell colour, none the footer's or the plain text's."""
    remote = ["env", "-u", "COLORTERM", "TERM=xterm-256color", str(BROADSHEET)]
    remote += ["--home", str(isolated_home)]
    with Library(DataPaths(isolated_home)) as library:
        import_bundled_seeds_on_first_run(library)
    # Tall enough that the five sentences show at once.
    session = terminal_session(sshd.ssh_command(remote), 80, 60)
    try:
        session.wait_for(HEADLINE, timeout=STARTUP_TIMEOUT)
        session.send("Enter")
        session.wait_for(lambda s: "Highlight" in footer(s), what="the reader to have focus")
        sentence = wait_for_new_sentence(session, "")
        for colour in range(1, 6):
            session.send(str(colour), "h")
            session.wait_for(lambda _, made=colour: len(stored_highlights(isolated_home)) == made,
                             what=f"highlight {colour} on disk")  # fmt: skip
            session.send(")")
            sentence = wait_for_new_sentence(session, sentence)
        session.send("g")  # back to the top, where the five are
        session.wait_for(lambda s: "Highlight saved" not in s, timeout=15, what="toasts gone")
        backgrounds = Counter(cell.style.bg for row in reader_cells(session) for cell in row)
        _, rows = session.styled_screen()
        footer_colours = {cell.style.bg for cell in rows[session.height - 1]}
    except BaseException:
        print(session.framed())
        raise
    # A grey is not a colour a reader can tell apart (green once came out as grey 59); the
    # reading cursor's one grey cell is not a highlight either.
    marked = {colour for colour in backgrounds if not is_grey(colour)}
    assert len(marked) == 5, f"five colours should give five cell colours: {backgrounds}"
    assert marked.isdisjoint(footer_colours), (marked, footer_colours)
