"""Dates as Broadsheet stores them: ISO 8601 strings, in UTC when the source gave a zone."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime


def normalise_date(value: object) -> str | None:
    """An ISO 8601 string for a date given as ISO text, RFC 822 text, datetime or struct_time.

    Returns None for anything that is not recognisably a date, rather than guessing.
    """
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, time.struct_time):
        try:
            parsed = datetime(*value[:6], tzinfo=UTC)
        except ValueError:  # feedparser's parse of "0000-…" or of a 30 February
            return None
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC)
        except OverflowError:  # the first or last day datetime holds, moved past its end
            return None
    return parsed.replace(microsecond=0).isoformat()
