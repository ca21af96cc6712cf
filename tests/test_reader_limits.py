"""The reader lays out a bounded amount of text, so a hostile page cannot freeze the app
(issue 13, bug 12: one word of four million characters took 12 s to open), and the offsets of
highlights into the canonical text stay right."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from store.annotations import Highlight
from store.models import Article
from tui.widgets.reader import ArticleReader
from tui.widgets.reader_document import SHOWN_CHARACTERS, ReaderDocument

ARTICLE = Article(id="huge", title="A page of one word", body_hash="h")


class ReaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleReader(id="reader")


def highlight(start: int, end: int, text: str) -> Highlight:
    now = datetime.now(UTC).isoformat()
    return Highlight(
        id=f"h{start}", article_id=ARTICLE.id, article_title=ARTICLE.title, article_url=None,
        start=start, end=end, exact=text[start:end], prefix="", suffix="", body_hash="h",
        created=now, modified=now,
    )  # fmt: skip


def test_a_huge_word_is_laid_out_only_as_far_as_the_limit() -> None:
    body = "x" * 4_000_000
    document = ReaderDocument.build(ARTICLE, body)
    assert len(document.text) < SHOWN_CHARACTERS + 500
    assert document.body_length == SHOWN_CHARACTERS
    assert document.text.endswith("o opens the article's page)")
    assert "3,800,000 more characters not shown" in document.text


def test_a_long_text_is_cut_at_a_paragraph_and_short_ones_not_at_all() -> None:
    paragraph = "A sentence of the long report. " * 40
    body = "\n\n".join([paragraph.strip()] * 400)
    document = ReaderDocument.build(ARTICLE, body)
    assert body[document.body_length : document.body_length + 2] == "\n\n"
    assert document.text[document.body_start :].startswith(body[: document.body_length])
    short = ReaderDocument.build(ARTICLE, "A short text.")
    assert short.text.endswith("A short text.") and short.body_length == len("A short text.")


async def test_highlights_keep_their_offsets_and_stay_inside_the_text_shown() -> None:
    body = "word " * 1_000_000
    app = ReaderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        reader = app.query_one(ArticleReader)
        reader.show_article(ARTICLE, body)
        # Highlights are made on the whole canonical text, not on what is shown.
        assert reader.body == body
        near, far = highlight(10, 19, body), highlight(SHOWN_CHARACTERS + 100, 4_000_000, body)
        reader.highlights = [near, far]
        await pilot.pause()
        row, column = reader.location_of(10)
        painted = reader.get_line(row)
        assert painted.plain[column : column + 9] == "word word"
        assert any(span.start <= column < span.end for span in painted.spans)
        # The line after the text says what is not shown, and carries no highlight.
        last = reader.document.line_count - 1
        assert "more characters not shown" in reader.get_line(last).plain
        assert not reader.get_line(last).spans
        # Motions end at the end of what is shown.
        await pilot.press("G")
        assert reader.cursor_offset <= reader.document_view.body_length
