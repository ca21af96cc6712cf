"""The search language: every operator, how tightly each binds, and what a malformed query is
told. Any text either parses or raises QueryError, and a tree survives its canonical text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.search.plan import cutoff
from store.search.query import (
    FIELD_NAMES,
    MAX_NESTING,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Word,
    canonical,
    parse,
    positive_terms,
)


def w(text: str) -> Word:
    return Word(text)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("tariff", w("tariff")),
        ("  Tariff  ", w("Tariff")),
        ("tariff china", And((w("tariff"), w("china")))),
        ("tariff AND china", And((w("tariff"), w("china")))),
        ('"trade war"', Phrase("trade war")),
        ('"  trade \n war "', Phrase("trade war")),
        ("“trade war”", Phrase("trade war")),
        ('say"trade war"', And((w("say"), Phrase("trade war")))),
        ("tari*", Word("tari", prefix=True)),
        ("-tariff", Not(w("tariff"))),
        ('-"trade war"', Not(Phrase("trade war"))),
        ("--tariff", w("tariff")),
        ("---tariff", Not(w("tariff"))),
        ("-(a b)", Not(And((w("a"), w("b"))))),
        ("a OR b", Or((w("a"), w("b")))),
        ("a or b", And((w("a"), w("or"), w("b")))),
        ("a OR b OR c", Or((w("a"), w("b"), w("c")))),
        ("(a OR b) OR c", Or((w("a"), w("b"), w("c")))),
        ("(a b) c", And((w("a"), w("b"), w("c")))),
        ("((a))", w("a")),
        ("well-known", w("well-known")),
        ("10:30", w("10:30")),
        ('"re: budget"', Phrase("re: budget")),
        ("feed:bbc", Field("feed", "bbc")),
        ('feed:"Financial Times"', Field("feed", "Financial Times")),
        ("FEED:bbc", Field("feed", "bbc")),
        ("feed:news:world", Field("feed", "news:world")),
        ("tag:World/Asia", Field("tag", "World/Asia")),
        ('entity:"Xi Jinping"', Field("entity", "Xi Jinping")),
        ("author:Okafor", Field("author", "Okafor")),
        ("is:unread", Field("is", "unread")),
        ("is:READ", Field("is", "read")),
        ("is:starred", Field("is", "starred")),
        ("has:highlights", Field("has", "highlights")),
        ("has:highlight", Field("has", "highlights")),
        ("has:notes", Field("has", "note")),
        ("newer:7d", Field("newer", "7d")),
        ("newer:12H", Field("newer", "12h")),
        ("older:2026-01-01", Field("older", "2026-01-01")),
        ("-is:read", Not(Field("is", "read"))),
        ("-feed:bbc tariff", And((Not(Field("feed", "bbc")), w("tariff")))),
        # Words with nothing to search for are passed over.
        ("trade & tariffs", And((w("trade"), w("tariffs")))),
        ("Trump - Xi", And((w("Trump"), w("Xi")))),
        ('tariff -"…"', w("tariff")),
        ("tariff (&)", w("tariff")),
        ("a OR & OR b", Or((w("a"), w("b")))),
    ],
)
def test_each_operator(text: str, tree: Node) -> None:
    assert parse(text) == tree


def test_or_binds_tighter_than_and() -> None:
    # As in mail searches: "tariff china OR japan" is tariff (china OR japan).
    assert parse("tariff china OR japan") == And((w("tariff"), Or((w("china"), w("japan")))))
    assert parse("a OR b c OR d") == And((Or((w("a"), w("b"))), Or((w("c"), w("d")))))
    assert parse("(a b) OR c") == Or((And((w("a"), w("b"))), w("c")))
    assert parse("-a OR b") == Or((Not(w("a")), w("b")))
    assert parse("x -(a OR b) is:unread") == And(
        (w("x"), Not(Or((w("a"), w("b")))), Field("is", "unread"))
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'column 1: expected a word, a "phrase" or a field such as feed:NAME to search for'),
        ("&", 'column 1: expected a word, a "phrase" or a field'),
        ('tariff "xi jin', "column 15: expected a closing quote (for the one at column 8)"),
        ('feed:"Financial', "column 16: expected a closing quote (for the one at column 6)"),
        ("(a b", "column 5: expected a closing ) (for the ( at column 1)"),
        ("a b)", "column 4: this ) closes no ("),
        ("()", "column 2: expected a word, phrase or field inside ( )"),
        ("OR a", "column 1: expected a word, phrase or field before OR"),
        ("a OR", "column 5: expected a word, phrase or field after OR"),
        ("a OR OR b", "column 6: expected a word, phrase or field after OR"),
        ("(a OR) b", "column 6: expected a word, phrase or field after OR"),
        ("AND a", "column 1: expected a word, phrase or field before AND"),
        ("a AND", "column 6: expected a word, phrase or field after AND"),
        ("a AND OR b", "column 7: expected a word, phrase or field after AND"),
        ("-OR a", "column 2: expected a word, phrase or field after -"),
        ("is:maybe", "column 4: expected unread, read or starred after is:"),
        ("has:tags", "column 5: expected highlights or note after has:"),
        ("newer:soon", "column 7: expected an age (12h, 7d, 2w, 1y) or a date (2026-01-31)"),
        ("older:2026-02-30", "column 7: 2026-02-30 is not a date (expected YYYY-MM-DD)"),
        ("x feed:", "column 8: expected a feed's name after feed:"),
        ('entity:"  "', "column 8: expected a name (a person, place or organisation)"),
        ("tag:", "column 5: expected a tag or folder after tag:"),
        ("x colour:pink", "column 3: unknown field colour: (the fields are author, entity, feed"),
        ("http://example.org", "column 1: unknown field http:"),
        ("x" * 1001, "column 1001: a query is at most 1000 characters"),
        ("(" * (MAX_NESTING + 1) + "a", f"column {MAX_NESTING + 1}: parentheses nest at most"),
    ],
)
def test_malformed_queries_say_where_and_what(text: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(text)
    assert str(raised.value).startswith(message)
    assert str(raised.value) == f"column {raised.value.column}: {raised.value.problem}"


def test_an_unknown_field_is_told_every_known_one() -> None:
    with pytest.raises(QueryError) as raised:
        parse("source:bbc")
    assert all(f"{name}," in str(raised.value) or f"{name};" in str(raised.value)
               for name in FIELD_NAMES)  # fmt: skip
    assert "put it in quotes" in str(raised.value)


def test_nesting_up_to_the_limit_is_fine() -> None:
    assert parse("(" * MAX_NESTING + "a" + ")" * MAX_NESTING) == w("a")


def test_positive_terms_leave_out_what_is_excluded() -> None:
    tree = parse('tariff -china ("trade war" OR tari*) -(japan korea) feed:bbc tariff')
    assert positive_terms(tree) == (w("tariff"), Phrase("trade war"), Word("tari", prefix=True))


def test_control_characters_separate_words_and_columns_still_count() -> None:
    assert parse("a\x00b\x1b[31mc") == And((w("a"), w("b"), w("[31mc")))
    assert parse("\udcff tariff") == w("tariff")  # an undecodable byte from the command line
    with pytest.raises(QueryError) as raised:
        parse('\x00\x00"open')
    assert raised.value.column == 8


def test_ages_count_back_from_now_and_dates_stay_as_they_are() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert cutoff("7d", now) == "2026-03-03T12:00:00+00:00"
    assert cutoff("12h", now) == "2026-03-10T00:00:00+00:00"
    assert cutoff("2w", now) == "2026-02-24T12:00:00+00:00"
    assert cutoff("1y", now) == (now - timedelta(days=365)).isoformat()
    assert cutoff("2026-01-01", now) == "2026-01-01"
    # Another zone is the same instant, in UTC as the stored dates are.
    tokyo = now.astimezone(datetime.fromisoformat("2026-01-01T00:00+09:00").tzinfo)
    assert cutoff("7d", tokyo) == "2026-03-03T12:00:00+00:00"
    # Further back than the calendar goes: everything is newer.
    assert cutoff("999999y", now) == ""


# Any text: a tree or a QueryError, and the tree survives its canonical text.

QUERY_PIECES = st.sampled_from([
    " ", "  ", "a", "Zé", "東京", "tariff", "x*", "*", "-", "--", "(", ")", '"', "“", "”", ":",
    "OR", "AND", "or", "&", "…", "7d", "2026-01-01", "\n", "\t", "\x1b", "\x00",
    *(f"{name}:" for name in FIELD_NAMES), "unread", "note", "Feed:", "colour:",
])  # fmt: skip
QUERY_TEXT = st.lists(QUERY_PIECES, max_size=14).map("".join) | st.text(max_size=40)


@given(QUERY_TEXT)
@settings(max_examples=1500)
def test_any_text_parses_or_says_where_it_went_wrong(text: str) -> None:
    try:
        tree = parse(text)
    except QueryError as problem:
        assert 1 <= problem.column <= len(text) + 1
        return
    assert parse(canonical(tree)) == tree
    assert canonical(parse(canonical(tree))) == canonical(tree)


WORD_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='()"“”„*'),
    min_size=1,
    max_size=8,
).filter(
    lambda text: (
        not any(c.isspace() for c in text)
        and any(c.isalnum() for c in text)
        and text not in ("OR", "AND")
        and not text.startswith("-")
        and not (":" in text and text.split(":")[0].isascii() and text.split(":")[0].isalpha())
    )
)
PHRASE_TEXT = st.lists(WORD_TEXT, min_size=1, max_size=3).map(" ".join)
VALUE_TEXT = st.lists(WORD_TEXT | st.just("-x"), min_size=1, max_size=2).map(" ".join)
LEAVES: st.SearchStrategy[Node] = st.one_of(
    st.builds(Word, WORD_TEXT, st.booleans()),
    st.builds(Phrase, PHRASE_TEXT),
    st.builds(Field, st.sampled_from(["feed", "tag", "entity", "author"]), VALUE_TEXT),
    st.builds(Field, st.just("is"), st.sampled_from(["unread", "read", "starred"])),
    st.builds(Field, st.just("has"), st.sampled_from(["highlights", "note"])),
    st.builds(Field, st.sampled_from(["newer", "older"]), st.sampled_from(["7d", "2026-01-31"])),
)


def _flat(kind: type[And] | type[Or], terms: list[Node]) -> Node:
    flat: list[Node] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return kind(tuple(flat))


TREES: st.SearchStrategy[Node] = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        children.filter(lambda node: not isinstance(node, Not)).map(Not),
        st.lists(children, min_size=2, max_size=3).map(lambda terms: _flat(And, terms)),
        st.lists(children, min_size=2, max_size=3).map(lambda terms: _flat(Or, terms)),
    ),
    max_leaves=8,
)


@given(TREES)
@settings(max_examples=800)
def test_a_tree_survives_its_canonical_text(tree: Node) -> None:
    assert parse(canonical(tree)) == tree
