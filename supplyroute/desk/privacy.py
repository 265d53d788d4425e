"""How an import's message shows a cell: a resident's name or phone that sits in the
wrong column of a coordinator's spreadsheet is never quoted back.

A cell is named by its row and column anyway; its text is quoted only when it cannot
be a name or a phone. A phone-like text keeps its first seven digits (enough for the
coordinator to recognise the column mix-up, too few to call anyone); a name-like text
is not quoted at all.
"""

from __future__ import annotations

import re
import unicodedata

from supplyroute.errors import quote

#: Digits of a phone-like text shown before the stars.
PHONE_DIGITS_SHOWN = 7

#: What a name-like text is said to be instead of quoting it.
NAME_LIKE = "(a text that looks like a name, not quoted)"

_PHONE = re.compile(r"\+?[\d\s\-()（）]{7,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·•]{2,5}")
_NUMERALS = set("〇零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾")
_LATIN_NAME = re.compile(r"[A-Z][a-z'\-]+(?: [A-Z][a-z'\-]+){0,3}")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def looks_like_phone(text: str) -> bool:
    """Seven digits or more, with only the separators a phone is written with."""
    return bool(_PHONE.fullmatch(text)) and len(_digits(text)) >= PHONE_DIGITS_SHOWN


def looks_like_name(text: str) -> bool:
    """Two to five Chinese characters (not a numeral), or one to four capitalised
    words of letters (``Wang Fang``)."""
    if _HAN.fullmatch(text):
        return not set(text) <= _NUMERALS
    return bool(_LATIN_NAME.fullmatch(text))


def shown(text: str) -> str:
    """A cell's text as a message may show it: quoted (cut if long), a phone-like text
    with its digits past the seventh starred, a name-like text not at all."""
    plain = unicodedata.normalize("NFKC", str(text)).strip()
    if looks_like_phone(plain):
        digits = _digits(plain)
        return repr(digits[:PHONE_DIGITS_SHOWN] + "*" * (len(digits) - PHONE_DIGITS_SHOWN))
    if looks_like_name(plain):
        return NAME_LIKE
    return quote(text)
