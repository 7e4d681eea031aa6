"""The answer contract: passages, citations and answers (``disclosure ask --json`` shape)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class AnswerKind(StrEnum):
    """What a question asks for (:func:`assistant.query.detect_kinds`), and so how it is answered."""

    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    POSTCODE = "postcode"
    WEBSITE = "website"
    ADDRESS = "address"
    CONTACT_ORG = "contact_org"  # the office to turn to with questions about the report
    PERIOD = "period"  # the statistics period of the report
    PERIOD_END = "period_end"  # the date a cumulative figure runs to (截至…)
    DATE = "date"  # the publish date, or another date the question names
    FEE = "fee"  # 信息处理费 charged to applicants: an amount, or the report's words that none was
    ADMIN_FEE = "admin_fee"  # 表二 行政事业性收费: the body's fee income in 万元
    PROBLEM = "problem"  # section 五: the problems listed
    OTHER_SECTION = "other_section"  # section 六: other matters to report
    COUNT = "count"  # a number with its unit (or the report's words that there was none)
    GENERAL = "general"  # anything else: the clause that best covers the question


class AnswerMethod(StrEnum):
    """Who wrote the answer text: the extractive answerer, or the (checked) LLM."""

    EXTRACTIVE = "extractive"
    LLM = "llm"


@dataclass
class Passage:
    """A retrieved chunk of one report, with everything needed to cite it."""

    chunk_id: str
    report_id: str
    source: str  # file name as ingested
    issuer: str | None
    year: int | None
    section: str  # section title as written (or key)
    start: int  # into the report's extracted text
    end: int
    text: str  # original text[start:end]
    search_text: str  # simplified, noise-free form
    score: float = 0.0


@dataclass
class Citation:
    """One numbered, verbatim quote: ``report_text[start:end] == quote``."""

    n: int
    report_id: str
    source: str
    issuer: str | None
    year: int | None
    section: str
    start: int
    end: int
    quote: str
    #: the report's OCR warning when its text was read by OCR (staff check the quote against the image)
    ocr: str | None = None


@dataclass
class Answer:
    """What the assistant says, and the evidence behind it."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)  # closest passages (shown on abstention)
    kind: AnswerKind = AnswerKind.GENERAL
    issuer: str | None = None  # issuer the answer is about (context for follow-ups)
    year: int | None = None
    method: AnswerMethod = AnswerMethod.EXTRACTIVE
    notes: list[str] = field(default_factory=list)  # e.g. why an LLM answer was rejected

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md contract object."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            # "ocr" only where it applies: the contract of DESIGN.md is unchanged for reports with a text layer
            "citations": [{k: v for k, v in asdict(c).items() if k != "ocr" or v} for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
