"""Second stage after cleaning: issuer, report year, publish date, title and template sections of one report.

Everything is found in the simplified search form (:mod:`index.text.searchform`) and mapped back, so
``Section.start``/``end`` index the ORIGINAL text and the sections tile ``[0, len(text))``.

* :mod:`index.parse.metadata` — title, issuer, year and publish date (the decision rules are in its docstring);
* :mod:`index.parse.gazetteer` — the administrative divisions that give a district its city;
* :mod:`index.parse.sections` — the six template sections, or an older outline's own.
"""

from __future__ import annotations

import logging

from index.errors import IngestError
from index.models import ParsedReport
from index.parse.gazetteer import city_of_district, gazetteer
from index.parse.metadata import find_issuer, find_publish_date, find_title, find_year
from index.parse.sections import find_sections
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)

__all__ = ["city_of_district", "gazetteer", "parse_report"]


def parse_report(text: str, form: SearchForm, *, source_name: str = "") -> ParsedReport:
    """Issuer, year, publish date, title and sections of one report (rules: :mod:`index.parse.metadata`, :mod:`index.parse.sections`)."""
    if not text.strip():
        raise IngestError(source_name or "report", "the extracted text is empty")
    warnings: list[str] = []
    s = form.text
    title, title_issuer, title_year = find_title(s)
    year = title_year or find_year(s)
    publish_date = find_publish_date(s, year)
    issuer = find_issuer(s, title_issuer)
    if issuer is None:
        warnings.append("no issuer found")
    if year is None:
        warnings.append("no report year found")
    if publish_date is None:
        warnings.append("no publish date found")
    sections = find_sections(text, form, warnings)
    log.debug(
        "%s: issuer=%s year=%s date=%s sections=%s",
        source_name,
        issuer,
        year,
        publish_date,
        [sec.key for sec in sections],
    )
    return ParsedReport(
        issuer=issuer, year=year, publish_date=publish_date, title=title, sections=sections, warnings=warnings
    )
