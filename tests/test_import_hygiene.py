"""The store is headless: importing all of it never loads Textual."""

from __future__ import annotations

from tests.conftest import REPO_ROOT, run_python


def test_store_never_imports_textual() -> None:
    modules = sorted(
        ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (REPO_ROOT / "store").rglob("*.py")
        if "bundled_seeds" not in path.parts
    )
    assert "store.library" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = run_python(script)
    assert result.stdout.strip() == ""


def test_a_refresh_of_well_formed_feeds_never_loads_feedparser_or_readability() -> None:
    # They are the careful fallbacks (malformed feeds, odd dates, full-text pages): ~80
    # modules a cold start would otherwise read from disk before its first request.
    script = (
        "import sys\n"
        "from store.ingest.refresh import refresh_feeds\n"
        "from store.ingest.feeds import parse_feed\n"
        'doc = (b\'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>\'\n'
        "       b'<item><title>Fish &amp; chips</title><link>https://example.org/a</link>'\n"
        "       b'<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>'\n"
        "       b'<description>&lt;p&gt;Body&lt;/p&gt;</description></item></channel></rss>')\n"
        "parsed = parse_feed(doc, 'https://example.org/feed')\n"
        "assert parsed.parser == 'fast', parsed.parser\n"
        "assert parsed.entries[0].published and parsed.entries[0].title == 'Fish & chips'\n"
        "print(','.join(m for m in ('feedparser', 'readability') if m in sys.modules))\n"
    )
    result = run_python(script)
    assert result.stdout.strip() == ""


def test_threads_that_first_need_feedparser_at_once_all_get_it() -> None:
    # Its modules import each other; imported lazily by two threads at once, unguarded, one
    # saw a half-made module (an ImportError that failed that feed).
    script = (
        "import threading\n"
        "from store.ingest.feeds import parse_feed\n"
        "malformed = open('tests/web/data/malformed.xml', 'rb').read()\n"
        "html_title = (b'<rss version=\"2.0\"><channel><title>T</title><item>'\n"
        "              b'<title>&lt;b&gt;Bold&lt;/b&gt;</title></item></channel></rss>')\n"
        "odd_date = (b'<rss version=\"2.0\"><channel><title>T</title><item><title>A</title>'\n"
        "            b'<pubDate>2026-11</pubDate></item></channel></rss>')\n"
        "documents = [malformed, html_title, odd_date] * 4\n"
        "start, errors = threading.Barrier(len(documents)), []\n"
        "def parse(document):\n"
        "    start.wait()\n"
        "    try:\n"
        "        parse_feed(document, 'https://example.org/')\n"
        "    except Exception as problem:\n"
        "        errors.append(repr(problem))\n"
        "threads = [threading.Thread(target=parse, args=(d,)) for d in documents]\n"
        "for thread in threads: thread.start()\n"
        "for thread in threads: thread.join()\n"
        "print(errors)\n"
    )
    for _ in range(3):  # each run a fresh process, importing feedparser for the first time
        result = run_python(script)
        assert result.stdout.strip() == "[]"
