"""A report's effective issuer, year and publish date: an admin's value where one was supplied, else the parsed one.

>>> m = effective_metadata("中介超市平潭综合实验区人民政府", 2019, None, AdminMetadata(issuer="平潭综合实验区管理委员会"))
>>> m.issuer, m.issuer_source, m.year_source, m.publish_date_source
('平潭综合实验区管理委员会', 'admin', 'parsed', None)
>>> m.parsed["issuer"], m.overridden()
('中介超市平潭综合实验区人民政府', {'issuer': '中介超市平潭综合实验区人民政府'})
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from index.identity.store import ADMIN, PARSED, AdminMetadata

#: Parse warnings an admin's value makes moot.
MISSING_WARNINGS = {
    "issuer": "no issuer found",
    "year": "no report year found",
    "publish_date": "no publish date found",
}


@dataclass(frozen=True)
class Effective:
    """The values a report is indexed under, where each comes from, and what parsing said when overridden."""

    issuer: str | None
    year: int | None
    publish_date: str | None
    issuer_source: str | None
    year_source: str | None
    publish_date_source: str | None
    parsed: dict[str, Any] = field(default_factory=dict)  # what parsing found, every key

    def overridden(self) -> dict[str, Any]:
        """Parsed values an admin's value replaced (``show`` prints them beside the admin's)."""
        return {k: v for k, v in self.parsed.items() if v is not None and getattr(self, k) != v}

    def columns(self) -> dict[str, object]:
        """The ``reports`` columns these values fill."""
        return {
            "issuer": self.issuer,
            "year": self.year,
            "publish_date": self.publish_date,
            "issuer_source": self.issuer_source,
            "year_source": self.year_source,
            "publish_date_source": self.publish_date_source,
            "parsed_metadata": json.dumps(self.parsed, ensure_ascii=False),
        }

    def filter_warnings(self, warnings: list[str]) -> list[str]:
        """Drop "no issuer found" and the like for values an admin supplied; keep them for values still missing."""
        out = [w for w in warnings if w not in MISSING_WARNINGS.values()]
        missing = [text for key, text in MISSING_WARNINGS.items() if getattr(self, key) is None]
        return [*missing, *out]


def effective_metadata(
    issuer: str | None, year: int | None, publish_date: str | None, admin: AdminMetadata
) -> Effective:
    """Admin values override parsed ones; each value records its source (None when there is no value)."""
    parsed_values = {"issuer": issuer, "year": year, "publish_date": publish_date}
    admin_values = {"issuer": admin.issuer, "year": admin.year, "publish_date": admin.publish_date}
    values: dict[str, Any] = {}
    sources: dict[str, str | None] = {}
    for key, parsed in parsed_values.items():
        supplied = admin_values[key]
        if supplied is not None:
            values[key], sources[key] = supplied, ADMIN
        else:
            values[key], sources[key] = parsed, (PARSED if parsed is not None else None)
    return Effective(
        values["issuer"],
        values["year"],
        values["publish_date"],
        sources["issuer"],
        sources["year"],
        sources["publish_date"],
        parsed_values,
    )
