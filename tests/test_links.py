"""Links out: `o` opens or copies, `y` copies; hostile links never reach a shell or an option.

The opener is tested by the command it builds and by running a harmless real program as the
"browser" (a script that writes down its argv); the copy by the bytes the app writes to its
terminal, compared byte for byte; the whole over a real SSH session in tmux, whose paste
buffer receives the OSC 52.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot
from textual.widgets import OptionList

from store.annotations import HighlightStore
from store.ingest.importer import import_seeds
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.structure import Block, Link, TextStructure
from tests.conftest import SEED_DATA
from tests.pilot import settle
from tests.terminal import SSHServer, TmuxSession, requires_terminal_tools
from tests.test_blocks import MARKDOWN_SEED
from tui.app import BroadsheetApp
from tui.links import (
    Launcher,
    has_local_display,
    opener_command,
    shorten_link,
    usable_link,
)
from tui.screens.links import LinksScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import ArticleReader
from tui.widgets.reader_document import LINK_COLUMNS, ReaderDocument

LINK = (
    "https://ledger.example/news/2026/03/14/harbour-bridge-reopens-after-six-month-repair"
    "?utm_source=rss&id=7"
)
LINK_OSC52 = (
    b"\x1b]52;c;"
    b"aHR0cHM6Ly9sZWRnZXIuZXhhbXBsZS9uZXdzLzIwMjYvMDMvMTQvaGFyYm91ci1icmlkZ2UtcmVvcGVucy1hZnRl"
    b"ci1zaXgtbW9udGgtcmVwYWlyP3V0bV9zb3VyY2U9cnNzJmlkPTc="
    b"\x07"
)
"""What Textual 8.2.8's ``copy_to_clipboard`` writes for LINK: OSC 52 (ESC ] 52 ; c ;), the
base64 of the link's UTF-8 bytes, and BEL as the terminator."""
LINK_SHOWN = "https://ledger.example/…six-month-repair"

# Links that are plain http(s) yet hold what a shell or an option parser would act on: each
# must reach the browser as one argument, exactly as written.
HOSTILE_BUT_USABLE = [
    "https://evil.example/;rm${IFS}-rf${IFS}~",
    "https://evil.example/$(touch${IFS}PWNED)",
    "https://evil.example/`touch${IFS}PWNED`",
    "https://evil.example/\"double\"'single'",
    "https://evil.example/?a=1&b=2|tee${IFS}PWNED>PWNED",
    "https://evil.example/-x/--help",
    "https://evil.example/[bold]not[/bold]markup",
]
# Links that must never be handed to an opener at all.
REFUSED = [
    "-x",
    "--new-window=https://evil.example/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "ftp://evil.example/file",
    "//evil.example/no-scheme",
    "https://evil.example/two words",
    "https://evil.example/line\nnext",
    "https://evil.example/tab\there",
    " https://evil.example/padded",
    "https://evil.example/\x1b]52;c;cm0gLXJmIH4=\x07",
    "https://evil.example/\x1b[2J",
    "https://evil.example/\u202eexe.txt",
    "https://evil.example/nul\x00",
    "",
]

FAKE_BROWSER = """\
import json, os, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps({
        "argv": sys.argv[2:],
        "terminal": [os.isatty(fd) for fd in (0, 1, 2)],
        "own_session": os.getsid(0) == os.getpid(),
    }) + "\\n")
"""


@pytest.fixture
def fake_browser(tmp_path: Path) -> tuple[list[str], Path]:
    """A "browser" (a Python script) that appends its arguments to a file, one line a run."""
    script, record = tmp_path / "fake_browser.py", tmp_path / "browser_runs.jsonl"
    script.write_text(FAKE_BROWSER, encoding="utf-8")
    return [sys.executable, "-I", str(script), str(record)], record


def runs(record: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


# Deciding: open here, or copy


@pytest.mark.parametrize(
    ("environ", "platform", "local"),
    [
        ({"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "DISPLAY": ":0"}, "linux", False),
        ({"SSH_TTY": "/dev/pts/3", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"SSH_CLIENT": "10.0.0.2 50000 22"}, "darwin", False),
        ({"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}, "win32", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "freebsd14", True),
        ({}, "linux", False),
        ({"DISPLAY": "", "WAYLAND_DISPLAY": ""}, "linux", False),
        ({"SSH_CONNECTION": "", "DISPLAY": ":0"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_a_local_display_means_no_ssh_and_a_display(
    environ: Mapping[str, str], platform: str, local: bool
) -> None:
    assert has_local_display(environ, platform) is local


# The command


def test_the_platform_opener_gets_the_link_as_its_one_argument() -> None:
    assert opener_command(LINK, None, "linux") == ["xdg-open", LINK]
    assert opener_command(LINK, None, "freebsd14") == ["xdg-open", LINK]
    assert opener_command(LINK, None, "darwin") == ["open", LINK]
    assert opener_command(LINK, None, "win32") == ["explorer", LINK]
    browser = ("firefox", "--new-tab")
    assert opener_command(LINK, browser, "linux") == ["firefox", "--new-tab", LINK]


@pytest.mark.parametrize("link", HOSTILE_BUT_USABLE)
def test_a_hostile_http_link_is_one_last_argument(link: str) -> None:
    command = opener_command(link, ("firefox", "--new-tab"), "linux")
    assert command == ["firefox", "--new-tab", link]
    assert command[-1].startswith("https://")  # never read as an option


@pytest.mark.parametrize("link", REFUSED)
def test_links_that_are_not_plain_http_are_refused(link: str) -> None:
    assert usable_link(link) is None
    with pytest.raises(ValueError, match="not a plain http"):
        opener_command(link, None, "linux")


def test_the_browser_gets_its_argv_intact_with_no_shell_and_no_terminal(
    tmp_path: Path, fake_browser: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    browser, record = fake_browser
    monkeypatch.chdir(tmp_path)  # where a shell would have made PWNED
    launcher = Launcher()
    for link in HOSTILE_BUT_USABLE:
        assert launcher.start(opener_command(link, browser, "linux")) is None
    launcher.wait(timeout=30)
    received = sorted(json.dumps(run["argv"]) for run in runs(record))
    assert received == sorted(json.dumps([link]) for link in HOSTILE_BUT_USABLE)
    assert all(run["terminal"] == [False, False, False] for run in runs(record))
    assert all(run["own_session"] for run in runs(record))
    assert not list(tmp_path.rglob("PWNED"))


def test_a_missing_opener_is_said_plainly(tmp_path: Path) -> None:
    problem = Launcher().start([str(tmp_path / "no-such-browser"), LINK])
    assert (
        problem == f"{tmp_path / 'no-such-browser'} is not installed: set browser in settings.toml"
    )


# Shown in the reader's header


def test_a_long_link_keeps_its_scheme_host_and_slug() -> None:
    assert shorten_link(LINK, LINK_COLUMNS) == LINK_SHOWN
    assert shorten_link("https://ledger.example/harbour", 45) == "https://ledger.example/harbour"
    assert shorten_link("https://ledger.example/a/b?utm=1234567890", 30) == (
        "https://ledger.example/a/b…"
    )
    long_host = "https://" + "a" * 60 + ".example/x"
    assert shorten_link(long_host, 45) == "https://" + "a" * 36 + "…"
    wide = "https://例え.jp/" + "記事" * 30
    shown = shorten_link(wide, 45)
    assert shown.startswith("https://例え.jp/…記事") and cell_len(shown) == 45


def article(url: str | None, **fields: str) -> Article:
    return Article(
        id="a1",
        title="Harbour Bridge Reopens",
        body_hash="",
        source="The Coastal Ledger",
        url=url,
        published="2026-03-14T08:30:00+00:00",
        **fields,  # type: ignore[arg-type]  # only str fields are passed
    )


def test_the_header_shows_the_link_and_the_body_offsets_hold() -> None:
    body = "The bridge reopened.\n\nTraffic flowed."
    with_link = ReaderDocument.build(article(LINK, standfirst="Six months on."), body)
    lines = with_link.text.split("\n")
    assert lines[with_link.meta_row] == "The Coastal Ledger · 2026-03-14"
    assert lines[with_link.link_row] == LINK_SHOWN
    assert with_link.link_row == with_link.meta_row + 1
    # The body follows unchanged: offsets into it are canonical offsets.
    assert with_link.text[with_link.body_start :] == body
    assert with_link.location_of(with_link.body_start) == (with_link.link_row + 2, 0)
    # An article without a link has the header it always had.
    without = ReaderDocument.build(article(None), body)
    assert without.link_row == -1
    assert without.text == "Harbour Bridge Reopens\n\nThe Coastal Ledger · 2026-03-14\n\n" + body


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/\x1b[2Jx", ""])
def test_a_link_that_would_not_open_is_not_shown(url: str) -> None:
    document = ReaderDocument.build(article(url), "Body.")
    assert document.link_row == -1
    assert "evil" not in document.text and "javascript" not in document.text


# In the app: `o` and `y` from the list and the reader


DISPLAY_HERE = {"DISPLAY": ":0"}
OVER_SSH = {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "DISPLAY": "localhost:10.0"}


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app writes to its terminal outside its frames (a headless driver is given no
    frames): the clipboard's escape sequences, and Textual's pointer shape (OSC 22) when a
    screen starts, which the fixtures below clear once the app has settled."""
    writes: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda _driver, data: writes.append(data))
    return writes


def terminal_bytes(writes: list[str]) -> bytes:
    # What reaches the wire; OSC 52 is ASCII (base64), whatever the terminal's encoding.
    return "".join(writes).encode("utf-8")


@pytest.fixture
def linked_library(library: Library) -> Library:
    """Three articles, newest first: one with a long link, one without, one hostile."""
    for index, (url, title) in enumerate(
        [
            (LINK, "Harbour Bridge Reopens"),
            (None, "A Letter With No Link"),
            (HOSTILE_BUT_USABLE[-1], "A Link Full Of Markup"),
        ]
    ):
        body = " ".join(f"Sentence {n} of article {index}." for n in range(30))
        library.save(
            Article(
                id=f"link{index}",
                title=title,
                body_hash="",
                source="The Coastal Ledger",
                url=url,
                published=f"2026-03-{14 - index:02d}T08:30:00+00:00",
            ),
            body,
        )
    library.flush()
    return library


Running = tuple[Pilot[None], BroadsheetApp]


@asynccontextmanager
async def running_app(library: Library, environ: Mapping[str, str]) -> AsyncIterator[Running]:
    """The app at 80x24, told its environment (so the machine running the tests does not
    decide between opening and copying)."""
    app = BroadsheetApp(library, HighlightStore(library.paths), environ=environ)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield pilot, app


@pytest.fixture
async def over_ssh(written: list[str], linked_library: Library) -> AsyncIterator[Running]:
    async with running_app(linked_library, OVER_SSH) as running:
        written.clear()
        yield running


@pytest.fixture
async def at_the_desk(written: list[str], linked_library: Library) -> AsyncIterator[Running]:
    async with running_app(linked_library, DISPLAY_HERE) as running:
        written.clear()
        yield running


def footer(screen: str) -> str:
    return screen.rstrip("\n").split("\n")[-1]


def messages(app: BroadsheetApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_the_reader_header_shows_the_link_on_one_row_at_80x24(
    over_ssh: Running,
) -> None:
    _, app = over_ssh
    reader = app.screen.query_one(ArticleReader)
    view = reader.document_view
    assert view.article is not None and view.article.url == LINK
    assert reader.document[view.link_row] == LINK_SHOWN
    assert reader.wrapped_document.get_sections(view.link_row) == [LINK_SHOWN]
    rows = [reader.render_line(y).text for y in range(reader.size.height)]
    assert any(row.strip() == LINK_SHOWN for row in rows)
    assert reader.text[view.body_start :] == reader.body


async def test_y_in_the_list_writes_osc52_byte_for_byte(
    written: list[str], over_ssh: Running
) -> None:
    pilot, app = over_ssh
    assert app.focused is app.screen.query_one(ArticleList)
    await pilot.press("y")
    await pilot.pause()
    assert terminal_bytes(written) == LINK_OSC52
    assert base64.b64decode(LINK_OSC52[7:-1]).decode() == LINK
    assert app.clipboard == LINK
    assert messages(app)[-1] == "Link copied to the clipboard (OSC 52)"


async def test_o_over_ssh_copies_instead_of_opening(written: list[str], over_ssh: Running) -> None:
    pilot, app = over_ssh
    await pilot.press("enter")
    await settle(pilot)
    assert app.focused is app.screen.query_one(ArticleReader)
    await pilot.press("o")
    await settle(pilot)
    assert terminal_bytes(written) == LINK_OSC52
    assert messages(app)[-1] == "Link copied to the clipboard (OSC 52)"
    # Titled, so the user knows why no browser opened.
    assert list(app._notifications)[-1].title == "No local browser"


async def test_o_with_nothing_to_say_there_is_a_display_copies(
    written: list[str], linked_library: Library
) -> None:
    async with running_app(linked_library, {}) as (pilot, app):
        written.clear()
        await pilot.press("o")
        await settle(pilot)
        assert terminal_bytes(written) == LINK_OSC52
        assert messages(app)[-1] == "Link copied to the clipboard (OSC 52)"


async def test_y_in_the_reader_copies_a_non_ascii_link_as_utf8(
    written: list[str], library: Library
) -> None:
    library.save(
        Article(id="cafe", title="Café", body_hash="", url="https://ledger.example/café"),
        "A body.",
    )
    library.flush()
    async with running_app(library, DISPLAY_HERE) as (pilot, app):
        app.screen.query_one(ArticleReader).focus()
        written.clear()
        await pilot.press("y")
        await pilot.pause()
        assert terminal_bytes(written) == b"\x1b]52;c;aHR0cHM6Ly9sZWRnZXIuZXhhbXBsZS9jYWbDqQ==\x07"


async def test_o_at_the_desk_runs_the_browser_from_settings(
    written: list[str], at_the_desk: Running, fake_browser: tuple[list[str], Path]
) -> None:
    pilot, app = at_the_desk
    browser, record = fake_browser
    app.library.paths.settings_file.write_text(
        f"browser = {json.dumps(browser)}\n", encoding="utf-8"
    )
    await pilot.press("o")  # from the list: the article under the cursor
    await settle(pilot)
    app.launcher.wait(timeout=30)
    await pilot.press("j", "j", "enter")  # then the hostile one, from the reader
    await settle(pilot)
    assert app.focused is app.screen.query_one(ArticleReader)
    await pilot.press("o")
    await settle(pilot)
    app.launcher.wait(timeout=30)
    assert [run["argv"] for run in runs(record)] == [[LINK], [HOSTILE_BUT_USABLE[-1]]]
    assert messages(app)[-2:] == ["Opened in the browser", "Opened in the browser"]
    assert written == []  # the browser never touched the terminal, nor did a copy


async def test_the_hostile_link_shows_as_text_not_markup(
    at_the_desk: Running,
) -> None:
    pilot, app = at_the_desk
    await pilot.press("j", "j")
    await settle(pilot)
    reader = app.screen.query_one(ArticleReader)
    rows = [reader.render_line(y).text for y in range(reader.size.height)]
    assert HOSTILE_BUT_USABLE[-1] in [row.strip() for row in rows]


async def test_o_at_the_desk_without_the_browser_says_so(
    at_the_desk: Running, tmp_path: Path
) -> None:
    pilot, app = at_the_desk
    missing = tmp_path / "nowhere" / "firefox"
    app.library.paths.settings_file.write_text(f'browser = ["{missing}"]\n', encoding="utf-8")
    await pilot.press("o")
    await settle(pilot)
    assert messages(app)[-1] == f"{missing} is not installed: set browser in settings.toml"


async def test_a_broken_browser_setting_names_the_file(
    at_the_desk: Running,
) -> None:
    pilot, app = at_the_desk
    app.library.paths.settings_file.write_text('browser = "firefox %s"\n', encoding="utf-8")
    await pilot.press("o")
    await settle(pilot)
    assert "settings.toml: browser must be a list" in messages(app)[-1]


@pytest.mark.parametrize("key", ["o", "y"])
async def test_an_article_without_a_link_says_so(
    written: list[str], over_ssh: Running, key: str
) -> None:
    pilot, app = over_ssh
    await pilot.press("j", "enter")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert messages(app)[-1] == "This article has no link"
    assert written == []


def test_o_and_y_are_in_help_for_the_list_and_the_reader(linked_library: Library) -> None:
    app = BroadsheetApp(linked_library, HighlightStore(linked_library.paths))
    sections = dict(app.help_sections())
    for place in ("Article list", "Reader"):
        keys = {
            binding.id: binding.key
            for binding in sections[place]
            if isinstance(binding, Binding) and binding.id in ("links.open", "links.copy")
        }
        assert keys == {"links.open": "o", "links.copy": "y"}


# The links view (L in the reader): newsboat's URL view


@pytest.fixture
def articles_with_links(library: Library) -> Library:
    """The Markdown seed (its own link, then two in its text), and an older article whose link
    text and address are full of markup."""
    import_seeds(library, [MARKDOWN_SEED])
    body = "Read [b]this[/b] and [link=x]that[/link] now."
    label = body.index("[b]this[/b]"), body.index(" and")
    library.save(
        Article(id="markup", title="[bold]Markup[/bold]", body_hash="", url=None,
                published="2020-01-01T00:00:00+00:00"),
        body,
        structure=TextStructure(
            (Block("paragraph", 0, len(body)),), (Link(*label, HOSTILE_BUT_USABLE[-1]),)
        ),
    )  # fmt: skip
    library.flush()
    return library


SEED_LINKS = [
    "https://campus.example/news/library-hours",
    "https://library.example/hours",
    "https://union.example/",
]


def listed(app: BroadsheetApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, LinksScreen)
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_links_view_lists_numbered_links_and_opens_and_copies_them(
    written: list[str], articles_with_links: Library, fake_browser: tuple[list[str], Path]
) -> None:
    browser, record = fake_browser
    articles_with_links.paths.settings_file.write_text(
        f"browser = {json.dumps(browser)}\n", encoding="utf-8"
    )
    async with running_app(articles_with_links, DISPLAY_HERE) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert listed(app) == [
            f"1  This article\n   {SEED_LINKS[0]}",
            f"2  library website\n   {SEED_LINKS[1]}",
            f"3  the union\n   {SEED_LINKS[2]}",
        ]
        written.clear()
        await pilot.press("j", "enter")  # opens the second, as o does
        await settle(pilot)
        app.launcher.wait(timeout=30)
        await pilot.press("j", "y")  # copies the third
        await pilot.pause()
        assert [run["argv"] for run in runs(record)] == [[SEED_LINKS[1]]]
        assert app.clipboard == SEED_LINKS[2]
        assert terminal_bytes(written).startswith(b"\x1b]52;c;")
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleReader)


async def test_the_links_view_copies_over_ssh(
    written: list[str], articles_with_links: Library
) -> None:
    async with running_app(articles_with_links, OVER_SSH) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L", "j", "o")
        await settle(pilot)
        assert app.clipboard == SEED_LINKS[1]
        assert messages(app)[-1] == "Link copied to the clipboard (OSC 52)"


async def test_the_links_view_shows_hostile_text_as_text(
    articles_with_links: Library,
) -> None:
    async with running_app(articles_with_links, OVER_SSH) as (pilot, app):
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert listed(app) == [f"1  [b]this[/b]\n   {HOSTILE_BUT_USABLE[-1]}"]
        shown = app.screen.query_one(OptionList).render_lines(
            app.screen.query_one(OptionList).region.reset_offset
        )
        screen_text = "\n".join(strip.text for strip in shown)
        assert "[b]this[/b]" in screen_text and "[bold]not[/bold]markup" in screen_text


def test_the_links_view_key_is_in_help(linked_library: Library) -> None:
    app = BroadsheetApp(linked_library, HighlightStore(linked_library.paths))
    reader = dict(app.help_sections())["Reader"]
    assert {b.id: b.key for b in reader if isinstance(b, Binding)}["reader.links"] == "L"


# Over a real SSH session, in tmux


Sessions = Callable[[Sequence[str], int, int], TmuxSession]


@requires_terminal_tools
def test_over_ssh_in_tmux_o_and_y_reach_the_paste_buffer(
    sshd: SSHServer, terminal_session: Sessions, isolated_home: Path
) -> None:
    with Library(DataPaths(isolated_home)) as home:
        import_seeds(home, [SEED_DATA / "front_matter.md"])
    link = "https://ledger.example/harbour-bridge"
    broadsheet = Path(sys.executable).parent / "broadsheet"
    remote = ["env", "-u", "COLORTERM", "TERM=xterm-256color", str(broadsheet)]
    remote += ["--home", str(isolated_home)]
    session = terminal_session(sshd.ssh_command(remote), 80, 24)
    # What the README asks of tmux users: without it tmux drops OSC 52.
    session.tmux("set-option", "-g", "set-clipboard", "on")
    try:
        session.wait_for(link, timeout=30, what="the link in the reader's header")
        session.send("o")  # sshd set SSH_CONNECTION: copy, not open
        session.wait_for("Link copied to the clipboard")
        assert session.tmux("show-buffer") == link
        session.tmux("delete-buffer")
        session.send("Enter")
        session.wait_for(lambda screen: "Highlight" in footer(screen), what="the reader focused")
        session.send("y")
        session.wait_for(lambda _: session.tmux("list-buffers") != "", what="a paste buffer")
        assert session.tmux("show-buffer") == link
        session.send("q")
        session.wait_until_exited()
    except BaseException:
        print(session.framed())
        raise


async def test_a_highlight_under_the_link_row_keeps_its_canonical_offsets(
    written: list[str], at_the_desk: Running
) -> None:
    pilot, app = at_the_desk
    await pilot.press("enter", ")", "h")  # the second sentence of the linked article
    await settle(pilot)
    reader = app.screen.query_one(ArticleReader)
    assert reader.document_view.link_row >= 0
    [made] = app.highlights.all()
    stored = app.library.get("link0")
    assert stored is not None
    body = app.library.body(stored)
    assert (made.start, made.end) == (body.index("Sentence 1"), body.index(" Sentence 2"))
    assert made.exact == "Sentence 1 of article 0."
