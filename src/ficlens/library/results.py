"""What library calls return: add results, search hits and pages, duplicate groups.

Plain dataclasses, so the CLI renders them, the web app puts them in templates, and
``--json`` dumps them. Snippets come in two forms: ``snippet`` is plain text, and
``snippet_html`` is HTML-escaped story text with only the matches wrapped in ``<mark>``, safe
to insert into a page.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

from .facets import FacetValue
from .query import Query
from .search import MARK_END, MARK_START


@dataclass
class AddResult:
    status: str  # "added" | "updated" | "unchanged" | "error"
    id: int | None = None
    title: str | None = None
    path: str | None = None
    message: str | None = None
    version: int | None = None


@dataclass
class AddReport:
    results: list[AddResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def errors(self) -> list[AddResult]:
        return [r for r in self.results if r.status == "error"]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "error") if self.count(s)]
        return ", ".join(parts) or "nothing to add"


@dataclass
class Hit:
    id: int
    title: str
    authors: list[str]
    source_path: str | None
    score: float
    snippet: str  # plain text (marks removed)
    snippet_html: str  # HTML-escaped, matches in <mark>
    words: int
    rating: str | None
    fandoms: list[str] = field(default_factory=list)
    summary: str | None = None
    updated: str | None = None
    published: str | None = None
    added: str | None = None
    pov: str | None = None
    tense: str | None = None
    dialogue: float | None = None
    ending: str | None = None
    complete: bool | None = None
    chapters: int = 1
    crossover: bool = False
    version: int = 1
    tags: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # type -> [{value, source}]
    reasons: list[str] = field(default_factory=list)  # why similar (similar() only)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    query: Query
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_exact: bool = True  # false: counted over the FACET_SCOPE best matches only
    sql: list[str] = field(default_factory=list)  # the statements run, for --explain

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class DuplicateGroup:
    works: list[Hit]
    similarity: float  # lowest estimated Jaccard between a member and the group's first work


def mark_snippet(snippet: str | None) -> tuple[str, str]:
    """(plain text, safe HTML) from a snippet whose matches are between the private marks."""
    s = " ".join((snippet or "").split())  # one line: snippets cross paragraph breaks
    plain = s.replace(MARK_START, "").replace(MARK_END, "")
    safe = html.escape(s).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return plain, safe
