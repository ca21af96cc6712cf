"""Placing highlights again after their article's text changed."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store.annotations.anchoring import (
    DISTINCTIVE_QUOTE_LENGTH,
    anchor_span,
    edit_distances,
    place,
)


def naive_edit_distances(pattern: str, text: str, free_start: bool) -> list[int]:
    previous = [0 if free_start else j for j in range(len(text) + 1)]
    for i in range(1, len(pattern) + 1):
        current = [i] + [0] * len(text)
        for j in range(1, len(text) + 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (pattern[i - 1] != text[j - 1]),
            )
        previous = current
    return previous


@given(st.text("abcd", max_size=12), st.text("abcde", max_size=20), st.booleans())
def test_bit_parallel_edit_distances_match_the_textbook_table(
    pattern: str, text: str, free_start: bool
) -> None:
    assert edit_distances(pattern, text, free_start=free_start) == naive_edit_distances(
        pattern, text, free_start
    )


@given(st.text("ab", min_size=60, max_size=70))
def test_long_patterns_beyond_one_machine_word(text: str) -> None:
    pattern = text[5:69]
    assert edit_distances(pattern, text, free_start=True) == naive_edit_distances(
        pattern, text, True
    )


TEXT = (
    "The council met on Monday.\n\n"
    "The minister resigned on Tuesday after a long debate about the budget.\n\n"
    "Nobody expected the minister to stay. The minister resigned on Tuesday, said one paper, "
    "but the date was wrong.\n\n"
    "A final paragraph closes the article."
)


def span_of(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def test_unchanged_text_keeps_the_position() -> None:
    anchor = anchor_span(TEXT, *span_of(TEXT, "long debate"))
    assert place(anchor, TEXT) == (anchor.start, anchor.end, "position")


def test_text_inserted_before_moves_the_highlight_with_its_words() -> None:
    anchor = anchor_span(TEXT, *span_of(TEXT, "long debate"))
    changed = "Breaking: an update.\n\n" + TEXT
    placed = place(anchor, changed)
    assert placed is not None
    assert changed[placed.start : placed.end] == "long debate"
    assert placed.start == anchor.start + len("Breaking: an update.\n\n")


def test_prefix_and_suffix_choose_among_repeats() -> None:
    quote = "The minister resigned on Tuesday"
    second = anchor_span(TEXT, *span_of(TEXT, quote, occurrence=1))
    # Shift everything so the old position now holds other words.
    changed = TEXT.replace("The council met on Monday.", "The council met.")
    placed = place(second, changed)
    assert placed is not None
    assert (placed.start, placed.end) == span_of(changed, quote, occurrence=1)


def test_a_word_changed_inside_the_highlight_reanchors_fuzzily() -> None:
    anchor = anchor_span(TEXT, *span_of(TEXT, "after a long debate about the budget"))
    changed = TEXT.replace("after a long debate about", "after a lengthy debate about")
    placed = place(anchor, changed)
    assert placed is not None and placed.method == "fuzzy"
    assert changed[placed.start : placed.end] == "after a lengthy debate about the budget"


def test_a_rewritten_highlight_is_orphaned_not_moved_to_a_lookalike() -> None:
    text = "The council met on Monday to vote.\n\nOn Monday, shops stayed shut in the rain."
    anchor = anchor_span(text, *span_of(text, "Monday", occurrence=0))
    changed = text.replace("met on Monday to vote", "met at noon to vote")
    # "Monday" still appears once, in another paragraph with other surroundings.
    assert "Monday" in changed
    assert place(anchor, changed) is None


def test_a_deleted_paragraph_orphans_its_highlight() -> None:
    anchor = anchor_span(TEXT, *span_of(TEXT, "final paragraph"))
    changed = TEXT.rsplit("\n\n", 1)[0]
    assert place(anchor, changed) is None


def test_a_long_quote_survives_new_surroundings() -> None:
    quote = "Nobody expected the minister to stay."
    assert len(quote) >= DISTINCTIVE_QUOTE_LENGTH
    anchor = anchor_span(TEXT, *span_of(TEXT, quote))
    changed = "Entirely new opening words here.\n\n" + quote + "\n\nAnd a new ending to it all."
    placed = place(anchor, changed)
    assert placed is not None
    assert changed[placed.start : placed.end] == quote


def test_unicode_text_is_indexed_by_code_point() -> None:
    text = "Café society — naïve résumé; 日本の首相 said so.\n\nMore text 🙂 follows."
    anchor = anchor_span(text, *span_of(text, "日本の首相"))
    changed = "🙂🙂 " + text
    placed = place(anchor, changed)
    assert placed is not None
    assert changed[placed.start : placed.end] == "日本の首相"


# Property tests. Texts are built from words so that, like prose, most passages occur once (a
# quote that occurs several times in identical surroundings has no one right place, so such
# texts are set aside); edits are random insertions, deletions and replacements.

WORDS = st.sampled_from(
    "the a of minister budget said on Tuesday council vote paper debate long new old quiet "
    "river city north bank after before during storm harbour ferry crowd market price rose "
    "fell sharply slowly evening morning report mayor judge ruling appeal school teacher "
    "strike union wages rail station bridge closed opened island fishing season".split()
)
PASSAGE = st.lists(WORDS, min_size=8, max_size=40).map(" ".join)
QUOTE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
FILLER = st.text("abcdefghijklmnopqrstuvwxyz .,", min_size=0, max_size=12)


@st.composite
def edit(draw: st.DrawFn) -> tuple[float, int, str]:
    """(where as a fraction of the allowed zone, how many characters to remove, what to put)"""
    return (
        draw(st.floats(0, 1)),
        draw(st.integers(0, 12)),
        draw(FILLER),
    )


def apply_edit(text: str, low: int, high: int, change: tuple[float, int, str]) -> tuple[str, int]:
    """Edit ``text`` somewhere in ``[low, high]``; return the new text and where it happened."""
    where, remove, insert = change
    position = low + int(where * (high - low))
    remove = min(remove, high - position)
    return text[:position] + insert + text[position + remove :], position


@settings(max_examples=300, deadline=None)
@given(PASSAGE, QUOTE, PASSAGE, st.lists(edit(), min_size=1, max_size=4))
def test_edits_away_from_a_highlight_keep_it_exactly(
    before: str, quote: str, after: str, edits: list[tuple[float, int, str]]
) -> None:
    text = f"{before}. {quote}, {after}."
    start = len(before) + 2
    end = start + len(quote)
    anchor = anchor_span(text, start, end)
    changed = text
    for change in edits:
        # Each edit lands before the highlight or after it, never touching it.
        if change[0] < 0.5:
            changed, _ = apply_edit(changed, 0, start, (change[0] * 2, *change[1:]))
            new_start = start - len(text) + len(changed)
            start, end = new_start, new_start + len(quote)
            text = changed
        else:
            changed, _ = apply_edit(changed, end, len(changed), (change[0] * 2 - 1, *change[1:]))
            text = changed
    assert changed[start:end] == quote
    context = anchor.prefix + anchor.exact + anchor.suffix
    # Where the edits left the quote and its context ambiguous, no placement is "exact".
    assume(changed.count(quote) == 1 or changed.count(context) == 1)
    placed = place(anchor, changed)
    if changed.count(context) == 1 or placed is not None:
        assert placed is not None
        assert (placed.start, placed.end) == (start, end)


@settings(max_examples=300, deadline=None)
@given(PASSAGE, QUOTE, PASSAGE, edit())
def test_edits_inside_a_highlight_reanchor_nearby_or_orphan_it(
    before: str, quote: str, after: str, change: tuple[float, int, str]
) -> None:
    text = f"{before}. {quote}, {after}."
    start = len(before) + 2
    end = start + len(quote)
    assume(text.count(quote) == 1)
    anchor = anchor_span(text, start, end)
    changed, _ = apply_edit(text, start, end, change)
    assume(changed != text)
    new_end = end + len(changed) - len(text)
    placed = place(anchor, changed)
    if placed is None:
        return
    overlaps_the_edited_passage = placed.start < max(new_end, start + 1) and placed.end > start
    same_long_quote_elsewhere = (
        changed[placed.start : placed.end] == quote and len(quote) >= DISTINCTIVE_QUOTE_LENGTH
    )
    assert overlaps_the_edited_passage or same_long_quote_elsewhere, (placed, changed)
    if overlaps_the_edited_passage:
        # Never wanders off: it covers the edited passage give or take its ends.
        assert start - 2 <= placed.start and placed.end <= max(new_end, start) + 2
