"""What the search index keeps of an article, and the changes it is given."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from store.db import FileSignature
from store.models import Article

BodyReader = Callable[[str], str | None]
"""A body by its hash, None when it is missing or damaged (``BodyStore.read``)."""


_FIELDS = operator.itemgetter(
    "id", "title", "standfirst", "body_hash", "published", "added",
    "feed_id", "source", "author", "url",
)  # fmt: skip
_TEXT_OR_NONE = {str, type(None)}


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """An article as the index holds it: the text it searches (title, standfirst, and the
    body named by ``body_hash``) and the metadata fields filter on."""

    article_id: str
    title: str
    standfirst: str
    body_hash: str
    date: str
    """Published, else added: what "newest first" sorts on (``Article.sort_key``)."""
    feed_id: str
    source: str
    author: str
    url: str

    @classmethod
    def of_record(cls, record: Mapping[str, Any]) -> SearchEntry | None:
        """From a shard's stored record; None for one without an id (damaged: the library
        skips it too). A field of the wrong type reads as empty."""
        # A catch-up reads every record of a stale shard: the usual record takes one
        # itemgetter and one type check, both in C.
        try:
            values = _FIELDS(record)
        except KeyError:
            values = None
        if values is not None and set(map(type, values)) <= _TEXT_OR_NONE and values[0]:
            article_id, title, standfirst, body_hash, published, added, *rest = values
            feed_id, source, author, url = (value or "" for value in rest)
            return cls(article_id, title or "", standfirst or "", body_hash or "",
                       published or added or "", feed_id, source, author, url)  # fmt: skip
        article_id = record.get("id")
        if not isinstance(article_id, str):
            return None
        return cls(
            article_id=article_id,
            title=_text(record, "title"),
            standfirst=_text(record, "standfirst"),
            body_hash=_text(record, "body_hash"),
            date=_text(record, "published") or _text(record, "added"),
            feed_id=_text(record, "feed_id"),
            source=_text(record, "source"),
            author=_text(record, "author"),
            url=_text(record, "url"),
        )

    @classmethod
    def of_article(cls, article: Article) -> SearchEntry:
        return cls(
            article_id=article.id,
            title=article.title,
            standfirst=article.standfirst,
            body_hash=article.body_hash,
            date=article.sort_key,
            feed_id=article.feed_id or "",
            source=article.source,
            author=article.author or "",
            url=article.url or "",
        )


@dataclass(frozen=True, slots=True)
class ShardWrite:
    """A writer's flush of one metadata shard: the file went from ``before`` to ``after``,
    and these records were written (None: the article was removed). ``records`` may be the
    stored records as ``TableFile.flush(on_written=…)`` reports them."""

    number: int
    before: FileSignature | None
    after: FileSignature | None
    records: Mapping[str, Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """What the index can tell of a hit without the shards: enough for a line of output."""

    article_id: str
    title: str
    date: str
    source: str
    author: str
    url: str
    feed_id: str
