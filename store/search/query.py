"""The search language: a query's text → a tree of dataclasses, and back to canonical text.

One language for the app's search bar, ``broadsheet search``, ``list QUERY`` and exports
(docs/search.md has it with examples):

- words and "quoted phrases", all of which must match; ``word*`` matches words that begin so;
- ``field:value`` (``feed tag entity author is has newer older``), the value quoted when it
  holds spaces (``entity:"Xi Jinping"``);
- ``-`` before a term excludes it; ``OR`` between terms; parentheses group; terms side by side
  must all match (``AND`` may be written, and means the same).

The highlights screen filters highlights with the same language (:data:`HIGHLIGHTS`): its
fields are ``colour tag has newer older``, and a field of articles there is refused by name.

``OR`` binds tighter than the implicit AND, as in mail searches: ``tariff china OR japan``
is ``tariff (china OR japan)``.

A malformed query raises :class:`QueryError`, naming the 1-based column and what was expected
there; nothing else is raised for any text. A word or phrase with no letter or digit in it
("&", "—") cannot be searched for (the index holds only words) and is passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

MAX_QUERY_LENGTH = 1_000
"""Longer text is refused: a search box never needs more, and the SQL it becomes stays small."""
MAX_NESTING = 32
"""Parentheses nested deeper are refused (a parse of hostile text must not recurse away)."""

FieldName = Literal["author", "colour", "entity", "feed", "has", "is", "newer", "older", "tag"]
FIELD_NAMES: tuple[FieldName, ...] = (
    "author", "entity", "feed", "has", "is", "newer", "older", "tag",
)  # fmt: skip
"""The fields of a search for articles."""
STATES = ("unread", "read", "starred")
"""The values of ``is:``."""
HAVINGS = {"highlights": "highlights", "highlight": "highlights", "note": "note", "notes": "note"}
"""The values of ``has:`` as written → as meant."""
COLOURS = ("yellow", "green", "blue", "pink", "purple")
"""The values of ``colour:`` (a highlight's colours, ``store.annotations.COLOURS``)."""


@dataclass(frozen=True, slots=True)
class Language:
    """What a query may ask of the things it searches: its fields and the values of ``has:``.
    The same words, phrases, operators and dates everywhere."""

    what: str
    """What is searched, for messages ("highlights")."""
    fields: tuple[FieldName, ...]
    havings: tuple[str, ...]


ARTICLES = Language("articles", FIELD_NAMES, ("highlights", "note"))
HIGHLIGHTS = Language("highlights", ("colour", "has", "newer", "older", "tag"), ("note",))
"""The highlights screen's filter: over quotes, notes, tags and headlines, ``colour:``,
``tag:``, ``has:note`` and the dates they were made."""
_EVERY_FIELD = frozenset((*FIELD_NAMES, "colour"))
AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks", "y": "years"}
_AGE = re.compile(r"[0-9]{1,6}[hdwy]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
QUOTES = '"“”„'
"""Typed quotes open and close a phrase as the straight one does."""
_WORD_END = frozenset(f"(){QUOTES}")


# The tree


@dataclass(frozen=True, slots=True)
class Word:
    """A word to find, in any case or accent, and in other forms of the same stem
    ("tariff" finds "tariffs"); ``prefix``: any word that begins with it."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words to find side by side, in this order."""

    text: str


@dataclass(frozen=True, slots=True)
class Field:
    """``name:value``: ``is`` and ``has`` values as meant (``note``, not ``notes``); dates and
    ages as written (:func:`store.search.plan.cutoff` reads them)."""

    name: FieldName
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    term: Node


@dataclass(frozen=True, slots=True)
class And:
    """Every term must match (two or more; never an And directly inside)."""

    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any term may match (two or more; never an Or directly inside)."""

    terms: tuple[Node, ...]


Node: TypeAlias = Word | Phrase | Field | Not | And | Or
Term: TypeAlias = Word | Phrase
"""What is looked for in the text itself."""


class QueryError(ValueError):
    """A query that cannot be read: where (1-based column) and what was expected there."""

    def __init__(self, column: int, problem: str) -> None:
        super().__init__(f"column {column}: {problem}")
        self.column = column
        self.problem = problem


# Reading text into tokens

TokenKind = Literal["term", "minus", "open", "close", "or", "and"]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: TokenKind
    column: int
    node: Word | Phrase | Field | None = None
    """For a term; None for one with nothing to search for ("&")."""


def _searchable(text: str) -> bool:
    return any(character.isalnum() for character in text)


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The text between the quote at ``start`` and the next quote, whitespace folded; the
    index after the closing quote."""
    end = start + 1
    while end < len(text) and text[end] not in QUOTES:
        end += 1
    if end == len(text):
        raise QueryError(
            len(text) + 1, f"expected a closing quote (for the one at column {start + 1})"
        )
    return " ".join(text[start + 1 : end].split()), end + 1


def _field(name: str, value: str, column: int, value_column: int, language: Language) -> Field:
    folded = "colour" if name.lower() == "color" else name.lower()
    if folded in _EVERY_FIELD and folded not in language.fields and language is not ARTICLES:
        raise QueryError(
            column,
            f"{folded}: does not apply to {language.what} "
            f"(the fields here are {', '.join(language.fields)})",
        )
    if folded not in language.fields:
        raise QueryError(
            column,
            f"unknown field {name}: (the fields are {', '.join(language.fields)}; "
            "to search for a word with a colon in it, put it in quotes)",
        )
    field_name: FieldName = folded
    wanted = _wanted(field_name, language)
    if not value:
        raise QueryError(value_column, f"expected {wanted} after {folded}:")
    if field_name == "is":
        if value.lower() not in STATES:
            raise QueryError(value_column, f"expected {wanted} after is:")
        return Field("is", value.lower())
    if field_name == "has":
        if HAVINGS.get(value.lower()) not in language.havings:
            raise QueryError(value_column, f"expected {wanted} after has:")
        return Field("has", HAVINGS[value.lower()])
    if field_name == "colour":
        if value.lower() not in COLOURS:
            raise QueryError(value_column, f"expected {wanted} after {folded}:")
        return Field("colour", value.lower())
    if field_name in ("newer", "older"):
        return Field(field_name, _when(value, field_name, value_column, wanted))
    return Field(field_name, value)


def _when(value: str, name: FieldName, column: int, wanted: str) -> str:
    folded = value.lower()
    if _AGE.fullmatch(folded):
        return folded
    if _DATE.fullmatch(folded):
        try:
            date.fromisoformat(folded)
        except ValueError:
            raise QueryError(column, f"{value} is not a date (expected YYYY-MM-DD)") from None
        return folded
    raise QueryError(column, f"expected {wanted} after {name}:")


def _wanted(name: FieldName, language: Language = ARTICLES) -> str:
    if name == "has":
        return " or ".join(language.havings)
    if name == "tag" and language is HIGHLIGHTS:
        return "a tag"
    return {
        "author": "an author's name",
        "colour": f"{', '.join(COLOURS[:-1])} or {COLOURS[-1]}",
        "entity": "a name (a person, place or organisation)",
        "feed": "a feed's name",
        "tag": "a tag or folder",
        "is": "unread, read or starred",
        "newer": "an age (12h, 7d, 2w, 1y) or a date (2026-01-31)",
        "older": "an age (12h, 7d, 2w, 1y) or a date (2026-01-31)",
    }[name]


def _tokens(text: str, language: Language) -> Iterator[_Token]:
    position = 0
    length = len(text)
    while position < length:
        character = text[position]
        column = position + 1
        if character.isspace():
            position += 1
        elif character == "(":
            position += 1
            yield _Token("open", column)
        elif character == ")":
            position += 1
            yield _Token("close", column)
        elif character in QUOTES:
            phrase, position = _quoted(text, position)
            yield _Token("term", column, Phrase(phrase) if _searchable(phrase) else None)
        elif character == "-" and position + 1 < length and _starts_term(text[position + 1]):
            position += 1
            yield _Token("minus", column)
        else:
            end = position
            while end < length and not text[end].isspace() and text[end] not in _WORD_END:
                end += 1
            run, position = text[position:end], end
            if run in ("OR", "AND"):
                yield _Token("or" if run == "OR" else "and", column)
                continue
            named = _FIELD.fullmatch(run)
            if named is None:
                yield _Token("term", column, _word(run))
                continue
            name, value = named.groups()
            value_column = column + len(name) + 1
            if not value and position < length and text[position] in QUOTES:
                value, position = _quoted(text, position)
            yield _Token("term", column, _field(name, value, column, value_column, language))


def _starts_term(character: str) -> bool:
    """Whether a ``-`` before this character excludes a term (a lone dash is punctuation)."""
    return not character.isspace() and character != ")"


def _word(run: str) -> Word | None:
    stem = run.rstrip("*")
    if not _searchable(stem):
        return None
    return Word(stem, prefix=len(stem) < len(run))


# Tokens into the tree


class _Parser:
    """Recursive descent over the tokens: query := all; all := any ([AND] any)*;
    any := unary (OR unary)*; unary := '-'* primary; primary := term | '(' all ')'.
    A term with nothing to search for becomes None, and is dropped where it stands."""

    def __init__(self, text: str, language: Language) -> None:
        self.text = text
        self.tokens = list(_tokens(text, language))
        self.position = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def end_column(self) -> int:
        return len(self.text) + 1

    def query(self) -> Node:
        node = self.all_of()
        token = self.peek()
        if token is not None:  # only a ")" stops all_of early
            raise QueryError(token.column, "this ) closes no (")
        if node is None:
            raise QueryError(
                1, 'expected a word, a "phrase" or a field such as feed:NAME to search for'
            )
        return node

    def all_of(self) -> Node | None:
        terms: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "close":
            if token.kind == "and":
                previous = self.tokens[self.position - 1] if self.position else None
                if previous is None or previous.kind in ("open", "and", "or", "minus"):
                    raise QueryError(token.column, "expected a word, phrase or field before AND")
                self.take()
                if (after := self.peek()) is None or after.kind in ("close", "or", "and"):
                    where = after.column if after is not None else self.end_column()
                    raise QueryError(where, "expected a word, phrase or field after AND")
                continue
            node = self.any_of()
            if isinstance(node, And):
                terms.extend(node.terms)
            elif node is not None:
                terms.append(node)
        return _joined(And, terms)

    def any_of(self) -> Node | None:
        token = self.peek()
        if token is not None and token.kind == "or":
            raise QueryError(token.column, "expected a word, phrase or field before OR")
        terms: list[Node] = []
        node = self.unary()
        while True:
            if isinstance(node, Or):
                terms.extend(node.terms)
            elif node is not None:
                terms.append(node)
            token = self.peek()
            if token is None or token.kind != "or":
                return _joined(Or, terms)
            self.take()
            after = self.peek()
            if after is None or after.kind in ("close", "or", "and"):
                where = after.column if after is not None else self.end_column()
                raise QueryError(where, "expected a word, phrase or field after OR")
            node = self.unary()

    def unary(self) -> Node | None:
        negations = 0
        while (token := self.peek()) is not None and token.kind == "minus":
            self.take()
            negations += 1
        token = self.peek()
        if negations and (token is None or token.kind not in ("term", "open")):
            where = token.column if token is not None else self.end_column()
            raise QueryError(where, "expected a word, phrase or field after -")
        node = self.primary()
        # "--x" is x: negations cancel in pairs, so the tree never nests them.
        if node is None or negations % 2 == 0:
            return node
        return node.term if isinstance(node, Not) else Not(node)

    def primary(self) -> Node | None:
        token = self.take()
        if token.kind == "term":
            return token.node
        if token.kind != "open":
            # Not reached: the callers look first (kept so that a slip is a QueryError too).
            raise QueryError(token.column, "expected a word, phrase or field")
        if self.depth == MAX_NESTING:
            raise QueryError(token.column, f"parentheses nest at most {MAX_NESTING} deep")
        self.depth += 1
        inner = self.peek()
        if inner is not None and inner.kind == "close":
            raise QueryError(inner.column, "expected a word, phrase or field inside ( )")
        node = self.all_of()
        closing = self.peek()
        if closing is None:
            raise QueryError(
                self.end_column(), f"expected a closing ) (for the ( at column {token.column})"
            )
        self.take()
        self.depth -= 1
        return node


def _joined(kind: type[And] | type[Or], terms: list[Node]) -> Node | None:
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    return kind(tuple(terms))


def parse(text: str, language: Language = ARTICLES) -> Node:
    """The tree of a query (of articles, unless ``language`` says what else); QueryError (and
    nothing else) when it cannot be read."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(MAX_QUERY_LENGTH + 1, f"a query is at most {MAX_QUERY_LENGTH} characters")
    # Control characters separate words (SQLite would cut a string at a NUL), and halves of
    # surrogate pairs (undecodable bytes in a command's arguments) are no letters: one for
    # one, so that columns still count the text as typed.
    return _Parser(_UNSEARCHABLE.sub(_replacement, text), language).query()


_UNSEARCHABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() < "\ud800" else "\ufffd"


# The tree back into text


def canonical(node: Node) -> str:
    """The text of a tree, which :func:`parse` reads back into the same tree: fields in lower
    case, phrases in straight quotes, single spaces, parentheses only where needed."""
    if isinstance(node, Word):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Field):
        bare = node.value and not any(c.isspace() or c in _WORD_END for c in node.value)
        return f"{node.name}:{node.value}" if bare else f'{node.name}:"{node.value}"'
    if isinstance(node, Not):
        inner = canonical(node.term)
        return f"-({inner})" if isinstance(node.term, And | Or) else f"-{inner}"
    if isinstance(node, Or):
        return " OR ".join(f"({canonical(t)})" if isinstance(t, And) else canonical(t)
                           for t in node.terms)  # fmt: skip
    return " ".join(canonical(term) for term in node.terms)


def positive_terms(node: Node) -> tuple[Term, ...]:
    """The words and phrases a match is found by (those not excluded), in query order, each
    once: what the app marks in headlines and in the reader."""
    found: dict[Term, None] = {}

    def walk(current: Node) -> None:
        if isinstance(current, Word | Phrase):
            found.setdefault(current, None)
        elif isinstance(current, And | Or):
            for term in current.terms:
                walk(term)

    walk(node)
    return tuple(found)
