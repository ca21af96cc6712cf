"""Articles as written: the blocks and links read from feed HTML, Markdown and plain text
(golden files in tests/data/golden/blocks/, written by hand), and the furniture left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.ingest.html import html_to_blocks
from store.ingest.seeds import parse_seed
from store.structure import (
    Block,
    BlockKind,
    Run,
    SourceBlock,
    StructuredText,
    TextStructure,
    structured_text,
)
from store.text import clean_inline

GOLDEN = Path(__file__).parent / "data" / "golden" / "blocks"
MARKDOWN_SEED = GOLDEN / "library_hours.md"
"""A Markdown seed file: emphasis, links, a heading, a list, a quote and furniture."""
FEED_ENTRY_URL = "https://harbour.example/news/2026/03/sea-wall"


def outline(body: StructuredText) -> str:
    """One line a block: its kind, then its text with each link as ⟨text | address⟩ and
    each line break of preformatted text as ⏎."""
    lines = []
    for block in body.structure.blocks:
        text, at = "", block.start
        for link in body.structure.links:
            if block.start <= link.start < block.end:
                text += body.text[at : link.start]
                text += f"⟨{body.text[link.start : link.end]} | {link.href}⟩"
                at = link.end
        text += body.text[at : block.end]
        lines.append(f"{_kind(block)}: {text.replace(chr(10), '⏎')}")
    return "\n".join(lines) + "\n"


def _kind(block: Block) -> str:
    if block.kind == "heading":
        return f"h{block.level}"
    if block.kind == "item":
        return f"li{block.level} {f'{block.number}.' if block.number else '•'}"
    if block.kind == "quote":
        return f"quote{block.level}"
    return {"paragraph": "p", "preformatted": "pre"}[block.kind]


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def test_feed_html_keeps_its_blocks_and_links_and_drops_its_furniture() -> None:
    html = golden("feed_content.html")
    body = structured_text(html_to_blocks(html, FEED_ENTRY_URL))
    assert outline(body) == golden("feed_content.blocks")


def test_a_markdown_seed_reads_as_written() -> None:
    seed = parse_seed(MARKDOWN_SEED.read_bytes(), "library_hours.md")
    assert outline(seed.body) == golden("library_hours.blocks")
    assert "**" not in seed.body.text and "](" not in seed.body.text
    assert seed.title == "Library Extends Opening Hours for Exam Season"


def test_a_plain_text_seed_has_paragraphs_and_its_obvious_list_lines() -> None:
    seed = parse_seed(golden("plain_list.txt").encode(), "plain_list.txt")
    assert outline(seed.body) == golden("plain_list.blocks")
    assert seed.title == "Ferry Timetable Changes for Summer"
    assert seed.credit == "With inputs from agencies"


def test_blocks_are_the_canonical_texts_paragraphs_and_links_point_inside_them() -> None:
    for body in (
        structured_text(html_to_blocks(golden("feed_content.html"), FEED_ENTRY_URL)),
        parse_seed(MARKDOWN_SEED.read_bytes(), "x.md").body,
    ):
        spans = [(b.start, b.end) for b in body.structure.blocks]
        assert [body.text[a:b] for a, b in spans] == body.text.split("\n\n")
        for link in body.structure.links:
            assert link.href.startswith(("http://", "https://"))
            assert body.text[link.start : link.end].strip() == body.text[link.start : link.end]


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        # By structure: what the element is.
        ("<aside><p>Most read today</p></aside><p>Text.</p>", ["Text."]),
        ("<nav>Home News Sport</nav><p>Text.</p>", ["Text."]),
        ("<figure><img src=x><figcaption>A caption</figcaption></figure><p>Text.</p>", ["Text."]),
        ("<p><time datetime='2026-03-14'>14 March 2026</time></p><p>Text.</p>", ["Text."]),
        ("<p>Published <time>14 March 2026</time> | Updated</p><p>Text.</p>", ["Text."]),
        ("<div class='byline'>By Jo Marsh</div><p>Text.</p>", ["Text."]),
        ("<span class='c-dateline'>LONDON, March 14</span><p>Text.</p>", ["Text."]),
        ("<div role='complementary'>Elsewhere</div><p>Text.</p>", ["Text."]),
        ("<div class='share-bar'>Share on X</div><p>Text.</p>", ["Text."]),
        # A time inside a sentence is the sentence's.
        ("<p>The vote on <time>Tuesday</time> passed.</p>", ["The vote on Tuesday passed."]),
        # By words, anywhere in the body.
        ("<p>One.</p><p>Advertisement</p><p>Two.</p>", ["One.", "Two."]),
        ("<p>One.</p><p>Read more: A story</p><p>Two.</p>", ["One.", "Two."]),
        ("<p>One.</p><p>Related: Other news</p><p>Two.</p>", ["One.", "Two."]),
        ("<p>One.</p><p>Subscribe to our newsletter for more.</p><p>Two.</p>", ["One.", "Two."]),
        # Words that only start a real paragraph keep it.
        (
            "<p>Related talks resumed on Monday in Geneva.</p>",
            ["Related talks resumed on Monday in Geneva."],
        ),
        ("<p>Subscribers rose by a tenth.</p>", ["Subscribers rose by a tenth."]),
        # A page that marks its whole article as having an author keeps it.
        (
            f"<div class='has-author'><p>{'Long text. ' * 40}</p></div>",
            [("Long text. " * 40).strip()],
        ),
    ],
)
def test_furniture_is_dropped_by_structure_first_then_by_words(
    fragment: str, kept: list[str]
) -> None:
    body = structured_text(html_to_blocks(fragment, FEED_ENTRY_URL))
    assert body.text.split("\n\n") == kept


def test_an_advertisement_line_in_the_middle_of_a_seed_is_dropped() -> None:
    text = "First paragraph of the story.\nAdvertisement\nSecond paragraph of it.\n"
    seed = parse_seed(text.encode(), "pasted.txt")
    assert "Advertisement" not in seed.body.text
    # A wrapped sentence whose line starts with such words is text.
    wrapped = "Readers may\nsubscribe to the print edition, the paper said.\n\nMore.\n"
    assert "subscribe to the print edition" in parse_seed(wrapped.encode(), "w.txt").body.text


_PIECES = st.sampled_from(
    ["word", " ", "  ", "\n", "\t", "\u00a0", "e\u0301", "\x1b[31m", "\u202e", ".", "é", "“"]
)
_RUN_TEXT = st.lists(_PIECES, max_size=6).map("".join)
_HREF = st.sampled_from([None, "https://a.example/", "javascript:x()", "/relative", ""])


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["paragraph", "heading", "item", "quote", "preformatted"]),
            st.lists(st.tuples(_RUN_TEXT, _HREF), max_size=5),
        ),
        max_size=5,
    )
)
def test_structured_text_is_canonical_and_its_structure_fits_it(
    drafts: list[tuple[BlockKind, list[tuple[str, str | None]]]],
) -> None:
    blocks = [SourceBlock(kind, tuple(Run(t, h) for t, h in runs), 1) for kind, runs in drafts]
    body = structured_text(blocks)
    # Each block's text is what clean_inline makes of it (a code block keeps its lines).
    for block, made in zip(
        [b for b in blocks if structured_text([b]).text], body.structure.blocks, strict=True
    ):
        cleaned = body.text[made.start : made.end]
        if block.kind != "preformatted":
            assert cleaned == clean_inline(block.plain)
    assert TextStructure.from_json(body.structure.to_json(), body.text) == body.structure
    for link in body.structure.links:
        assert link.href == "https://a.example/"
        linked = body.text[link.start : link.end]
        assert linked and linked == linked.strip() and "\n\n" not in linked
