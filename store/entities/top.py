"""Today's entities: the most-named entities of a period, with the change from the one before.

Read from the entity catalog (bring it up to date first): the articles dated in the period
(published, else added) and the entities they name, counted as :mod:`store.entities.counting`
counts them (the user's corrections applied, hidden entities left out). The period before is
as long and ends where the period begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from store.entities.catalog import EntityCatalog
from store.entities.counting import count_entities, ranked
from store.models import EntityLabel

TOP = 20


@dataclass(frozen=True, slots=True)
class TopEntity:
    key: str
    label: EntityLabel
    articles: int
    """Articles of the period that name it."""
    mentions: int
    previous: int
    """Articles of the period before that name it."""

    @property
    def change(self) -> int:
        return self.articles - self.previous


@dataclass(frozen=True, slots=True)
class TopEntities:
    since: datetime
    until: datetime
    articles: int
    """Articles dated in the period."""
    entities: tuple[TopEntity, ...]


def top_entities(
    catalog: EntityCatalog, since: datetime, until: datetime, *, limit: int | None = TOP
) -> TopEntities:
    """The entities named in the most articles dated from ``since`` to ``until`` (aware
    datetimes, both within), at most ``limit`` (None: all)."""
    before = since - (until - since)
    # The period holds its last second (an article added as the command runs); the period
    # before ends where it begins.
    period = [_instant(since), _instant(until)]
    scope = "SELECT num FROM article WHERE sort_key >= ? AND sort_key <= ?"
    now = count_entities(catalog, scope, period)
    then = count_entities(
        catalog,
        "SELECT num FROM article WHERE sort_key >= ? AND sort_key < ?",
        [_instant(before), _instant(since)],
    )
    ((articles,),) = catalog.select(f"SELECT COUNT(*) FROM ({scope})", period)
    chosen = ranked(now.values(), limit)
    return TopEntities(
        since,
        until,
        int(articles),
        tuple(
            TopEntity(
                count.key,
                count.label,
                count.articles,
                count.mentions,
                then[count.key].articles if count.key in then else 0,
            )
            for count in chosen
        ),
    )


def _instant(moment: datetime) -> str:
    """As the stored dates are written (ISO 8601 in UTC), so that text compares as time."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
