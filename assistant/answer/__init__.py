"""Answering an analysed question: candidate values of the reports in scope, ranked against each target.

* :mod:`~assistant.answer.candidates` — every typed value of a report with its label, and its
  table cells (built once per report);
* :mod:`~assistant.answer.rank` — the one scoring function;
* :mod:`~assistant.answer.cells` — the template slot a target names, read from the facts;
* :mod:`~assistant.answer.sections` — problems of section 五, other matters of 六, "无";
* :mod:`~assistant.answer.compose` — the answer sentence and its citations;
* :func:`~assistant.answer.extract.answer_extractive` — the answerer the service calls.
"""

from assistant.answer.base import AnswerContext, Answerer
from assistant.answer.extract import abstain_text, answer_extractive, values_in_scope

__all__ = ["AnswerContext", "Answerer", "abstain_text", "answer_extractive", "values_in_scope"]
