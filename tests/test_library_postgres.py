"""The same library on PostgreSQL: migrations, adds, versions, and the search cases SQLite passes.

Runs when ``FICLENS_TEST_PG`` names a server (``.ci/run`` starts a throwaway cluster and sets
it); each test module gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from pathlib import Path

import pytest
from conftest import validate_analysis
from test_library_search import SEARCH_CASES, SORT_CASES, SYNONYM_CASES, fake_synonyms

from ficlens.library import open_library
from ficlens.library.migrations import MIGRATIONS
from ficlens.library.synthetic import make_analysis

pytestmark = pytest.mark.postgres
URL = os.environ.get("FICLENS_TEST_PG")
WORKS = Path(__file__).parent / "fixtures" / "library" / "works.json"


def _server_or_skip() -> str:
    if not URL:
        pytest.skip("no PostgreSQL server: set FICLENS_TEST_PG=postgresql://... (.ci/run starts one)")
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(URL, connect_timeout=5).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at FICLENS_TEST_PG is not reachable: {' '.join(str(exc).split())}")
    return URL


def _with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module")
def pg_url():
    import psycopg

    url = _server_or_skip()
    schema = "ficlens_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield _with_schema(url, schema)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _specs() -> list[dict]:
    return json.loads(WORKS.read_text(encoding="utf-8"))["works"]


@pytest.fixture(scope="module")
def pg_lib(pg_url):
    with open_library(pg_url, synonyms=lambda tag: []) as lib:
        assert lib.migrations_applied == [name for name, _ in MIGRATIONS]
        assert [lib.add_analysis(validate_analysis(make_analysis(**s))).id for s in _specs()] == [1, 2, 3, 4, 5, 6]
        yield lib


def _ids(lib, query: str, **kw) -> set[int]:
    res = lib.search(query, per_page=100, with_facets=False, **kw)
    assert res.total == len(res.hits)
    return {h.id for h in res.hits}


@pytest.mark.parametrize("query, expected", SEARCH_CASES)
def test_postgres_search_gives_the_same_results_as_sqlite(pg_lib, query, expected):
    assert _ids(pg_lib, query) == expected


@pytest.mark.parametrize("query, expected", SYNONYM_CASES)
def test_postgres_expands_synonyms(pg_lib, pg_url, query, expected):
    # synonyms apply at query time: the same stored works, opened with a knowledge base
    with open_library(pg_url, synonyms=fake_synonyms) as kb_lib:
        assert _ids(kb_lib, query) == expected


@pytest.mark.parametrize("sort, order, expected", SORT_CASES)
def test_postgres_sorts_like_sqlite(pg_lib, sort, order, expected):
    assert [h.id for h in pg_lib.search("", sort=sort, order=order, with_facets=False).hits] == expected


def test_postgres_ranks_title_matches_first_and_marks_snippets(pg_lib):
    hits = pg_lib.search("barn", with_facets=False).hits
    assert [h.id for h in hits] == [2, 1] and hits[0].score > hits[1].score
    (hit,) = pg_lib.search("pumpkin", with_facets=False).hits
    assert "<mark>pumpkin</mark>" in hit.snippet_html and "pumpkin" in hit.snippet


def test_postgres_facets_match_sqlite(pg_lib):
    from ficlens.library import FacetValue

    f = pg_lib.search('fandom:"Smallville (TV)"').facets
    assert f["fandom"] == [
        FacetValue("Smallville (TV)", 4, "declared", "fandom"),
        FacetValue("Smallville (TV)", 2, "inferred", "fandom"),
        FacetValue("Sherlock (TV)", 1, "declared", "fandom"),
    ]
    assert pg_lib.facets("") == pg_lib.facets("words:>0")


def test_postgres_idempotent_add_update_history_and_remove(pg_url):
    import psycopg

    schema = "ficlens_test_" + uuid.uuid4().hex[:10]
    base = pg_url.split("options=")[0].rstrip("?&")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        with open_library(_with_schema(base, schema), synonyms=lambda t: []) as lib:
            v1 = make_analysis(**_specs()[0])
            v2 = copy.deepcopy(v1)
            v2["text"] += "\nThe frost came early.\n"
            v2["body"]["end"] = len(v2["text"])
            v2["source"]["sha256"] = "e" * 64
            a, same, b = lib.add_analysis(v1), lib.add_analysis(v1), lib.add_analysis(v2)
            assert (a.status, same.status, b.status, b.version) == ("added", "unchanged", "updated", 2)
            got = lib.get(a.id)
            assert got["text"] == v2["text"] and [v["version"] for v in got["library"]["versions"]] == [1]
            assert lib.get_version(a.id, 1)["text"] == v1["text"]
            assert [h.id for h in lib.search("frost").hits] == [a.id]
            tea = lib.add_analysis(make_analysis(**_specs()[3]))
            (like,) = lib.similar(a.id, n=1)  # the only other work; they share the Fluff tag
            assert like.id == tea.id and "freeform: Fluff" in like.reasons
            lib.remove(a.id)
            assert lib.get(a.id) is None and len(lib) == 1
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
