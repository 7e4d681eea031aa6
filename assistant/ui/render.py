"""HTML/Markdown rendering for the web UI; every piece of report text goes through :func:`esc`.

Report text is untrusted (a report may contain ``<script>`` or markdown such as ``![x](url)``),
so it is HTML-escaped and the characters that Markdown or LaTeX would interpret are written as
numeric entities: the browser shows them as the characters they are, nothing is interpreted.
Each character is replaced once, in one pass, so nothing is escaped twice (``'`` shows as ``'``,
not as ``&#x27;``).
"""

from __future__ import annotations

from typing import Any

CONTEXT_CHARS = 300

_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
    | {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~$:="}
)


def esc(text: Any) -> str:
    """Escape text for HTML and neutralise Markdown/LaTeX syntax (safe inside either), each character once.

    >>> esc("<b>'x'</b> [a](b)")
    '&lt;b&gt;&#39;x&#39;&lt;/b&gt; &#91;a&#93;&#40;b&#41;'
    """
    return ("" if text is None else str(text)).translate(_ESCAPES)


def one_line(text: str) -> str:
    """Collapse whitespace runs (report text keeps the hard line breaks of its source)."""
    return " ".join(text.split())


def citation_label(c: dict[str, Any]) -> str:
    """``[n] issuer year · section · source`` as escaped HTML."""
    return (
        f"[{int(c.get('n', 0))}] {esc(c.get('issuer') or '未知机关')} {esc(c.get('year') or '')} · "
        f"{esc(c.get('section') or '')} · {esc(c.get('source') or '')}"
    )


def ocr_flag(c: dict[str, Any]) -> str:
    """A warning under a citation from a report read by OCR (escaped HTML), else ""."""
    note = c.get("ocr")
    return f'<br><small class="da-ocr">⚠️ 文字识别：{esc(note)}</small>' if note else ""


def render_answer(answer: dict[str, Any], passages: list[dict[str, Any]] | None = None) -> str:
    """One chat message: the answer, then its numbered citations (or, on abstention, the closest passages)."""
    parts: list[str] = []
    if answer.get("abstained"):
        parts.append(f"<p><strong>报告中没有找到</strong>答案。{esc(answer.get('answer', ''))}</p>")
        if passages:
            parts.append("<p>最接近的段落（仅供参考，不是答案）：</p><ol>")
            for p in passages[:3]:
                head = (
                    f"{esc(p.get('issuer') or '未知机关')} {esc(p.get('year') or '')} · {esc(p.get('section') or '')}"
                )
                parts.append(f"<li>{head}<br><small>{esc(one_line(p.get('text', ''))[:160])}</small></li>")
            parts.append("</ol>")
        return "\n".join(parts)
    parts.append(f"<p>{esc(answer.get('answer', ''))}</p>")
    citations = answer.get("citations") or []
    if citations:
        parts.append("<p><strong>引用</strong></p>")
        for c in citations:
            parts.append(
                f'<blockquote class="da-cite"><small>{citation_label(c)}</small>{ocr_flag(c)}<br>'
                f"“{esc(one_line(c.get('quote', '')))}”</blockquote>"
            )
    return "\n".join(parts)


def locate_quote(text: str, citation: dict[str, Any]) -> tuple[int, int] | None:
    """Where the quote is in the report text: at its offsets, else its first occurrence."""
    quote = citation.get("quote") or ""
    start, end = int(citation.get("start", -1)), int(citation.get("end", -1))
    if quote and 0 <= start <= end <= len(text) and text[start:end] == quote:
        return start, end
    at = text.find(quote) if quote else -1
    return (at, at + len(quote)) if at >= 0 else None


def render_in_context(text: str | None, citation: dict[str, Any], context: int = CONTEXT_CHARS) -> str:
    """A citation inside its report: ``context`` characters either side, the quote in ``<mark>``."""
    head = f'<div class="da-context"><p><strong>{citation_label(citation)}</strong>{ocr_flag(citation)}</p>'
    if text is None:
        return head + f"<p>（该报告已不在索引中。）引文：<mark>{esc(citation.get('quote', ''))}</mark></p></div>"
    span = locate_quote(text, citation)
    if span is None:
        return (
            head
            + f"<p>（引文在报告原文中找不到，请核对。）引文：<mark>{esc(citation.get('quote', ''))}</mark></p></div>"
        )
    start, end = span
    lo, hi = max(0, start - context), min(len(text), end + context)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    body = f"{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}"
    return head + f'<pre style="white-space: pre-wrap">{body}</pre><p><small>字符位置 {start}–{end}</small></p></div>'
