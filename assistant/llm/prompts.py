"""Prompt templates for LLM answers, loaded from plain files in ``prompts/``, and passage formatting.

The templates are ``string.Template`` files (``$question``, ``$passages``, ``$count``), not
``str.format`` ones, so braces in the Chinese text need no escaping. The folder is
``$DISCLOSURE_PROMPTS_DIR`` when set, else ``prompts/`` at the repository root.

Passages go to the model numbered ``[1]..[n]`` inside ``<passage n="k" ...>...</passage>``
delimiters, and the system prompt declares everything inside them to be data. Passage content
cannot close its delimiter early: ``<`` and ``>`` inside it are written as full-width ``＜ ＞``
(grounding folds width, so this never changes what a number looks like).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from assistant.types import Passage
from index.errors import DisclosureError

SYSTEM_FILE = "answer_system.txt"
USER_FILE = "answer_user.txt"
USER_PLACEHOLDERS = ("question", "passages")


def prompts_dir() -> Path:
    """The prompts folder: ``$DISCLOSURE_PROMPTS_DIR`` or ``<repo>/prompts``."""
    configured = os.environ.get("DISCLOSURE_PROMPTS_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "prompts"


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DisclosureError(
            f"prompt file {path} is missing (set DISCLOSURE_PROMPTS_DIR to the prompts folder)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DisclosureError(f"prompt file {path} cannot be read: {exc}") from None
    if not text.strip():
        raise DisclosureError(f"prompt file {path} is empty")
    return text


def _placeholders(template: Template) -> set[str]:
    return {
        m.group("named") or m.group("braced")
        for m in template.pattern.finditer(template.template)
        if m.group("named") or m.group("braced")
    }


@dataclass(frozen=True)
class PromptTemplates:
    """The system and user templates of an answer prompt."""

    system: str
    user: str

    def __post_init__(self) -> None:
        if not self.system.strip():
            raise ValueError("system prompt is empty")
        missing = [p for p in USER_PLACEHOLDERS if p not in _placeholders(Template(self.user))]
        if missing:
            raise ValueError(f"user prompt lacks placeholder(s) {', '.join('$' + p for p in missing)}")

    def render(self, question: str, passages: Sequence[Passage]) -> tuple[str, str]:
        """The (system, user) texts for ``question`` over numbered ``passages``."""
        values = {"question": question.strip(), "passages": format_passages(passages), "count": str(len(passages))}
        system = Template(self.system).safe_substitute(values)
        user = Template(self.user).safe_substitute(values)
        return system, user


def load_prompts(directory: Path | str | None = None) -> PromptTemplates:
    """Read the answer templates; a missing or malformed file raises :class:`DisclosureError` naming it."""
    folder = Path(directory) if directory is not None else prompts_dir()
    system = _read(folder / SYSTEM_FILE)
    user_path = folder / USER_FILE
    user = _read(user_path)
    try:
        return PromptTemplates(system=system, user=user)
    except ValueError as exc:
        raise DisclosureError(f"prompt file {user_path}: {exc}") from None


@lru_cache(maxsize=4)
def _cached(folder: str) -> PromptTemplates:
    return load_prompts(folder)


def default_prompts() -> PromptTemplates:
    """The templates of :func:`prompts_dir`, read once per folder."""
    return _cached(str(prompts_dir()))


def _escape_content(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞")


def _escape_attr(value: object) -> str:
    return (
        str(value)
        .replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def passage_body(passage: Passage) -> str:
    """What the model reads of a passage: the simplified, noise-free search form (else the original)."""
    return (passage.search_text or passage.text).strip()


def format_passages(passages: Sequence[Passage]) -> str:
    """Number passages 1..n inside ``<passage n=...>`` delimiters with issuer / year / section attributes."""
    blocks: list[str] = []
    for n, p in enumerate(passages, start=1):
        attrs = [f'n="{n}"']
        if p.issuer:
            attrs.append(f'issuer="{_escape_attr(p.issuer)}"')
        if p.year is not None:
            attrs.append(f'year="{p.year}"')
        if p.section:
            attrs.append(f'section="{_escape_attr(p.section)}"')
        blocks.append(f"<passage {' '.join(attrs)}>\n{_escape_content(passage_body(p))}\n</passage>")
    return "\n\n".join(blocks)
