"""The highlight store: adding, editing, undo, listing, re-anchoring, orphans, on disk."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson
import pytest

from store.annotations import HighlightNotFoundError, HighlightStore
from store.annotations.model import ORPHAN_ARTICLE_DELETED, ORPHAN_TEXT_CHANGED, hashtags
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.db import CorruptStoreError
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.text import content_hash

BODY = (
    "The harbour reopened on Monday after the storm.\n\n"
    "Ferries resumed at dawn, and the crowds returned to the market by noon.\n\n"
    "Prices rose sharply in the evening."
)


@pytest.fixture
def article(paths: DataPaths) -> Article:
    with Library(paths) as library:
        saved, _ = library.save(
            Article(
                id="harbour",
                title="Harbour reopens",
                body_hash="",
                url="https://news.example/harbour",
            ),
            BODY,
        )
    return saved


@pytest.fixture
def store(paths: DataPaths) -> HighlightStore:
    return HighlightStore(paths)


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_add_keeps_both_selectors_and_the_body_hash(
    store: HighlightStore, article: Article
) -> None:
    highlight = store.add(article, BODY, *span(BODY, "Ferries resumed at dawn"), colour="blue")
    assert BODY[highlight.start : highlight.end] == highlight.exact == "Ferries resumed at dawn"
    assert BODY.endswith(highlight.suffix, 0, highlight.end + len(highlight.suffix))
    assert len(highlight.prefix) == 32 and BODY[: highlight.start].endswith(highlight.prefix)
    assert highlight.body_hash == content_hash(BODY) == article.body_hash
    assert highlight.colour == "blue"
    assert highlight.article_title == "Harbour reopens"
    assert highlight.article_url == "https://news.example/harbour"
    assert highlight.created == highlight.modified
    assert store.get(highlight.id) == highlight


def test_selection_whitespace_is_trimmed_and_empty_selections_refused(
    store: HighlightStore, article: Article
) -> None:
    start, end = span(BODY, "the storm.\n\nFerries")
    highlight = store.add(article, BODY, start + len("the storm."), end + 1)
    assert (highlight.exact, highlight.start) == ("Ferries", end - len("Ferries"))
    with pytest.raises(ValueError, match="empty"):
        store.add(article, BODY, start + len("the storm."), start + len("the storm.\n\n"))


def test_notes_hashtags_become_tags(store: HighlightStore, article: Article) -> None:
    highlight = store.add(article, BODY, *span(BODY, "Prices rose sharply"))
    noted = store.set_note(highlight.id, "Inflation again #Economy #harbour-life, see #1")
    assert noted.tags == ("economy", "harbour-life")
    assert noted.note == "Inflation again #Economy #harbour-life, see #1"
    assert noted.modified >= highlight.modified
    retagged = store.set_note(highlight.id, "plain note", tags=["Local News"])
    assert retagged.tags == ("local-news",)
    assert hashtags("C# and a#b are not tags, #real is") == ["real"]


def test_changes_are_on_disk_when_the_call_returns(
    paths: DataPaths, store: HighlightStore, article: Article
) -> None:
    highlight = store.add(article, BODY, *span(BODY, "Prices rose sharply"), colour="green")
    store.set_note(highlight.id, "noted #x")
    # Each change is a line of the journal beside the snapshot, fsynced before the call returns.
    journal = paths.annotations_db.with_suffix(".journal").read_bytes().splitlines()
    (saved,) = (entry["put"] for entry in orjson.loads(journal[-1])["batch"])
    assert saved["id"] == highlight.id and saved["note"] == "noted #x" and saved["tags"] == ["x"]
    reopened = HighlightStore(paths)
    assert reopened.get(highlight.id) == store.get(highlight.id)


def test_undo_reverses_add_edit_colour_and_delete(store: HighlightStore, article: Article) -> None:
    first = store.add(article, BODY, *span(BODY, "Prices rose sharply"))
    store.set_colour(first.id, "pink")
    store.set_note(first.id, "a note")
    store.delete(first.id)
    assert store.get(first.id) is None
    assert store.undo() == "delete highlight"
    assert store.get(first.id) is not None and store.get(first.id).note == "a note"  # type: ignore[union-attr]
    assert store.undo() == "edit note"
    assert store.get(first.id).note == ""  # type: ignore[union-attr]
    assert store.undo() == "change colour"
    assert store.get(first.id) == first
    assert store.undo() == "add highlight"
    assert store.get(first.id) is None
    assert store.undo() is None and not store.can_undo


def test_unknown_ids_are_reported(store: HighlightStore) -> None:
    with pytest.raises(HighlightNotFoundError, match="no highlight with id nope"):
        store.set_note("nope", "x")
    with pytest.raises(ValueError, match="unknown colour"):
        store.set_colour("nope", "mauve")  # type: ignore[arg-type]


def test_listing_per_article_newest_first_and_filtered(
    paths: DataPaths, store: HighlightStore, article: Article
) -> None:
    with Library(paths) as library:
        other, _ = library.save(
            Article(id="other", title="Rail strike", body_hash=""),
            "The rail union called a strike over wages.",
        )
    late = store.add(article, BODY, *span(BODY, "Prices rose sharply"))
    early = store.add(article, BODY, *span(BODY, "The harbour reopened"))
    strike = store.add(other, "The rail union called a strike over wages.", 0, 14, note="#labour")
    assert [h.id for h in store.all()] == [strike.id, early.id, late.id]
    assert [h.id for h in store.for_article("harbour")] == [early.id, late.id]
    assert [h.id for h in store.find(query="RAIL union")] == [strike.id]
    assert [h.id for h in store.find(query="harbour reopens")] == [early.id, late.id]
    assert [h.id for h in store.find(tag="#Labour")] == [strike.id]


def test_reanchor_moves_keeps_and_orphans(store: HighlightStore, article: Article) -> None:
    moved = store.add(article, BODY, *span(BODY, "Ferries resumed at dawn"), note="keep me")
    lost = store.add(article, BODY, *span(BODY, "Prices rose sharply in the evening"))
    new_body = "Update: a correction was made.\n\n" + BODY.replace(
        "Prices rose sharply in the evening.", "Fish sold out early."
    )
    report = store.reanchor_article("harbour", new_body)
    assert (report.moved, report.orphaned) == (1, 1)
    placed = store.get(moved.id)
    assert placed is not None and not placed.orphaned
    assert new_body[placed.start : placed.end] == "Ferries resumed at dawn"
    assert placed.body_hash == content_hash(new_body) and placed.note == "keep me"
    orphan = store.get(lost.id)
    assert orphan is not None and orphan.orphaned and orphan.orphan_reason == ORPHAN_TEXT_CHANGED
    assert orphan.exact == "Prices rose sharply in the evening"
    assert orphan.body_hash == article.body_hash
    assert [h.id for h in store.orphans()] == [lost.id]
    # The text comes back: the orphan is placed again.
    again = store.reanchor_article("harbour", BODY)
    assert again.recovered == 1 and not store.orphans()


def test_deleting_an_article_orphans_its_highlights_unless_asked(
    store: HighlightStore, article: Article
) -> None:
    highlight = store.add(article, BODY, *span(BODY, "Ferries resumed at dawn"))
    assert store.detach_article("harbour") == 1
    kept = store.get(highlight.id)
    assert kept is not None and kept.orphaned and kept.orphan_reason == ORPHAN_ARTICLE_DELETED
    assert store.delete_for_article("harbour") == 1
    assert store.get(highlight.id) is None
    store.undo()
    assert store.get(highlight.id) == kept


def test_writes_from_many_threads_all_land(store: HighlightStore, article: Article) -> None:
    def add_some(offset: int) -> None:
        for index in range(5):
            store.add(article, BODY, offset + index, offset + index + 3)

    threads = [threading.Thread(target=add_some, args=(n * 10,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 20


def test_a_corrupt_file_is_reported_and_left_alone(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.annotations_db.write_bytes(b'{"highlights": {"1": ')
    with pytest.raises(CorruptStoreError, match=r"annotations\.json"):
        HighlightStore(paths)
    assert paths.annotations_db.read_bytes() == b'{"highlights": {"1": '


def test_leftover_temporary_files_are_cleared(paths: DataPaths, article: Article) -> None:
    leftover = paths.home / ".annotations.json.abc123.tmp"
    leftover.write_bytes(b"half a wri")
    HighlightStore(paths).close()
    assert not leftover.exists()


def test_reanchor_changed_places_highlights_on_the_new_text(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "sync")
    old = "The council met on Monday.\n\nIt approved the harbour budget."
    new = "Breaking: the council met on Monday.\n\nIt approved the harbour budget at last."
    with Library(paths) as library, HighlightStore(paths) as highlights:
        article, _ = library.save(Article(id="a", title="Budget", body_hash=""), old)
        start = old.index("approved")
        made = highlights.add(article, old, start, start + len("approved the harbour budget"))
        before = highlighted_body_hashes(library, highlights)
        library.save(Article(id="a", title="Budget", body_hash=""), new)
        reports = reanchor_changed(library, highlights, before)
        moved = highlights.get(made.id)
    assert reports["a"].moved == 1
    assert moved is not None and not moved.orphaned
    assert new[moved.start : moved.end] == "approved the harbour budget"


# A damaged record costs only itself (issue 13, bug 7): it is named with its file, the others
# load, and the file is never rewritten without it.

DAMAGES = [
    pytest.param({"colour": "orange"}, "colour", id="unknown-colour"),
    pytest.param({"start": "zz"}, "start", id="start-not-a-number"),
    pytest.param({"end": 2**40}, "end", id="end-out-of-range"),
    pytest.param({"created": "yesterday"}, "created", id="created-not-a-date"),
    pytest.param({"tags": 5}, "tags", id="tags-not-a-list"),
    pytest.param({"exact": None}, "exact", id="quote-missing"),
]


def two_highlights(paths: DataPaths, article: Article) -> tuple[str, str]:
    """A kept highlight and a victim to damage; their ids."""
    with HighlightStore(paths) as store:
        kept = store.add(article, BODY, *span(BODY, "Ferries resumed"), note="fine")
        victim = store.add(article, BODY, *span(BODY, "Prices rose"))
    return kept.id, victim.id


def damage_journal(paths: DataPaths, victim: str, damage: dict[str, object]) -> bytes:
    journal = paths.annotations_db.with_suffix(".journal")
    lines = journal.read_bytes().splitlines(keepends=True)
    for index, line in enumerate(lines):
        batch = orjson.loads(line).get("batch", [])
        if batch and batch[0].get("put", {}).get("id") == victim:
            record = {**batch[0]["put"], **damage}
            lines[index] = orjson.dumps({"batch": [{"put": record}]}) + b"\n"
    journal.write_bytes(b"".join(lines))
    return journal.read_bytes()


@pytest.mark.parametrize(("damage", "field"), DAMAGES)
def test_a_damaged_record_in_the_journal_is_named_and_the_others_load(
    paths: DataPaths, article: Article, damage: dict[str, object], field: str
) -> None:
    kept, victim = two_highlights(paths, article)
    damaged = damage_journal(paths, victim, damage)
    with HighlightStore(paths) as store:
        assert [h.id for h in store.all()] == [kept] and len(store) == 1
        assert store.get(victim) is None
        [unreadable] = store.unreadable()
        assert unreadable.id == victim and field in unreadable.reason
        assert unreadable.path == paths.annotations_db.with_suffix(".journal")
        assert victim in str(unreadable) and str(unreadable.path) in str(unreadable)
        summary = store.unreadable_summary()
        assert summary is not None and "1 highlight record in" in summary
    assert paths.annotations_db.with_suffix(".journal").read_bytes() == damaged  # untouched


@pytest.mark.parametrize(("damage", "field"), DAMAGES[:2])
def test_a_damaged_record_in_the_snapshot_is_named_with_the_snapshot(
    paths: DataPaths,
    article: Article,
    monkeypatch: pytest.MonkeyPatch,
    damage: dict[str, object],
    field: str,
) -> None:
    kept, victim = two_highlights(paths, article)
    monkeypatch.setattr("store.journal.COMPACT_AFTER_BYTES", 0)
    HighlightStore(paths).close()  # folds the journal into annotations.json
    monkeypatch.undo()
    snapshot = orjson.loads(paths.annotations_db.read_bytes())
    for row in snapshot["highlights"].values():
        if row["id"] == victim:
            row.update(damage)
    paths.annotations_db.write_bytes(orjson.dumps(snapshot))
    with HighlightStore(paths) as store:
        assert [h.id for h in store.all()] == [kept]
        [unreadable] = store.unreadable()
        assert (unreadable.id, unreadable.path) == (victim, paths.annotations_db)
        assert field in unreadable.reason


def test_a_damaged_record_survives_writes_and_compaction_as_it_was(
    paths: DataPaths, article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, victim = two_highlights(paths, article)
    damage_journal(paths, victim, {"colour": "orange"})
    with HighlightStore(paths) as store:
        store.set_note(kept, "still editable")
        store.add(article, BODY, *span(BODY, "the crowds returned"))
    monkeypatch.setattr("store.journal.COMPACT_AFTER_BYTES", 0)
    with HighlightStore(paths) as store:  # loading compacts: the snapshot is written whole
        edited = store.get(kept)
        assert len(store) == 2 and edited is not None and edited.note == "still editable"
    snapshot = orjson.loads(paths.annotations_db.read_bytes())
    [stored] = [row for row in snapshot["highlights"].values() if row["id"] == victim]
    assert stored["colour"] == "orange" and stored["exact"] == "Prices rose"


def test_an_import_does_not_replace_a_record_that_cannot_be_read(
    paths: DataPaths, article: Article
) -> None:
    _, victim = two_highlights(paths, article)
    with HighlightStore(paths) as store:
        good_copy = store.get(victim)
    assert good_copy is not None
    damaged = damage_journal(paths, victim, {"colour": "orange"})
    with HighlightStore(paths) as store:
        report = store.import_highlights([good_copy])
    assert report.kept_unreadable == (victim,) and report.added == report.updated == 0
    assert paths.annotations_db.with_suffix(".journal").read_bytes() == damaged


# What is typed or imported is cleaned of terminal escapes (issue 13, bug 1).

ESCAPES = "\x1b]52;c;cHduZWQ=\x07\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e"


def test_notes_and_tags_are_stored_without_escapes(store: HighlightStore, article: Article) -> None:
    made = store.add(article, BODY, *span(BODY, "Ferries"), note=f"typed{ESCAPES} #a{ESCAPES}b")
    assert made.note == "typed #ab" and made.tags == ("ab",)
    edited = store.set_note(made.id, f"line one{ESCAPES}\nline two", tags=[f"x{ESCAPES}y"])
    assert edited.note == "line one\nline two" and edited.tags == ("xy",)
    assert store.set_tags(made.id, [f"\x1b[31mred{ESCAPES}"]).tags == ("red",)
