"""Site furniture: what a page or a pasted article carries that is not the article.

Structure first: an element that is furniture by what it is (an ``<aside>``, a ``<nav>``, a
figure's caption, an element marked as a byline, a dateline, a share bar, an advert) is
dropped whole (:func:`is_furniture_element`), and a ``<time>`` standing alone as a block is
dropped by the HTML reader. Then words: whole lines that are furniture wherever they stand
("Advertisement", "Read more: …", "Related: …", "Subscribe to our newsletter…")
(:func:`is_furniture_line`), and lines that are furniture only at the end of an article
(:func:`is_trailer_furniture`, a copyright line) or are its credit
(:func:`is_credit_line`, "With inputs from agencies").
"""

from __future__ import annotations

import re

from lxml import etree

FURNITURE_TAGS = frozenset({"aside", "nav", "figcaption"})
FURNITURE_ROLES = frozenset(
    {"complementary", "navigation", "banner", "contentinfo", "search", "toolbar"}
)
# Words in a class, id or itemprop that mark an element as furniture (split at spaces, "-"
# and "_", so "article-byline" and "c-share__button" count, "shared" and "adventure" not).
FURNITURE_MARKS = frozenset(
    {
        "byline", "dateline", "author", "authors", "timestamp", "datepublished",
        "datemodified", "share", "sharing", "social", "related", "newsletter", "subscribe",
        "promo", "advert", "advertisement", "ad", "ads", "sponsored", "caption",
        "credit", "breadcrumb", "breadcrumbs", "tags",
    }
)  # fmt: skip
FURNITURE_ELEMENT_MAX_CHARS = 300
"""A marked element holding more text than this is not taken for furniture: a page that marks
its whole article "has-author" must not lose it."""
_MARK_SEPARATORS = re.compile(r"[\s_-]+")

LINE_MAX_CHARS = 200
"""Longer lines are text, whatever words they start with."""
_WHOLE_LINE = re.compile(
    r"""
    (?:skip\s+)?advert(?:isement|isements|orial)?s?
    | ads?
    | sponsored(?:\s+content)?
    | (?:story|article)\s+continues\s+(?:below|after\s+(?:this\s+)?(?:ad|advertisement))
      (?:\s+(?:this\s+)?advertisement)?
    | continue\s+reading(?:\s+(?:below|the\s+main\s+story))?
    | scroll\s+(?:down\s+)?to\s+continue(?:\s+with\s+content)?
    | share(?:\s+this(?:\s+article|\s+story)?)?
    | read\s+more
    | related(?:\s+(?:articles?|stories|coverage|content|links|topics|reading))?
    | more\s+(?:stories|on\s+this\s+story)
    | end\s+of\s+(?:the\s+)?(?:article|story|report)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LEAD_IN = re.compile(
    r"""^(?:read\s+more|also\s+read|read\s+also|related(?:\s+(?:articles?|stories|coverage))?
    |see\s+also|more\s+on\s+this(?:\s+story)?|recommended(?:\s+reading)?|watch)
    \s*[:|–—]""",
    re.IGNORECASE | re.VERBOSE,
)
_INVITATION = re.compile(
    r"""^(?:subscribe\s+(?:to|now|for|today)\b|sign\s+up\s+(?:to|for|now)\b
    |follow\s+us\b|(?:click|tap)\s+here\b|share\s+(?:this|on)\b
    |download\s+(?:our|the)\s+app\b|get\s+(?:our|the)\s+(?:\w+\s+){0,3}newsletter\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_TRAILER = re.compile(
    r"^(?:(?:©|\(c\)|copyright)\s|all rights reserved)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^(?:with (?:inputs?|reporting) from|(?:additional )?reporting by|written by|edited by"
    r"|compiled by)\b",
    re.IGNORECASE,
)
_EDGE_PUNCTUATION = " .:-–—|·•*()[]"


_FIRST_WORDS = re.compile(
    r"[\s.:|·•*()\[\]–—-]*(?:skip|advert|ads?\b|sponsor|story|article|continue|scroll|share"
    r"|read|related|more|end|also|see|recommended|watch|subscribe|sign|follow|click|tap"
    r"|download|get)",
    re.IGNORECASE,
)


def may_be_furniture(text: str) -> bool:
    """Whether a text (not yet cleaned) starts as a furniture line does: a quick look, so
    that most paragraphs are not cleaned only to find they are not."""
    return bool(_FIRST_WORDS.match(text))


def is_furniture_line(line: str) -> bool:
    """A whole line (a paragraph) that is furniture wherever it stands in an article."""
    words = line.strip(_EDGE_PUNCTUATION)
    if not words or len(words) > LINE_MAX_CHARS:
        return False
    if len(words.split()) <= 8 and _WHOLE_LINE.fullmatch(words):
        return True
    return bool(_LEAD_IN.match(words) or _INVITATION.match(words))


def is_trailer_furniture(line: str) -> bool:
    """Furniture when it ends an article (and text when it does not): copyright lines."""
    if is_furniture_line(line):
        return True
    words = line.strip(" .")
    return len(words) <= LINE_MAX_CHARS and bool(_TRAILER.match(words))


def is_credit_line(line: str) -> bool:
    """An article's credit ("With inputs from agencies", "Reporting by …")."""
    words = line.strip(" .")
    return len(words) <= LINE_MAX_CHARS and bool(_CREDIT.match(words))


def is_furniture_element(element: etree._Element, tag: str) -> bool:
    """Whether an element (``tag``: its lower-case name) is furniture by what it is."""
    if tag in FURNITURE_TAGS:
        return True
    attributes = element.attrib
    if not attributes:  # most elements: checked first, as this runs on every one
        return False
    if (attributes.get("role") or "").strip().lower() in FURNITURE_ROLES:
        return True
    marks = " ".join(attributes.get(name) or "" for name in ("class", "id", "itemprop", "rel"))
    if FURNITURE_MARKS.isdisjoint(_MARK_SEPARATORS.split(marks.lower())):
        return False
    text = "".join(element.itertext())
    return len(" ".join(text.split())) <= FURNITURE_ELEMENT_MAX_CHARS
