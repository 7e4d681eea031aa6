"""Character folding shared by the search form, scoring and LLM grounding: width, dashes, thousands separators.

>>> fold_dashes("0519—85685811")
'0519-85685811'
>>> fold_dashes("1月1日～12月31日", tildes=True)
'1月1日-12月31日'
>>> drop_thousands_separators("共收到34,290件")
'共收到34290件'
"""

from __future__ import annotations

import re
import unicodedata

#: Dash variants written for ``-`` in phone numbers, ranges and dates: hyphen, non-breaking hyphen,
#: figure dash, en dash, em dash, horizontal bar, minus sign, small and full-width hyphen-minus.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
#: Range signs (``1月1日~12月31日``), folded to ``-`` only where asked for (scoring).
TILDES = "~\uff5e"

_DASH_TABLE = str.maketrans(dict.fromkeys(DASHES, "-"))
_DASH_TILDE_TABLE = str.maketrans(dict.fromkeys(DASHES + TILDES, "-"))
THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def fold_width(text: str) -> str:
    """NFKC: full-width letters, digits and punctuation to their ASCII forms (``（０）`` -> ``(0)``)."""
    return unicodedata.normalize("NFKC", text)


def fold_dashes(text: str, *, tildes: bool = False) -> str:
    """Every dash variant to ``-`` (and ``~``/``～`` too when ``tildes``)."""
    return text.translate(_DASH_TILDE_TABLE if tildes else _DASH_TABLE)


def drop_thousands_separators(text: str) -> str:
    """``34,290`` -> ``34290``; a comma between numbers (``5,12``) stays."""
    return THOUSANDS.sub("", text)
