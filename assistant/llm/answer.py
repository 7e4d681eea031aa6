"""Answer with an optional LLM over retrieved passages, keeping the answer only if it is grounded.

:func:`answer_with_llm` prompts the chat model with the numbered passages, checks the reply with
:func:`assistant.llm.grounding.check_grounding`, and returns either an ``Answer`` with
``method="llm"`` and citations renumbered in order of the reply's markers, or the extractive
answer with ``"llm_rejected: <reason>"`` appended to its ``notes`` (the same object, otherwise
unchanged). Backend errors (connection refused, timeouts, llama.cpp failures) are rejections too;
only a broken prompts folder raises (:class:`DisclosureError`), since that is configuration.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.llm.grounding import MARKER, check_grounding
from assistant.llm.prompts import PromptTemplates, default_prompts
from assistant.types import Answer, AnswerMethod, Citation, Passage

log = logging.getLogger(__name__)

REJECTED_PREFIX = "llm_rejected: "
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)


def build_messages(
    question: str, passages: Sequence[Passage], prompts: PromptTemplates | None = None
) -> list[SystemMessage | HumanMessage]:
    """The system and user messages for ``question`` over ``passages`` numbered 1..n."""
    system, user = (prompts or default_prompts()).render(question, passages)
    return [SystemMessage(content=system), HumanMessage(content=user)]


def _call(
    chat_model: BaseChatModel, messages: list[SystemMessage | HumanMessage], on_token: Callable[[str], None] | None
) -> str:
    if on_token is None:
        return chat_model.invoke(messages).text
    parts: list[str] = []
    for chunk in chat_model.stream(messages):
        text = chunk.text
        if text:
            parts.append(text)
            on_token(text)
    return "".join(parts)


def clean_reply(text: str) -> str:
    """Drop reasoning blocks (``<think>...</think>``) and surrounding whitespace from a model reply."""
    return _THINK.sub("", text).strip()


def renumber(text: str, cited: Sequence[int]) -> str:
    """Rewrite markers so the k-th cited passage becomes ``[k]``; ``【1, 2】`` becomes ``[1][2]``."""
    mapping = {old: new for new, old in enumerate(cited, start=1)}

    def sub(m: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"[,，、]", m.group(1))]
        return "".join(f"[{mapping[n]}]" for n in dict.fromkeys(numbers))

    return MARKER.sub(sub, text)


def _citation(n: int, p: Passage) -> Citation:
    return Citation(
        n=n,
        report_id=p.report_id,
        source=p.source,
        issuer=p.issuer,
        year=p.year,
        section=p.section,
        start=p.start,
        end=p.end,
        quote=p.text,
    )


def reject(extractive: Answer, reason: str) -> Answer:
    """The extractive answer with ``llm_rejected: <reason>`` noted (and logged as a warning)."""
    log.warning("LLM answer rejected for %r: %s", extractive.question, reason)
    extractive.notes.append(REJECTED_PREFIX + reason)
    return extractive


def was_rejected(answer: Answer) -> bool:
    """True when :func:`answer_with_llm` fell back to the extractive answer."""
    return any(note.startswith(REJECTED_PREFIX) for note in answer.notes)


def answer_with_llm(
    question: str,
    passages: Sequence[Passage],
    extractive: Answer,
    chat_model: BaseChatModel,
    *,
    on_token: Callable[[str], None] | None = None,
    prompts: PromptTemplates | None = None,
) -> Answer:
    """An LLM answer grounded in ``passages``, else ``extractive`` with the rejection reason in ``notes``.

    ``on_token`` (optional) receives the reply as it streams; the streamed text may still be
    rejected afterwards, so a UI must show the returned ``Answer.answer`` once this returns.
    """
    if not isinstance(chat_model, BaseChatModel):
        raise TypeError(f"chat_model must be a LangChain BaseChatModel, not {type(chat_model).__name__}")
    if not isinstance(extractive, Answer):
        raise TypeError(f"extractive must be an Answer, not {type(extractive).__name__}")
    if not question.strip():
        raise ValueError("question is empty")
    if not passages:
        return reject(extractive, "no passages to ground an answer on")
    messages = build_messages(question, passages, prompts)  # a broken prompts folder raises here
    started = time.perf_counter()
    try:
        reply = clean_reply(_call(chat_model, messages, on_token))
    except Exception as exc:  # noqa: BLE001 - any backend failure falls back to the extractive answer (logged by reject)
        return reject(extractive, f"backend error: {type(exc).__name__}: {exc}")
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    verdict = check_grounding(reply, passages, question)
    if not verdict.ok:
        return reject(extractive, verdict.reason or "not grounded")
    cited = [passages[n - 1] for n in verdict.cited]
    return Answer(
        question=extractive.question or question,
        answer=renumber(reply, verdict.cited),
        abstained=False,
        citations=[_citation(k, p) for k, p in enumerate(cited, start=1)],
        timings_ms={**extractive.timings_ms, "llm": elapsed_ms},
        passages=list(extractive.passages) or list(passages),
        kind=extractive.kind,
        issuer=cited[0].issuer or extractive.issuer,
        year=cited[0].year if cited[0].year is not None else extractive.year,
        method=AnswerMethod.LLM,
        notes=list(extractive.notes),
    )
