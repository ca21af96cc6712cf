"""Reading-cursor motions over the canonical text."""

from __future__ import annotations

from tui import motions

TEXT = (
    "Japanese Prime Minister Sanae Takaichi spoke to U.S. President Donald J. Trump. "
    "They talked for 25 minutes!\n\n"
    "“It was meaningful,” she said. Mr. Smith agreed."
)


def test_sentences_respect_abbreviations_initials_and_quotes() -> None:
    sentences = [TEXT[a:b] for a, b in motions.sentence_spans(TEXT)]
    assert sentences == [
        "Japanese Prime Minister Sanae Takaichi spoke to U.S. President Donald J. Trump.",
        "They talked for 25 minutes!",
        "“It was meaningful,” she said.",
        "Mr. Smith agreed.",
    ]


def test_word_motions() -> None:
    assert TEXT[motions.next_word(TEXT, 0) :].startswith("Prime")
    start_of_minister = TEXT.index("Minister")
    assert TEXT[motions.previous_word(TEXT, start_of_minister) :].startswith("Prime")
    assert motions.next_word(TEXT, len(TEXT) - 1) == len(TEXT)
    assert motions.previous_word(TEXT, 0) == 0


def test_span_navigation() -> None:
    spans = motions.sentence_spans(TEXT)
    inside_second = TEXT.index("talked")
    assert motions.span_at(spans, inside_second) == spans[1]
    assert motions.next_start(spans, inside_second) == spans[2][0]
    assert motions.previous_start(spans, inside_second) == spans[1][0]
    assert motions.previous_start(spans, spans[1][0]) == spans[0][0]
    assert motions.next_start(spans, spans[-1][0]) is None
