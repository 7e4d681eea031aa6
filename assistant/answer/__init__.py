"""Answering an analysed question, behind one interface (:class:`~assistant.answer.base.Answerer`).

* :func:`~assistant.answer.text.answer_from_text` — the exact value typed extraction finds in the
  retrieved passages (:mod:`~assistant.answer.contacts`, :mod:`~assistant.answer.counts`,
  shared scoring in :mod:`~assistant.answer.values`), or an abstention;
* :func:`~assistant.answer.facts.answer_from_table_facts` — count and fee questions that map to
  table cells (:mod:`~assistant.answer.cells`), answered from stored 表二/三/四 and 信息处理费 facts;
  None when they do not apply.

The service runs both and prefers the facts answer (in the report's own words when the prose
agrees, see :mod:`assistant.service`).
"""

from assistant.answer.base import AnswerContext, Answerer
from assistant.answer.facts import answer_from_table_facts
from assistant.answer.text import abstain_text, answer_from_text

__all__ = ["AnswerContext", "Answerer", "abstain_text", "answer_from_table_facts", "answer_from_text"]
