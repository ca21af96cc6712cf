"""``broadsheet entity``, ``follow``, ``unfollow`` and ``entities --top`` (issue 16): their
JSON shapes (docs/json.md), their plain output, and what a read-only home is told."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from store.entities.follow import followed_entities
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.saved_searches import SavedSearchStore
from tests.test_cli import run

JAXA = "Japan Aerospace Exploration Agency"
NOW = datetime.now(UTC).replace(microsecond=0)
PAGE_KEYS = ["key", "label", "hidden", "followed", "aliases", "mentions", "articles_total",
             "timeline", "articles", "co_mentions", "highlights"]  # fmt: skip
TEXTS = {
    "launch": (1, f"The {JAXA} (JAXA) launched a probe from Tanegashima. JAXA said it worked."),
    "orbit": (2, "JAXA said the probe reached orbit. Engineers in Tokyo cheered Sanae Takaichi."),
    "budget": (9, "Sanae Takaichi raised the space budget in Tokyo. Takaichi spoke for an hour."),
    "quinlans": (3, "Marta Quinlan met Paul Quinlan in Tokyo. Quinlan said little."),
}


@pytest.fixture
def home(paths: DataPaths) -> Iterator[DataPaths]:
    """Articles dated back from now (so that --since 7d has some, and the week before)."""
    with Library(paths) as library:
        for key, (days_ago, body) in TEXTS.items():
            when = (NOW - timedelta(days=days_ago)).isoformat()
            library.save(Article(id=key, title=f"Story {key}", body_hash="", published=when), body)
        library.flush()
    yield paths


def test_entity_json_is_the_page(home: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "entity", "takaichi", "--json")
    assert code == 0, err
    page = json.loads(out)
    assert list(page) == PAGE_KEYS
    assert (page["key"], page["label"], page["hidden"], page["followed"]) == (
        "Sanae Takaichi", "PERSON", False, False)  # fmt: skip
    assert page["aliases"] == ["Takaichi"]
    assert page["articles_total"] == 2 and page["mentions"] == 3
    assert [a["id"] for a in page["articles"]] == ["orbit", "budget"]
    first = page["articles"][0]
    assert list(first) == ["id", "title", "date", "mentions", "first", "sentence"]
    assert first["sentence"] == "Engineers in Tokyo cheered Sanae Takaichi."
    assert page["timeline"]["bucket"] == "day" and sum(page["timeline"]["counts"]) == 3
    assert page["co_mentions"][0] == {"key": "Tokyo", "label": "PLACE", "articles": 2}
    assert page["highlights"] == []
    # Words given apart make one name; --limit keeps the newest.
    code, out, _ = run(capsys, "entity", "Sanae", "Takaichi", "--json", "--limit", "1")
    assert [a["id"] for a in json.loads(out)["articles"]] == ["orbit"]
    assert json.loads(out)["articles_total"] == 2


def test_entity_plain_shows_the_timeline_as_bars(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "entity", "Tokyo")
    assert code == 0
    assert out.startswith("Tokyo  (place)\n")
    assert "Mentions by day" in out and "█" in out
    assert "Named alongside it" in out and "Sanae Takaichi  (person)  2 articles" in out


def test_a_name_that_means_none_or_several(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "entity", "Atlantis")
    assert code == 2 and "no article names 'Atlantis'" in err
    code, _, err = run(capsys, "entity", "quinlan", "--json")
    assert code == 2
    said = json.loads(err)
    assert said["kind"] == "usage" and said["matches"] == ["Marta Quinlan", "Paul Quinlan"]


def test_corrections_from_the_command_line_and_their_json(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "entity", "merge", JAXA.lower(), "JAXA", "--json")
    assert code == 0, err
    assert json.loads(out) == {"change": "made", "kind": "merge", "entity": JAXA, "name": "JAXA"}
    code, out, _ = run(capsys, "entity", "relabel", "Tokyo", "org", "--json")
    assert json.loads(out) == {"change": "made", "kind": "relabel", "entity": "Tokyo",
                               "label": "ORG"}  # fmt: skip
    code, out, _ = run(capsys, "entity", "hide", "Marta Quinlan")
    assert code == 0 and "hidden" in out
    code, out, _ = run(capsys, "entity", "split", "JAXA", JAXA, "--json")
    assert json.loads(out)["change"] == "unmerged"
    code, out, _ = run(capsys, "entity", "merge", JAXA, "JAXA")
    assert code == 0
    code, out, _ = run(capsys, "entity", "corrections", "--json")
    listed = json.loads(out)
    assert sorted((c["kind"], c["entity"]) for c in listed) == [
        ("hide", "Marta Quinlan"), ("merge", JAXA), ("relabel", "Tokyo")
    ]  # fmt: skip
    assert all(list(c)[:2] == ["kind", "entity"] and "made" in c for c in listed)
    code, out, _ = run(capsys, "entity", "jaxa", "--json")
    page = json.loads(out)
    assert page["key"] == JAXA and page["articles_total"] == 2
    code, out, _ = run(capsys, "entity", "Sanae Takaichi", "--json")
    assert {"key": "Tokyo", "label": "ORG", "articles": 2} in json.loads(out)["co_mentions"]
    # A wrong count of names, a label that is none.
    code, _, err = run(capsys, "entity", "merge", "JAXA")
    assert code == 2 and "merge takes NAME OTHER" in err
    code, _, err = run(capsys, "entity", "relabel", "Tokyo", "planet")
    assert code == 2 and "not a label" in err


def test_a_json_export_carries_the_corrections(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "export", "--format", "json")
    assert "entityCorrections" not in out  # none yet: the document is as it was
    run(capsys, "entity", "merge", JAXA, "JAXA")
    code, out, _ = run(capsys, "export", "--format", "json")
    assert code == 0
    carried = json.loads(out)["https://broadsheet.invalid/ns#entityCorrections"]
    assert [(c["kind"], c["entity"], c["name"]) for c in carried] == [("merge", JAXA, "JAXA")]


def test_follow_is_a_saved_search_of_the_entity(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "follow", "takaichi", "--json")
    assert code == 0, err
    assert json.loads(out) == {"key": "Sanae Takaichi", "search": "Sanae Takaichi", "new": True}
    with SavedSearchStore(home) as searches:
        (saved,) = searches.all()
    assert (saved.name, saved.query) == ("Sanae Takaichi", 'entity:"Sanae Takaichi"')
    code, out, _ = run(capsys, "follow", "Sanae Takaichi", "--json")
    assert json.loads(out)["new"] is False
    code, out, _ = run(capsys, "entity", "takaichi", "--json")
    assert json.loads(out)["followed"] is True
    code, out, _ = run(capsys, "follow", "--json")
    assert json.loads(out) == [{"key": "Sanae Takaichi", "search": "Sanae Takaichi"}]
    # Something no article names yet can be followed: refreshes will bring it.
    code, out, _ = run(capsys, "follow", "Artemis Accords")
    assert code == 0 and "no article names it yet" in out
    code, out, _ = run(capsys, "unfollow", "Takaichi", "--json")
    assert code == 0 and json.loads(out)["key"] == "Sanae Takaichi"
    assert [f.key for f in followed_entities(home)] == ["Artemis Accords"]
    code, _, err = run(capsys, "unfollow", "Takaichi")
    assert code == 2 and "is not followed" in err


def test_follow_will_not_take_another_saved_searchs_name(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    with SavedSearchStore(home) as searches:
        searches.save("Tokyo", "tokyo -rain")
    code, _, err = run(capsys, "follow", "Tokyo")
    assert code == 1 and "a saved search is named 'Tokyo' already" in err
    with SavedSearchStore(home) as searches:
        assert [s.query for s in searches.all()] == ["tokyo -rain"]


def test_top_entities_since_an_age_with_the_change(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "entities", "--top", "--since", "7d", "--json")
    assert code == 0, err
    top = json.loads(out)
    assert list(top) == ["since", "until", "previous_since", "articles", "entities"]
    assert top["articles"] == 3  # launch, orbit, quinlans; budget is 9 days old
    entities = {e["key"]: e for e in top["entities"]}
    assert list(top["entities"][0]) == ["key", "label", "articles", "mentions", "previous",
                                        "change"]  # fmt: skip
    assert entities["Tokyo"]["articles"] == 2 and entities["Tokyo"]["previous"] == 1
    assert entities["Sanae Takaichi"]["change"] == 0  # one this week, one the week before
    assert top["entities"][0]["key"] in ("Tokyo", "JAXA", JAXA)
    code, out, _ = run(capsys, "entities", "--top", "--since", "36h", "--json")
    assert json.loads(out)["articles"] == 1
    code, out, _ = run(capsys, "entities", "--top", "--since", "2w", "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 2
    code, _, err = run(capsys, "entities", "--top", "--since", "fortnight")
    assert code == 2 and "--since takes an age" in err
    code, _, err = run(capsys, "entities")
    assert code == 2 and "give an ARTICLE_ID, or --top" in err


def test_a_read_only_home_shows_the_page_and_refuses_corrections(
    home: DataPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.db

    run(capsys, "entity", "Tokyo")  # the catalog exists, as in a home in use
    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    code, out, err = run(capsys, "entity", "Tokyo", "--json")
    assert code == 0, err
    assert json.loads(out)["key"] == "Tokyo"
    for arguments in (["entity", "hide", "Tokyo"], ["follow", "Tokyo"],
                      ["entity", "merge", "Tokyo", "JAXA"]):  # fmt: skip
        code, _, err = run(capsys, *arguments)
        assert code == 1, arguments
        assert "is read-only for this user: nothing can be saved there" in err
        assert "unexpected" not in err and "Traceback" not in err
    assert not home.entity_corrections_db.exists() and not home.saved_searches_db.exists()
