"""The rule-based extractor's first step: the runs of capitalised words a text holds, each cut
into groups of tokens that may make one name ("Robert F. Kennedy Jr.", "Côte d'Ivoire",
"Attorney General's Office"), with the words that never do ("The", "Monday", "Tinubu's")
left out or closing a group."""

from __future__ import annotations

import re

from store.entities import vocabulary as vocab
from store.entities.candidates import Token
from store.entities.gazetteer import gazetteer
from store.entities.shapes import name_shaped

_TOKEN = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Adm|Jr|Sr|St|ST|Ste|Mt)\."
    r"|(?:[A-Z]\.){2,}"
    r"|[A-Z]\.(?= [A-Z])"  # a middle initial: "Robert F. Kennedy"
    r"|[A-Z]{2,}\+"  # "OPEC+"
    r"|[A-Z]{1,3}&[A-Z]{1,3}\b"  # "AT&T", "H&M", "S&P"
    r"|(?<=Highway )\d{1,3}\b|(?<=Route )\d{1,3}\b"  # "Highway 8", "Route 66"
    r"|(?:Corp|Inc|Co|Ltd|Bros)\."  # "Toyota Motor Corp.": the abbreviation's dot is the name's
    r"|[A-Z][^\W_]*s['’](?= [A-Z])"  # a plural possessive before a name: "Farmers' Union"
    # Capitals of Latin-1 and of Latin Extended ("Łódź", "Đà Nẵng", "Şanlıurfa").
    # An elided "d'" joins the word after it: "Côte d'Ivoire", "Palme d'Or".
    r"|[A-ZÀ-ÖØ-Þ\u0100-\u024f\u1e00-\u1eff][^\W_]*(?:[-'’][^\W_]+| d['’][A-ZÀ-Þ][^\W_]*)*)"
)
# An Arabic article with a hyphen goes on a name as a word of its own: "Hamood al-Abri".
_ARTICLED = r"(?:al|el)-[A-ZÀ-Þ][^\W_]*"
_CONNECTOR = (
    r"(?:of|for|and|de|da|das|do|dos|del|della|der|di|du|la|le|van|von|bin|bint|al|el|the|&|"
    # Other languages' "and", "of the" and "at": "Ciencia y Tecnología", "Bangko Sentral ng
    # Pilipinas", "Comhairle nan Eilean Siar", "Place des Vosges".
    r"y|e|et|und|des|ng|nan|zu|zur|à)"
)
# The look-behind keeps "eSafety" and "iPhone" from yielding "Safety" and "Phone".
RUN = re.compile(rf"(?<![^\W_]){_TOKEN}(?:(?: {_CONNECTOR})* {_TOKEN}| {_ARTICLED})*")
_PART = re.compile(rf"{_TOKEN}|{_ARTICLED}|{_CONNECTOR}")
_CONNECTORS = frozenset(_CONNECTOR[3:-1].split("|"))
_POSSESSIVE = ("'s", "’s")


def groups(offset: int, run: str, text: str) -> list[list[Token]]:
    """Split a capitalised run where no name goes on: possessives, weekdays, "The", "She"."""
    if " " not in run:
        # Most runs are one word; this path is the extractor's hottest.
        token = _word_token(offset, offset + len(run), run)
        return [[token[0]]] if token is not None else []
    groups: list[list[Token]] = []
    current: list[Token] = []

    def close() -> None:
        while current and current[-1].connector:
            current.pop()
        if current:
            groups.append(current.copy())
        current.clear()

    parts = [(part.group(), part.start(), part.end()) for part in _PART.finditer(run)]
    for index, (word, start, end) in enumerate(parts):
        start, end = offset + start, offset + end
        if word in _CONNECTORS:
            if current:
                current.append(Token(start, end, word, connector=True))
            continue
        found = _word_token(start, end, word)
        if found is None and (
            _month_before_a_name(word, parts[index + 1 : index + 2])
            or _month_after_a_given_name(word, current, text, end)
        ):
            found = Token(start, end, word), False
        if found is None:
            close()
            continue
        if found[1] and (
            _possessive_inside_a_name(found[0], parts[index + 1 : index + 2])
            or _a_saints_possessive(current, parts[index + 1 : index + 2])
        ):
            current.append(Token(start, end, word))
            continue
        current.append(found[0])
        if found[1]:
            close()
    close()
    return groups


def _month_before_a_name(word: str, following: list[tuple[str, int, int]]) -> bool:
    """``Jan Simpson``: a month that is also a given name, before a name-shaped word that is no
    ordinary word or place ("In May Britain voted", "May Day")."""
    if word not in vocab.MONTHS_THAT_ARE_NAMES or not following:
        return False
    name, gaz = following[0][0], gazetteer()
    return (
        name not in _CONNECTORS
        and name not in vocab.WEEKDAYS_AND_MONTHS
        and name_shaped(name)
        and not gaz.is_ordinary(name)
        and gaz.place(name) is None
    )


def _month_after_a_given_name(word: str, current: list[Token], text: str, end: int) -> bool:
    """``Theresa May``, ``Lei Jun``: a month right after a given name is a surname, unless a
    day follows it ("in Paris June 5")."""
    return (
        word in vocab.MONTHS
        and bool(current)
        and not current[-1].connector
        and gazetteer().is_given_name(current[-1].text)
        and re.match(r"\s?\d", text[end : end + 2]) is None
    )


def _possessive_inside_a_name(token: Token, following: list[tuple[str, int, int]]) -> bool:
    """``Attorney General's Office``, ``National Farmers' Union``: a role's possessive, or a
    plural one, before the word that heads an organisation's name belongs to that name (not
    "Tinubu's Office")."""
    return (
        bool(following)
        and following[0][0] in vocab.ORG_HEADS
        and (token.text.lower() in gazetteer().titles or token.text.endswith("s"))
    )


def _a_saints_possessive(current: list[Token], following: list[tuple[str, int, int]]) -> bool:
    """``St Mary's Hospital``, ``St Peter's Square``: a saint's possessive inside a name."""
    return bool(current) and current[-1].text in vocab.SAINTS and bool(following)


def _word_token(start: int, end: int, word: str) -> tuple[Token, bool] | None:
    """The name part of one capitalised word, and whether a name must end after it; ``None``
    for words that are never part of a name."""
    split_after = False
    if word.isdigit():
        return Token(start, end, word), True  # "Highway 8": _TOKEN takes a number only there
    if word in vocab.NAME_POSSESSIVES or (
        word.endswith(_POSSESSIVE) and gazetteer().organisation(word) is not None
    ):
        pass  # "Moody's", "McDonald's": the lists know the name with its "'s"
    elif word.endswith(_POSSESSIVE):
        word, end, split_after = word[:-2], end - 2, True
    elif word.endswith(("'", "’")):
        word, end, split_after = word[:-1], end - 1, True
    if "-" in word:
        head, _, tail = word.rpartition("-")
        if head and tail in vocab.ADJECTIVE_SUFFIXES:
            word, end, split_after = head, start + len(head), True
    if (
        len(word) < 2
        # The Latin Extended ranges in _TOKEN hold small letters too; "al-Abri" is a name.
        or not (word[0].isupper() or word[:3] in ("al-", "el-"))
        or word in vocab.WEEKDAYS_AND_MONTHS
        or (word[1:].islower() and word.lower() in vocab.FUNCTION_WORDS)
    ):
        return None
    return Token(start, end, word), split_after
