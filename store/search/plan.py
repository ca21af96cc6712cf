"""A query's tree → the SQL that finds its articles in the search index.

The index (:mod:`store.search.index`) has a table ``article`` (alias ``a``: one row per
article, its metadata in columns) and an FTS5 table ``text`` over title, standfirst and body,
whose rowid is ``a.num``. The words of a query go to FTS5; everything else is SQL on ``a``.

Where it can, the plan hands FTS5 one expression that every hit must match, which both
filters and ranks (``tariff "trade war" -china feed:bbc`` is one MATCH, and the field a
condition beside it). Text that sits under an OR with a field, or alone under a ``-``, becomes
``a.num IN (SELECT rowid FROM text WHERE text MATCH …)`` inside the SQL condition, and the hits
are then ranked by the query's positive words, when it has any.

Fields are turned into SQL by the caller (:class:`FieldSql`): the engine knows the read state,
the highlights, the feeds and the entity catalog; the plan knows only the shape of the query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from store.search.query import And, Field, Node, Not, Or, Phrase, Term, Word, positive_terms

Sql = tuple[str, tuple[object, ...]]
"""An SQL condition over ``article a`` and its parameters."""
FieldSql = Callable[[Field], Sql]


@dataclass(frozen=True, slots=True)
class QueryPlan:
    match: str | None
    """An FTS5 expression every hit matches, and which ranks them; None when there is none."""
    ranking: str | None
    """When ``match`` is None: an FTS5 expression of the query's positive words, to rank the
    hits that match it above the others; None when the query has no positive words."""
    where: str
    """An SQL condition on ``article a`` that every hit meets (beside ``match``)."""
    params: tuple[object, ...]
    terms: tuple[Term, ...]


def fts_string(text: str) -> str:
    """An FTS5 string: FTS5's own tokenizer splits it into words, so any text is safe."""
    return '"' + text.replace('"', '""') + '"'


def fts_expression(node: Node) -> str | None:
    """The FTS5 expression of a tree of words and phrases; None when it holds a field, or a
    ``-`` with nothing positive beside it (FTS5's NOT needs something to take away from)."""
    if isinstance(node, Word):
        return fts_string(node.text) + (" *" if node.prefix else "")
    if isinstance(node, Phrase):
        return fts_string(node.text)
    if isinstance(node, And):
        wanted = [term for term in node.terms if not isinstance(term, Not)]
        unwanted = [term.term for term in node.terms if isinstance(term, Not)]
        return _with_exclusions(wanted, unwanted)
    if isinstance(node, Or):
        parts = [fts_expression(term) for term in node.terms]
        return None if None in parts else "(" + " OR ".join(map(str, parts)) + ")"
    return None


def _with_exclusions(wanted: Sequence[Node], unwanted: Sequence[Node]) -> str | None:
    if not wanted:
        return None
    parts = [fts_expression(term) for term in [*wanted, *unwanted]]
    if None in parts:
        return None
    expression = "(" + " AND ".join(map(str, parts[: len(wanted)])) + ")"
    for excluded in parts[len(wanted) :]:
        expression = f"({expression} NOT {excluded})"
    return expression


def plan_query(node: Node, field_sql: FieldSql) -> QueryPlan:
    """How to find ``node``'s articles (see the module's docstring)."""
    terms = positive_terms(node)
    wanted: list[Node] = []
    unwanted: list[Node] = []
    rest: list[Node] = []
    for term in node.terms if isinstance(node, And) else (node,):
        if isinstance(term, Not) and fts_expression(term.term) is not None:
            unwanted.append(term.term)
        elif not isinstance(term, Not) and fts_expression(term) is not None:
            wanted.append(term)
        else:
            rest.append(term)
    if not wanted:
        where, params = _condition(node, field_sql)
        ranking = " OR ".join(_term_expression(term) for term in terms)
        return QueryPlan(None, ranking or None, where, params, terms)
    conditions = [_condition(term, field_sql) for term in rest]
    where = " AND ".join(sql for sql, _ in conditions) or "1"
    params = tuple(value for _, values in conditions for value in values)
    return QueryPlan(_with_exclusions(wanted, unwanted), None, where, params, terms)


def _term_expression(term: Term) -> str:
    expression = fts_expression(term)
    assert expression is not None  # a word or a phrase always has one
    return expression


def _condition(node: Node, field_sql: FieldSql) -> Sql:
    expression = fts_expression(node)
    if expression is not None:
        return "a.num IN (SELECT rowid FROM text WHERE text MATCH ?)", (expression,)
    if isinstance(node, Field):
        sql, params = field_sql(node)
        return f"({sql})", params
    if isinstance(node, Not):
        sql, params = _condition(node.term, field_sql)
        return f"NOT {sql}", params
    assert isinstance(node, And | Or), node  # words and phrases have an expression
    parts = [_condition(term, field_sql) for term in node.terms]
    joiner = " AND " if isinstance(node, And) else " OR "
    return (
        "(" + joiner.join(sql for sql, _ in parts) + ")",
        tuple(value for _, values in parts for value in values),
    )


def cutoff(value: str, now: datetime) -> str:
    """The ISO 8601 instant (UTC) of ``newer:``/``older:``'s value: a date as it is, an age
    (``7d``) counted back from ``now``. Compared as text with the stored dates, which are
    ISO 8601 too."""
    if "-" in value:
        return value
    amount, unit = int(value[:-1]), value[-1]
    hours = {"h": 1, "d": 24, "w": 24 * 7, "y": 24 * 365}[unit]
    try:
        instant = now.astimezone(UTC) - timedelta(hours=amount * hours)
    except OverflowError:
        return ""  # before the year 1: everything is newer
    return instant.isoformat(timespec="seconds")
