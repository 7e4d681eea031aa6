"""Answer text for citizens as plain text: no tags (closed or not), no entities, no script links, no hidden characters.

Report text is untrusted and reaches the answer verbatim (an address, a clause). Whoever shows
an answer may insert it as HTML or Markdown, so :func:`plain_text` returns text that such a
consumer shows exactly as written:

* character references are decoded until none is left (``&amp;lt;`` -> ``<``), so what remains
  decodes to itself;
* every tag is removed, closed (``<b>``, ``</p>``, comments, ``<!DOCTYPE>``) or not: a ``<``
  that could start a tag (followed by a letter, ``/``, ``!`` or ``?``) is removed with the rest
  of the tag up to the next ``>``, or, unclosed, up to the next CJK character or citation marker;
  the text of ``<script>``/``<style>`` elements goes with them;
* ``javascript:``, ``vbscript:`` and ``data:`` URL schemes are removed (also when split by spaces
  or control characters, as browsers read them); a Markdown link or image keeps only its text;
* control characters other than newline and tab, zero-width and bidirectional-override
  characters are dropped.

Citations are not touched: their quotes stay verbatim and are escaped where shown.

>>> plain_text("地址:<img src=x onerror=alert`x`//;[1]。")
'地址:[1]。'
>>> plain_text("电话 &amp;lt;b&amp;gt;0510-1&lt;/b&gt;[1]")
'电话 0510-1[1]'
>>> plain_text("见[网站](javascript:alert(1))")
'见网站'
"""

from __future__ import annotations

import html
import re

_MAX_ROUNDS = 8

_SCRIPT_ELEMENT = re.compile(r"<(script|style|noscript|template|iframe|object)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_CLOSED_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
# An unclosed tag: runs over ASCII and Latin text, stops at CJK text, a citation marker, or a line end.
_OPEN_TAG = re.compile(r"<[A-Za-z/!?](?:(?!\[\d+\])[^<>\n\u2e80-\uffff])*")
_MD_LINK = re.compile(
    r"!?\[([^\[\]\n]*)\]\(\s*<?((?:[A-Za-z][A-Za-z0-9+.\-]*:|/|#|www\.)[^()\s]*(?:\([^()\s]*\))?[^()\s]*)>?\s*\)"
)
_SCHEME_GAP = r"[\s\x00-\x1f]*"
_SCRIPT_SCHEME = re.compile(
    "|".join(_SCHEME_GAP.join(word) + _SCHEME_GAP + ":" for word in ("javascript", "vbscript", "livescript"))
    + "|"
    + _SCHEME_GAP.join("data")
    + _SCHEME_GAP
    + r":\s*[A-Za-z]+/[A-Za-z0-9.+-]+[;,]?",
    re.I,
)
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def plain_text(text: str) -> str:
    """``text`` with markup removed (see the module docstring); idempotent."""
    for _ in range(_MAX_ROUNDS):
        before = text
        text = html.unescape(text)
        text = _SCRIPT_ELEMENT.sub("", text)
        text = _COMMENT.sub("", text)
        text = _CLOSED_TAG.sub("", text)
        text = _OPEN_TAG.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
        text = _SCRIPT_SCHEME.sub("", text)
        text = _INVISIBLE.sub("", text)
        if text == before:
            return text
    # Still changing after many rounds: nested escapes made to defeat the rounds. Keep no markup at all.
    return _INVISIBLE.sub("", html.unescape(text)).replace("<", "").replace(">", "").replace("&", "")
