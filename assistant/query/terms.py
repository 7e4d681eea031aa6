"""Content words as weighted keys: character pairs of the search form, and the vocabulary's concepts.

A question's target and a value's label are compared as sets of *keys*: every pair of adjacent
characters (Chinese needs no tokenizer for this), and ``#concept`` for each template term the
text names in any of its synonyms (``收到``/``受理``/``新收`` are all ``#新收``). Pairs made of
generic words (信息, 公开, 政府 …) or with a function character weigh little.

>>> [c.key for _, _, c in find_concepts("予以公开和部分公开各多少件")]
['予以公开', '部分公开']
>>> sorted(keys_of(["全年受理申请"]).items())[:3]
[('#新收', 2.0), ('全年', 0.15), ('年受', 0.35)]
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.vocabulary import CONCEPTS, GENERIC_WEIGHT, GENERIC_WORDS, QUESTION_WORDS, Concept
from index.text.tokenize import _jieba

#: Characters that glue words together; a pair holding one says little.
FUNCTION_CHARS = frozenset("的了是在和与及或等为对中有吗呢么这那其之以于将把被也都还就并从向共各该本我按由据除达")
FUNCTION_WEIGHT = 0.1
STRADDLE_WEIGHT = 0.35  # a pair across two words of the question ("因信息" -> 因信) says little
CONCEPT_PREFIX = "#"
_SPLIT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9%]+")
_QUESTION_WORDS = re.compile("|".join(re.escape(w) for w in QUESTION_WORDS if len(w) >= 2))
_WH_UNIT = re.compile(
    r"(?:多少|几)(?:万|千)?(?:万元|元|人次|家次|个部分|部分|件|条|次|个|项|场|篇|名|份|期|家|批|部|位|人|天|轮)?"
)
_WH = re.compile(r"哪|什么|啥|是否|有没有|有无|吗|呢|谁")


def find_concepts(text: str) -> list[tuple[int, int, Concept]]:
    """Concepts named in ``text``: the longest non-overlapping matches, in text order."""
    return list(_find_concepts(text))


@lru_cache(maxsize=65536)
def _find_concepts(text: str) -> tuple[tuple[int, int, Concept], ...]:
    found: list[tuple[int, int, int, Concept]] = []
    for order, concept in enumerate(CONCEPTS):
        for m in concept.pattern.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), order, concept))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[tuple[int, int, Concept]] = []
    for start, end, _, concept in found:
        if all(end <= a or start >= b for a, b, _ in taken):
            taken.append((start, end, concept))
    return tuple(sorted(taken, key=lambda t: t[0]))


def pair_weight(pair: str) -> float:
    if pair in GENERIC_WORDS:
        return GENERIC_WEIGHT
    if pair[0] in FUNCTION_CHARS or pair[1] in FUNCTION_CHARS:
        return FUNCTION_WEIGHT
    if pair.isdigit():
        return 0.5
    return 1.0


def segments(text: str) -> list[str]:
    """``text`` cut into runs of word characters, question words removed (they are no content).

    Words inside a concept (``结转下年度办理``) are kept whole.
    """
    protected = [(a, b) for a, b, _ in find_concepts(text)]

    def drop(m: re.Match[str]) -> str:
        if any(a <= m.start() < b or a < m.end() <= b for a, b in protected):
            return m.group(0)
        return "|" * len(m.group(0))

    text = _WH_UNIT.sub(drop, text)
    text = _QUESTION_WORDS.sub(drop, text)
    text = _WH.sub(drop, text)
    return [s for s in _SPLIT.split(text) if s]


def word_starts(text: str) -> set[int]:
    """Positions where a word starts in ``text`` (jieba's segmentation, concepts kept whole)."""
    starts: set[int] = set()
    pos = 0
    for word in _jieba().lcut(text, HMM=False):
        starts.add(pos)
        pos += len(word)
    for a, b, _ in find_concepts(text):
        starts -= set(range(a + 1, b))
    return starts


def keys_of(parts: list[str]) -> dict[str, float]:
    """The weighted keys of some text segments: concept keys for the concepts they name, pairs for the rest."""
    keys: dict[str, float] = {}
    for part in parts:
        starts = word_starts(part) if len(part) > 1 else {0}
        covered = [False] * len(part)
        for start, end, concept in find_concepts(part):
            pairs = [part[i : i + 2] for i in range(start, end - 1)]
            # a template term weighs two words, a term of another family one, a plain synonym set what its words weigh
            if concept.table:
                weight = 2.0
            elif concept.family:
                weight = 1.0
            else:
                weight = min(1.0, sum(pair_weight(p) for p in pairs))
            key = CONCEPT_PREFIX + concept.key
            keys[key] = max(keys.get(key, 0.0), weight)
            for i in range(start, end):
                covered[i] = True
        for i in range(len(part) - 1):
            if covered[i] and covered[i + 1]:
                continue
            pair = part[i : i + 2]
            weight = pair_weight(pair) * (STRADDLE_WEIGHT if i + 1 in starts else 1.0)
            keys[pair] = max(keys.get(pair, 0.0), weight)
        for i, ch in enumerate(part):  # a one-character word ("编的" -> 编) is content too
            alone = (i in starts or i == 0) and (i + 1 in starts or i + 1 == len(part))
            if alone and not covered[i] and ch not in FUNCTION_CHARS and "\u4e00" <= ch <= "\u9fff":
                keys[ch] = max(keys.get(ch, 0.0), 0.5)
    return keys


def label_keys(text: str) -> set[str]:
    """Every key a label carries: all its character pairs and the concepts it names (nothing removed)."""
    out = {text[i : i + 2] for i in range(len(text) - 1)}
    out.update(CONCEPT_PREFIX + c.key for _, _, c in find_concepts(text))
    out.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return out
