"""Seed parsing: the bundled article and hand-made tricky files."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.ingest.seeds import (
    HEADLINE_MAX_CHARS,
    ParsedSeed,
    SeedError,
    derive_headline,
    parse_seed,
)
from tests.conftest import BUNDLED_SEED, SEED_DATA


def parse(path: Path) -> ParsedSeed:
    return parse_seed(path.read_bytes(), path.name)


class TestBundledSeed:
    def test_headline_is_the_leads_main_clause_and_the_lead_reads_in_full(self) -> None:
        seed = parse(BUNDLED_SEED)
        assert seed.title_derived
        # The main clause, without "on Friday", and no name cut ("…conversation with US…").
        assert seed.title == (
            "Japanese Prime Minister Sanae Takaichi held an “extremely meaningful” "
            "conversation with US President Donald Trump"
        )
        assert seed.paragraphs[0] == (
            "Japanese Prime Minister Sanae Takaichi held an “extremely meaningful” "
            "conversation with US President Donald Trump on Friday, adding that she would "
            "soon meet him as tensions over Taiwan grow."
        )

    def test_standfirst_is_shown_once(self) -> None:
        seed = parse(BUNDLED_SEED)
        assert seed.standfirst.startswith("The call between the two allied leaders")
        # Its final full stop, which the repeat in the body has and the first line lacks.
        assert seed.standfirst.endswith("claims as its own.")
        everything = "\n".join([seed.standfirst, *seed.paragraphs])
        assert everything.count("The call between the two allied leaders") == 1
        # The sentence the body added after the repeated standfirst is kept.
        assert any(p.startswith("The drills included live-fire") for p in seed.paragraphs)

    def test_broken_line_is_rejoined(self) -> None:
        seed = parse(BUNDLED_SEED)
        joined = [p for p in seed.paragraphs if "diplomatic row between China and Japan" in p]
        assert len(joined) == 1
        assert not any(p.endswith("between") for p in seed.paragraphs)

    def test_trailer_is_dropped_and_credit_kept_as_metadata(self) -> None:
        seed = parse(BUNDLED_SEED)
        assert seed.paragraphs[-1].endswith("European countries.")
        assert not any("End of Article" in p for p in seed.paragraphs)
        assert seed.credit == "With inputs from agencies"

    def test_every_other_line_is_its_own_paragraph(self) -> None:
        seed = parse(BUNDLED_SEED)
        assert len(seed.paragraphs) == 10


def test_front_matter_gives_metadata() -> None:
    seed = parse(SEED_DATA / "front_matter.md")
    assert seed.title == "Harbour Bridge Reopens After Six-Month Repair"
    assert not seed.title_derived
    assert seed.source == "The Coastal Ledger"
    assert seed.author == "Mira Okafor"
    assert seed.url == "https://ledger.example/harbour-bridge"
    assert seed.published == "2026-03-14T08:30:00+00:00"
    assert seed.paragraphs[1].startswith("The harbour bridge reopened to traffic on Saturday after")
    assert "months of repairs" in seed.paragraphs[1]


def test_hard_wrapped_paragraphs_are_joined_and_headline_line_kept() -> None:
    seed = parse(SEED_DATA / "hard_wrapped.txt")
    assert seed.title == "Storm Delays Ferry Crossings Across the Strait"
    assert len(seed.paragraphs) == 2
    assert "winds of up to 90 km/h swept the strait" in seed.paragraphs[0]
    assert seed.credit == "Reporting by Sam Hale"
    assert not any("Read more" in p for p in seed.paragraphs)


def test_headline_line_without_blank_lines() -> None:
    seed = parse(SEED_DATA / "headline_given.txt")
    assert seed.title == "Council Votes on Budget"
    assert seed.paragraphs == ["The council approved the budget on Monday.", "The vote was 7 to 2."]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("utf8_bom.txt", "Café Owners Protest New Rent Rules"),
        ("utf16_bom.txt", "Zürich Résumé Fair Draws Crowds"),
        ("utf16le_nobom.txt", "Zürich Résumé Fair Draws Crowds"),
        ("cp1252.txt", "Zürich Résumé Fair Draws Crowds"),
    ],
)
def test_encodings(name: str, title: str) -> None:
    seed = parse(SEED_DATA / name)
    assert seed.title == title
    assert "\ufeff" not in seed.title
    assert all("\x00" not in p for p in seed.paragraphs)


def test_cp1252_punctuation_survives() -> None:
    seed = parse(SEED_DATA / "cp1252.txt")
    assert "“résumé clinic” — a first for Zürich." in seed.paragraphs[0]


def test_control_sequences_are_stripped_and_markup_kept_literally() -> None:
    seed = parse(SEED_DATA / "hostile_markup.txt")
    text = "\n".join([seed.title, *seed.paragraphs])
    assert "[bold red]x[/]" in text
    assert "[link=https://evil.example]y[/link]" in text
    assert "Escape sequences red, a title set and an OSC 8 link vanish." in text
    assert "pwned" not in text
    for character in "\x1b\x07\x9b":
        assert character not in text


def test_unsafe_url_is_dropped() -> None:
    seed = parse(SEED_DATA / "unsafe_url.md")
    assert seed.title == "Link Safety"
    assert seed.url is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty file"),
        ("whitespace.txt", "empty file"),
        ("binary.txt", "binary"),
        ("bad_front_matter.md", "front matter"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name: str, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        parse(SEED_DATA / name)


def test_huge_file_is_refused() -> None:
    with pytest.raises(SeedError, match="too large"):
        parse_seed(b"word " * 1_200_000, "huge.txt")


@pytest.mark.parametrize(
    ("lead", "headline"),
    [
        # A clause hung on the main one goes, and so does a trailing day.
        (
            "Kenya's President William Ruto met business leaders in Nairobi on Tuesday, "
            "saying the new tax would be dropped.",
            "Kenya's President William Ruto met business leaders in Nairobi",
        ),
        # "U.S." and "Dr." do not end the first sentence.
        (
            "The U.S. Senate passed the bill late on Thursday. Dr. Ruth Ng said it was overdue.",
            "The U.S. Senate passed the bill",
        ),
        # Too long even so: cut before a phrase, never inside a name.
        (
            "The European Central Bank raised its main interest rate by a quarter of a point "
            "for the ninth time in a row to fight inflation across the twenty countries that "
            "share the euro.",
            "The European Central Bank raised its main interest rate by a quarter of a point "
            "for the ninth time in a row",
        ),
    ],
)
def test_a_derived_headline_ends_at_a_phrase(lead: str, headline: str) -> None:
    assert derive_headline(lead) == headline
    assert len(derive_headline(lead)) <= HEADLINE_MAX_CHARS
