"""extract_article: readability for the body, page metadata for what it loses, scraps dropped."""

from __future__ import annotations

import pytest

from store.ingest.full_text import fetch_full_text
from store.ingest.http import FetchPolicy
from store.ingest.pages import PageExtractError, decode_page, extract_article
from store.ingest.subscriptions import SubscribeError, add_article
from store.library import Library, SaveOutcome
from store.models import Article
from tests.web.plugin import data_file
from tests.web.server import WebServer

URL = "https://harbour.example/news/sea-wall"


def test_article_page_gives_headline_byline_date_and_clean_paragraphs():
    page = extract_article(data_file("article.html"), URL)
    assert page.headline == "Council approves new sea wall"
    assert page.byline == "Ines Calder"
    assert page.published == "2024-03-06T06:45:00+00:00"
    assert page.site_name == "The Harbour Gazette"
    assert page.paragraphs[0].startswith("The harbour council voted on Tuesday evening")
    assert page.paragraphs[-1].startswith("The council will publish detailed drawings")
    assert len(page.paragraphs) == 5
    for scrap in ("Advertisement", "Story continues below", "Most read", "Home", "©"):
        assert scrap not in page.text
    assert "<" not in page.text and "\n\n" in page.text


def test_headline_and_byline_from_the_page_body_when_there_is_no_metadata():
    sentence = "Sentence number {} of the story, long enough to count. "
    body = "".join(f"<p>{sentence.format(n) * 3}</p>" for n in range(5))
    html = (
        "<html><head><title>Site | A headline</title></head><body>"
        "<h1>The real headline</h1><p class='byline'>By Jo Marsh</p>"
        f"<div class='article-content'>{body}<p>ADVERTISEMENT</p></div>"
        "<time datetime='2024-01-02T03:04:05Z'>2 Jan</time></body></html>"
    )
    page = extract_article(html, URL)
    assert page.headline == "The real headline"
    assert page.byline == "Jo Marsh"
    assert page.published == "2024-01-02T03:04:05+00:00"
    assert "ADVERTISEMENT" not in page.text and len(page.paragraphs) == 5
    assert page.site_name == "harbour.example"


def test_linked_data_is_preferred_for_metadata():
    html = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
        '"headline": "From JSON-LD", "author": [{"name": "A. One"}, {"name": "B. Two"}],'
        '"datePublished": "2023-05-06T07:08:09+02:00"}]}</script></head><body><article>'
        + "<p>Words in a paragraph that is long enough to be article text here.</p>" * 4
        + "</article></body></html>"
    )
    page = extract_article(html, URL)
    assert (page.headline, page.byline, page.published) == (
        "From JSON-LD",
        "A. One, B. Two",
        "2023-05-06T05:08:09+00:00",
    )


def test_control_characters_in_pages_are_stripped():
    html = "<html><body><article><p>Evil \x1b[31mred\x1b[0m text \u202e reversed. " * 3
    page = extract_article(html + "</p></article></body></html>", URL)
    assert "\x1b" not in page.text and "\u202e" not in page.text


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_a_page_with_no_text_is_an_error(html: str):
    with pytest.raises(PageExtractError):
        extract_article(html, URL)


def test_decoding_follows_bom_then_http_then_meta_then_utf8():
    text = "<p>Café déjà</p>"
    assert decode_page(text.encode("cp1252"), "text/html; charset=windows-1252") == text
    meta = '<meta charset="iso-8859-1">' + text
    assert decode_page(meta.encode("latin-1")) == meta
    assert decode_page(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_page(text.encode("cp1252")) == text  # not UTF-8: the cp1252 fallback


# Pages as servers send them (tests/web): XHTML with an XML declaration saves; what is not a
# page (a PDF, whatever its label; application/octet-stream) is refused in words.


def test_xhtml_with_an_encoding_declaration_is_saved(
    library: Library, web_server: WebServer, test_policy: FetchPolicy
):
    article, outcome = add_article(library, web_server.url("/xhtml-article"), policy=test_policy)
    assert outcome is SaveOutcome.NEW
    assert article.title == "Ferry timetable changes for winter"
    assert article.author == "Noémie Quist"
    body = library.body(article)
    assert body.startswith("The island ferry will run four crossings a day")
    assert "the café on the quay" in body and "<?xml" not in body


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/pdf", "not a web page: the server sent application/pdf"),
        ("/pdf-as-html", "not a web page: the response is a PDF"),
        ("/static/garbage.bin", "not a web page: the server sent application/octet-stream"),
    ],
)
def test_what_is_not_a_page_is_refused_and_nothing_is_saved(
    library: Library, web_server: WebServer, test_policy: FetchPolicy, path: str, reason: str
):
    before = len(library)
    with pytest.raises(SubscribeError, match=reason):
        add_article(library, web_server.url(path), policy=test_policy)
    assert len(library) == before


def test_full_text_of_a_pdf_fails_for_that_article_only(
    library: Library, web_server: WebServer, test_policy: FetchPolicy
):
    text = "The feed's own summary of the story, which stays when the page cannot be read."
    pdf, _ = library.save(_linked_article("pdf", web_server.url("/pdf")), text)
    page, _ = library.save(_linked_article("page", web_server.url("/xhtml-article")), text)
    report = fetch_full_text(library, [pdf, page], policy=test_policy)
    assert [(a.id, reason) for a, reason in report.failures] == [
        ("pdf", "not a web page: the server sent application/pdf")
    ]
    assert [a.id for a in report.updated] == ["page"]
    assert library.body(pdf) == text


def _linked_article(article_id: str, url: str) -> Article:
    return Article(id=article_id, title=article_id, body_hash="", source="Test", url=url)


def test_page_furniture_is_dropped_and_blocks_and_links_kept():
    sentence = "The harbour wall will be rebuilt over two summers, the council said. "
    html = (
        "<html><head><title>Wall</title></head><body><article><h1>The wall</h1>"
        "<p class='byline'>By Jo Marsh</p><time datetime='2026-03-14'>14 March 2026</time>"
        f"<p>{sentence * 3}</p><p>Related: Floods cost the town £3m</p>"
        f"<h2>The cost</h2><p>{sentence * 2} See <a href='/budget'>the budget</a>.</p>"
        "<p>Advertisement</p><blockquote><p>It has to be done.</p></blockquote>"
        f"<p>{sentence * 3}</p><figure><img src='w.jpg'><figcaption>The wall in 1990"
        "</figcaption></figure></article></body></html>"
    )
    page = extract_article(html, URL)
    assert page.paragraphs[0].startswith("The harbour wall will be rebuilt")
    for furniture in ("14 March 2026", "Jo Marsh", "Related", "Advertisement", "1990"):
        assert furniture not in page.text
    assert page.structure is not None
    kinds = [
        (block.kind, page.text[block.start : block.end][:12]) for block in page.structure.blocks
    ]
    assert ("heading", "The cost") in kinds and ("quote", "It has to be") in kinds
    [link] = page.structure.links
    assert page.text[link.start : link.end] == "the budget"
    assert link.href == "https://harbour.example/budget"
