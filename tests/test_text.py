"""The canonical text and external-text hygiene."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from store.text import (
    INNER_WHITESPACE,
    canonical_text,
    clean_inline,
    paragraph_spans,
    split_paragraphs,
    strip_controls,
)
from store.urls import safe_url


def test_canonical_text_joins_clean_paragraphs_with_blank_lines() -> None:
    text = canonical_text(["  Cafe\u0301  owners\tmet. ", "", "Second\u00a0one."])
    assert text == "Café owners met.\n\nSecond one."
    assert split_paragraphs(text) == ["Café owners met.", "Second one."]
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["Café owners met.", "Second one."]


def test_strip_controls_removes_escapes_but_keeps_newlines() -> None:
    hostile = "a\x1b[2Jb\x1b]52;c;ZXZpbA==\x07c\x9b1md\u202ee\nf\tg"
    assert strip_controls(hostile) == "abcde\nf\tg"


def test_safe_url_allows_only_absolute_http() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url(" http://example.org ") == "http://example.org"
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "/relative",
        "ftp://x.org",
        "",
        None,
        "https://exa mple.org",
    ):
        assert safe_url(bad) is None


def test_safe_url_refuses_every_kind_of_whitespace_inside() -> None:
    # Not only ASCII spaces: a no-break or ideographic space inside a URL is as wrong.
    # (Control characters are stripped before the check, so they are not asked about.)
    characters = (chr(code) for code in range(0x3001))
    spaces = [c for c in characters if c.isspace() and strip_controls(c) == c]
    assert "\u00a0" in spaces and "\u3000" in spaces
    for space in spaces:
        assert safe_url(f"https://example.org/a{space}b") is None, repr(space)


@settings(max_examples=3000)
@given(
    st.text(alphabet=st.sampled_from(list("ab .\t\r\n\u00a0\u2003\u2028\u3000\u202fe\u0301\x1b[")))
)
def test_clean_inline_folds_as_one_substitution_does(text: str) -> None:
    # It skips the substitution when there is nothing to fold: the result must not change.
    expected = INNER_WHITESPACE.sub(" ", unicodedata.normalize("NFC", strip_controls(text)))
    assert clean_inline(text) == expected.strip()
