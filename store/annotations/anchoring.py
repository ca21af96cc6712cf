"""Finding a highlight again in a text that may have changed since it was made.

A highlight is anchored twice, as the W3C Web Annotation model suggests: by position (start and
end offsets) and by quote (the exact text with up to 32 characters either side). Placing it in
a new text tries, in order:

1. the old position, if the quote and its context are still there;
2. the exact quote, choosing among repeats by how much of the prefix/suffix surrounds each
   (and then by nearness to the old position), if enough context agrees;
3. an approximate match of prefix + quote + suffix (Myers' bit-parallel edit distance), so
   small edits inside or around the highlight are tolerated; if the surroundings are found but
   the quote itself changed too much, the highlight is an orphan — we never guess further;
4. a long, distinctive quote found exactly once, even though its surroundings changed.

Anything else returns None: the caller keeps the highlight as an orphan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

CONTEXT_LENGTH = 32
"""Characters of prefix and suffix kept in a quote selector."""
MIN_CONTEXT_EVIDENCE = 16
"""Characters of context that must agree before an exact repeat of a quote is trusted."""
DISTINCTIVE_QUOTE_LENGTH = 32
"""A quote at least this long, found exactly once, is evidence enough on its own."""
MAX_ERROR_RATE = 0.25
"""An approximate match may differ from the quote (and its context) in a quarter of its
characters; more than that and it is treated as different text."""
MAX_EXACT_OCCURRENCES = 10_000

PlacementMethod = Literal["position", "quote", "fuzzy", "distinctive"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Both selectors of a highlight: TextPositionSelector + TextQuoteSelector."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class Placement(NamedTuple):
    start: int
    end: int
    method: PlacementMethod


def anchor_span(text: str, start: int, end: int, context: int = CONTEXT_LENGTH) -> Anchor:
    """The selectors for ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}..{end} is not inside a text of length {len(text)}")
    return Anchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def place(anchor: Anchor, text: str) -> Placement | None:
    """Where ``anchor`` belongs in ``text``, or None if it cannot be placed with confidence."""
    exact = anchor.exact
    if not exact:
        return None
    if text[anchor.start : anchor.end] == exact and _context_evidence(
        text, anchor.start, anchor.end, anchor
    ) == len(anchor.prefix) + len(anchor.suffix):
        return Placement(anchor.start, anchor.end, "position")

    occurrences = _occurrences(text, exact)
    best = _best_exact(text, occurrences, anchor)
    if best is not None:
        return Placement(best, best + len(exact), "quote")

    surroundings_found, fuzzy = _approximate(text, anchor)
    if surroundings_found:
        return fuzzy

    if len(exact) >= DISTINCTIVE_QUOTE_LENGTH and len(occurrences) == 1:
        return Placement(occurrences[0], occurrences[0] + len(exact), "distinctive")
    return None


def _occurrences(text: str, exact: str) -> list[int]:
    found: list[int] = []
    index = text.find(exact)
    while index != -1 and len(found) < MAX_EXACT_OCCURRENCES:
        found.append(index)
        index = text.find(exact, index + 1)
    return found


def _context_evidence(text: str, start: int, end: int, anchor: Anchor) -> int:
    """How many characters of the stored prefix and suffix sit right around ``start..end``."""
    before = 0
    prefix = anchor.prefix
    while (
        before < len(prefix)
        and start - before - 1 >= 0
        and text[start - before - 1] == prefix[-before - 1]
    ):
        before += 1
    after = 0
    suffix = anchor.suffix
    while after < len(suffix) and end + after < len(text) and text[end + after] == suffix[after]:
        after += 1
    return before + after


def _best_exact(text: str, occurrences: list[int], anchor: Anchor) -> int | None:
    if not occurrences:
        return None
    required = min(len(anchor.prefix) + len(anchor.suffix), MIN_CONTEXT_EVIDENCE)
    length = len(anchor.exact)
    evidence, _, index = max(
        (_context_evidence(text, index, index + length, anchor), -abs(index - anchor.start), index)
        for index in occurrences
    )
    return index if evidence >= required else None


def _allowed_errors(length: int) -> int:
    return int(length * MAX_ERROR_RATE)


def _approximate(text: str, anchor: Anchor) -> tuple[bool, Placement | None]:
    """Approximate match of prefix + quote + suffix: (whether the passage was found, where
    the quote now is). Found with no placement means the quote changed beyond recognition.
    """
    prefix, exact, suffix = anchor.prefix, anchor.exact, anchor.suffix
    pattern = prefix + exact + suffix
    allowed = _allowed_errors(len(exact)) + _allowed_errors(len(prefix) + len(suffix))
    distances = edit_distances(pattern, text, free_start=True)
    expected_end = anchor.start + len(exact) + len(suffix)
    best_end: int | None = None
    best_key: tuple[int, int] | None = None
    for end, distance in enumerate(distances):
        if distance <= allowed:
            key = (distance, abs(end - expected_end))
            if best_key is None or key < best_key:
                best_key, best_end = key, end
    if best_end is None or best_key is None:
        return False, None

    window_start = _window_start(pattern, text, best_end, best_key[0], allowed)
    window = text[window_start:best_end]
    quote_start = _split(prefix, exact + suffix, window, len(prefix)) if prefix else 0
    quote_end = (
        _split(prefix + exact, suffix, window, len(prefix) + len(exact))
        if suffix
        else (len(window))
    )
    start, end = window_start + quote_start, window_start + quote_end
    # Where an edit touches the quote's edge the split can be a character out; an exact copy
    # of the quote at most that many characters away is where it really is.
    snapped = _nearest_occurrence(window, exact, quote_start, within=best_key[0])
    if snapped is not None:
        snapped += window_start
        return True, Placement(snapped, snapped + len(exact), "fuzzy")
    if end <= start or edit_distance(exact, text[start:end]) > _allowed_errors(len(exact)):
        return True, None
    return True, Placement(start, end, "fuzzy")


def _window_start(pattern: str, text: str, end: int, distance: int, allowed: int) -> int:
    """Where the best match of ``pattern`` that ends at ``end`` begins."""
    low = max(0, end - len(pattern) - allowed)
    backwards = edit_distances(pattern[::-1], text[low:end][::-1], free_start=False)
    candidates = [length for length, value in enumerate(backwards) if value == distance] or [
        min(range(len(backwards)), key=backwards.__getitem__)
    ]
    length = min(candidates, key=lambda candidate: abs(candidate - len(pattern)))
    return end - length


def _split(left: str, right: str, window: str, expected: int) -> int:
    """The offset in ``window`` where ``left`` best ends and ``right`` begins."""
    forward = edit_distances(left, window, free_start=False)
    backward = edit_distances(right[::-1], window[::-1], free_start=False)
    size = len(window)
    return min(
        range(size + 1),
        key=lambda offset: (forward[offset] + backward[size - offset], abs(offset - expected)),
    )


def _nearest_occurrence(window: str, exact: str, near: int, within: int) -> int | None:
    nearby = [index for index in _occurrences(window, exact) if abs(index - near) <= within]
    return min(nearby, key=lambda index: abs(index - near)) if nearby else None


def edit_distance(left: str, right: str) -> int:
    """Levenshtein distance."""
    return edit_distances(left, right, free_start=False)[-1]


def edit_distances(pattern: str, text: str, *, free_start: bool) -> list[int]:
    """For each ``j`` in ``0..len(text)``, the edit distance between ``pattern`` and
    ``text[s:j]``: with ``free_start`` the best over all ``s`` (substring search), otherwise
    ``s = 0`` (plain Levenshtein distance against each prefix of the text).

    Myers' bit-parallel algorithm in Hyyrö's formulation, with Python integers as bit vectors:
    one pass over the text whatever the pattern's length.
    """
    length = len(pattern)
    if length == 0:
        return [0] * (len(text) + 1) if free_start else list(range(len(text) + 1))
    masks: dict[str, int] = {}
    for index, character in enumerate(pattern):
        masks[character] = masks.get(character, 0) | (1 << index)
    all_ones = (1 << length) - 1
    high_bit = 1 << (length - 1)
    positive, negative, score = all_ones, 0, length
    scores = [length]
    for character in text:
        equal = masks.get(character, 0)
        vertical = equal | negative
        horizontal = (((equal & positive) + positive) ^ positive) | equal
        horizontal_positive = (negative | ~(horizontal | positive)) & all_ones
        horizontal_negative = positive & horizontal
        if horizontal_positive & high_bit:
            score += 1
        elif horizontal_negative & high_bit:
            score -= 1
        horizontal_positive = (horizontal_positive << 1) | (0 if free_start else 1)
        horizontal_negative <<= 1
        positive = (horizontal_negative | ~(vertical | horizontal_positive)) & all_ones
        negative = horizontal_positive & vertical & all_ones
        scores.append(score)
    return scores
