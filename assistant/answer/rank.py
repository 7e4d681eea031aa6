"""One scoring function: how well a candidate value answers a target of the question.

``score = 10 × coverage + fit + template + retrieval − report rank``, where

* **type and unit fit** are filters first: a fax question takes only numbers labelled 传真, a
  "多少件" question only values in 件 (or 份 …, :func:`~assistant.query.vocabulary.unit_fit`), a
  信息处理费 question never the 表二 行政事业性收费;
* **coverage** is the weighted share of the target's content keys (character pairs and
  vocabulary concepts, :mod:`assistant.query.terms`) found in the candidate's label, each key
  counted at the weight of the zone it is found in (right before the value, further before it,
  after it, earlier in the sentence);
* a label naming another term of the same family than the target (不予公开 for 予以公开,
  结转上年度 for 结转下年度, 微博 for 微信) rules the candidate out;
* the table cell of the template slot the target names gets a bonus (prefer the table);
* passages retrieval ranked high give a small bonus, reports further down the scope a malus.

A candidate is only an answer when it clears the floor of its kind; otherwise the answerer
abstains (a fax the report never gives never gets the phone).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer.candidates import HEAD_FAR, TAIL, Candidate, VType
from assistant.query import Target
from assistant.query.terms import CONCEPT_PREFIX
from assistant.query.vocabulary import CONCEPT_BY_KEY, FEE_REDUCTION, MONEY_UNITS, VOCAB, unit_fit
from assistant.types import AnswerKind
from index.tables.labels import PROSE, T2_FEES, TABLE_TWO

K = AnswerKind
COVERAGE_WEIGHT = 10.0
TEMPLATE_BONUS = 6.0
RETRIEVAL_BONUS = 1.0
REPORT_MALUS = 3.0
#: Coverage a value's label needs, per kind (counts must be labelled by the question's words).
FLOORS: dict[AnswerKind, float] = {
    K.COUNT: 0.5,
    K.FEE: 0.0,
    K.ADMIN_FEE: 0.0,
    K.GENERAL: 0.4,
    K.DATE: 0.0,
}
TITLE_FLOOR = 0.15
#: Below this total weight a target has no content of its own: the value's type decides.
MIN_CONTENT = 0.6


@dataclass
class Scored:
    """A candidate with its score for one target."""

    cand: Candidate
    score: float
    coverage: float
    template: bool = False
    units: float = 1.0  # unit fit (1: the unit asked, 0.5: a near unit)


ABSENT_WEIGHT = 0.5  # a key the report never writes counts half (it cannot tell its values apart)


def content_weight(target: Target, vocabulary: frozenset[str] | None = None) -> float:
    """The target's total key weight; keys absent from the report's text (``vocabulary``) count half."""
    if vocabulary is None:
        return sum(w for _, w in target.keys)
    return sum(w if k in vocabulary else w * ABSENT_WEIGHT for k, w in target.keys)


def coverage(target: Target, cand: Candidate, total: float | None = None) -> tuple[float, bool]:
    """Weighted share of the target's keys in the label, and whether a real word is matched near the value."""
    total = content_weight(target) if total is None else total
    matched = 0.0
    anchored = False
    zones = cand.zones
    for key, weight in target.keys:
        zone = zones.get(key)
        if zone is None:
            continue
        matched += weight * zone
        if zone >= TAIL and weight >= 0.5:
            anchored = True
    if total <= 0:
        return 0.0, False
    return min(1.0, matched / total), anchored


def conflicts(target: Target, cand: Candidate) -> bool:
    """The label names terms of a family the target names, and none of the target's own.

    When the target names a broad term and a narrow one of a family ("办理结果中予以公开"), the narrow
    one is what the label must name.
    """
    if not cand.own:
        return False
    by_family: dict[str, set[str]] = {}
    for key in target.concepts:
        concept = CONCEPT_BY_KEY[key]
        if concept.family:
            by_family.setdefault(concept.family, set()).add(key)
    for family, keys in by_family.items():
        narrow = {k for k in keys if not CONCEPT_BY_KEY[k].broad} or keys
        own = {k[len(CONCEPT_PREFIX) :] for k in cand.own if k.startswith(CONCEPT_PREFIX) and _family(k) == family}
        if own and not own & narrow:
            return True
    return False


def _family(key: str) -> str:
    concept = CONCEPT_BY_KEY.get(key[len(CONCEPT_PREFIX) :])
    return concept.family if concept else ""


FEE_WORDS = ("信息处理费", "处理费", "收费", "收取", "费用", "缴费", "交费")


def type_fit(target: Target, c: Candidate) -> float | None:
    """How well the value's shape fits what is asked (None: it does not)."""
    k, v = target.kind, c.vtype
    if k == K.PHONE:
        if v != VType.PHONE or c.role == "fax":
            return None
        return 3.0 if c.role in ("phone", "both") else 1.0
    if k == K.FAX:
        return 3.0 if v == VType.PHONE and c.role in ("fax", "both") else None
    if k == K.EMAIL:
        return 3.0 if v == VType.EMAIL else None
    if k == K.POSTCODE:
        return 3.0 if v == VType.POSTCODE else None
    if k == K.ADDRESS:
        return 3.0 if v == VType.ADDRESS else None
    if k == K.CONTACT_ORG:
        return 3.0 if v == VType.ORG and c.role == (target.wants or "contact") else None
    if k == K.WEBSITE:
        if v != VType.URL:
            return None
        return 2.0 + ("(" in c.value) + bool(VOCAB.contact_labels[K.WEBSITE].search(c.head + c.tail))
    if k == K.PERIOD:
        if v != VType.PERIOD:
            return None
        return 3.0 + ("统计" in c.head + c.context)
    if k == K.PERIOD_END:
        if v == VType.PERIOD:
            return 2.5 + ("统计" in c.head + c.context)  # the end of the statistics period
        return 3.0 if v == VType.DATE and c.role == "period_end" else None
    if k == K.DATE:
        if v != VType.DATE:
            return None
        if target.wants == "other":
            return 1.0 if c.role not in ("update",) else None
        return {"publish": 4.0, "signature": 3.0, "generic": 2.5, "metadata": 2.0, "update": 0.5}.get(c.role)
    if k == K.FEE:
        if v == VType.CELL:
            return 3.0 if c.fact is not None and c.fact.table == PROSE else None
        label = c.head + c.tail
        if T2_FEES in label or "事业性收费" in label:
            return None
        if FEE_REDUCTION.search(label) and not FEE_REDUCTION.search(target.text):
            return None  # a reduction (减免…45元) is not what was charged, unless the question asks about it
        if v == VType.NUMBER and c.unit in MONEY_UNITS and any(w in label for w in FEE_WORDS):
            return 3.0
        if v == VType.NEGATIVE and c.role == "fee":
            return 2.5
        return None
    if k == K.ADMIN_FEE:
        if v == VType.CELL:
            return 3.0 if c.fact is not None and c.fact.table == TABLE_TWO and c.fact.row == T2_FEES else None
        if v == VType.NUMBER and c.unit in MONEY_UNITS and "事业性收费" in c.head + c.context:
            return 2.0
        return None
    if k == K.COUNT:
        if v == VType.NEGATIVE:
            return 1.5 if target.wants == "count" else None
        if v == VType.CELL:
            if c.fact is None or c.fact.table == PROSE:
                return None
            return 1.0 if unit_fit(target.unit, c.unit) > 0 or not target.unit else None
        if v != VType.NUMBER:
            return None
        role = {"rate": "percent", "rank": "rank", "money": "amount"}.get(target.wants, "count")
        if c.role != role:
            return None
        return 2.0
    if k == K.GENERAL:
        if target.wants == "docnum":
            return 2.0 if v == VType.DOCNUM else None
        if v != VType.CLAUSE:
            return None
        if target.wants == "title":  # "依据了哪些规定": a clause naming 《titles》
            return 3.0 if "《" in c.value else None
        return 1.0
    return None


def score(
    target: Target,
    cand: Candidate,
    *,
    retrieval_rank: int | None = None,
    retrieved: int = 8,
    report_rank: int = 0,
    template: bool = False,
    total: float | None = None,
) -> Scored | None:
    """The candidate's score for ``target``, or None when it cannot answer it."""
    fit = type_fit(target, cand)
    if fit is None:
        return None
    units = 1.0
    if cand.vtype in (VType.NUMBER, VType.CELL) and target.wants != "rank":
        units = unit_fit(target.unit, cand.unit)
        if units == 0.0:
            return None
        if template:
            units = 1.0  # the template's own unit ("多少个处罚决定" is counted in 件 there)
    if conflicts(target, cand):
        return None
    content = content_weight(target) if total is None else total
    cov, anchored = coverage(target, cand, content)
    floor = FLOORS.get(target.kind, 0.0)
    if target.wants == "title":
        floor = TITLE_FLOOR  # the 《titles》 are the value: the words around them need match less
    if template:
        cov = max(cov, 1.0)
    elif (
        content >= MIN_CONTENT and floor > 0 and (cov < floor or not (anchored or target.wants in ("docnum", "title")))
    ):
        return None
    value = COVERAGE_WEIGHT * cov + fit + 2.0 * (units - 1.0)
    if template:
        value += TEMPLATE_BONUS
    if retrieval_rank is not None:
        value += RETRIEVAL_BONUS * (1.0 - retrieval_rank / max(retrieved, 1))
    value -= REPORT_MALUS * report_rank
    return Scored(cand, value, cov, template, units)


__all__ = ["HEAD_FAR", "Scored", "conflicts", "coverage", "score", "type_fit"]
