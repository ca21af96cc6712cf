"""extract_article: readability for the body, page metadata for what it loses, scraps dropped."""

from __future__ import annotations

import pytest

from store.ingest.pages import PageExtractError, decode_page, extract_article
from tests.web.plugin import data_file

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
