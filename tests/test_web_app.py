"""The web app's routes, through an in-process client, over a real SQLite library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import validate_analysis
from fastapi.testclient import TestClient
from fixtures.web.safety import assert_no_active_content
from fixtures.web.stories import analyses

from ficlens.library import open_library
from ficlens.web.app import create_app


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A library file holding every fixture story; yields (library, {name: id}, dir)."""
    root = tmp_path_factory.mktemp("weblib")
    lib = open_library(root / "library.db")
    ids = {}
    for name, obj in analyses().items():
        validate_analysis(obj)
        ids[name] = lib.add_analysis(obj).id
    yield lib, ids, root
    lib.close()


@pytest.fixture(scope="module")
def client(stored):
    return TestClient(create_app(stored[0]))


@pytest.fixture(scope="module")
def ids(stored):
    return stored[1]


def work_ids(html: str) -> list[int]:
    """The ids of the work blurbs on a page, in page order."""
    return [int(x) for x in re.findall(r'<li class="work blurb group" id="work_(\d+)"', html)]


# ----------------------------------------------------------------------------- library page


def test_library_page_lists_every_work_with_its_count(client, ids):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert sorted(work_ids(r.text)) == sorted(ids.values())
    assert "1 - 5 of 5 Works" in r.text


def test_a_facet_include_keeps_only_works_with_that_tag(client, ids):
    r = client.get("/", params={"inc": 'declared.fandom:"Smallville (TV)"'})
    assert r.status_code == 200
    assert sorted(work_ids(r.text)) == sorted([ids["storm"], ids["storm_again"], ids["kent_farm"]])
    # the ticked box stays ticked
    assert re.search(r'name="inc" value="declared.fandom:&#34;Smallville \(TV\)&#34;"[^>]*checked', r.text)


def test_a_hand_written_facet_term_ticks_the_matching_box(client, ids):
    r = client.get("/", params={"inc": "declared.fandom:smallville"})
    assert work_ids(r.text) == []  # "smallville" is not the whole tag "Smallville (TV)"
    r = client.get("/", params={"inc": 'declared.fandom:"smallville (TV)"'})
    assert sorted(work_ids(r.text)) == sorted([ids["storm"], ids["storm_again"], ids["kent_farm"]])
    assert "Other active filters" not in r.text
    assert re.search(r'name="inc" value="declared.fandom:&#34;Smallville \(TV\)&#34;"[^>]*checked', r.text)


def test_a_facet_exclude_removes_works_with_that_tag(client, ids):
    r = client.get("/", params={"exc": 'declared.warning:"Major Character Death"'})
    assert sorted(work_ids(r.text)) == sorted(i for n, i in ids.items() if n != "kent_farm")
    # an excluded value no longer appears among the facets, so it is listed as an active filter
    assert "Other active filters" in r.text
    assert re.search(r'name="exc" value="declared.warning:&#34;Major Character Death&#34;" checked', r.text)


def test_includes_are_anded_and_excludes_ored_as_on_ao3(client, ids):
    params = [
        ("inc", 'declared.fandom:"Smallville (TV)"'),
        ("inc", 'declared.character:"Clark Kent"'),
        ("exc", 'declared.rating:"Mature"'),
        ("exc", 'declared.freeform:"Fluff"'),
    ]
    r = client.get("/", params=params)
    assert sorted(work_ids(r.text)) == sorted([ids["storm"], ids["storm_again"]])


def test_the_search_box_takes_the_query_language(client, ids):
    assert work_ids(client.get("/", params={"q": "pov:first"}).text) == [ids["burrow"]]
    assert work_ids(client.get("/", params={"q": "molly tea"}).text) == [ids["burrow"]]
    r = client.get("/", params={"q": "cellar -storms"})
    assert work_ids(r.text) == [] and "No works match" in r.text


def test_search_hits_show_a_highlighted_snippet_with_the_text_escaped(client, ids):
    r = client.get("/", params={"q": "siren"})
    assert sorted(work_ids(r.text)) == sorted([ids["storm"], ids["storm_again"]])
    assert '<mark>siren</mark> started at four. Lana ran for the cellar before she thought about it. &#34;Clark' in r.text
    r = client.get("/", params={"q": "typed"})
    assert work_ids(r.text) == [ids["malicious"]]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', r.text, re.DOTALL).group(1)
    assert "<mark>typed</mark> &lt;script&gt;window.__pwned" in snippet


def test_word_count_and_completion_filters_become_query_parts(client, ids):
    r = client.get("/", params={"words_from": "40", "words_to": "100"})
    assert sorted(work_ids(r.text)) == sorted([ids["burrow"], ids["malicious"]])
    r = client.get("/", params={"complete": "no"})
    assert work_ids(r.text) == [ids["kent_farm"]]


def test_sort_by_title_orders_blurbs_as_ao3_does(client, ids):
    r = client.get("/", params={"sort": "title"})
    # "The Storm Cellar" sorts under S: articles are ignored
    assert work_ids(r.text)[:2] == [ids["kent_farm"], ids["malicious"]]
    assert work_ids(r.text)[-1] == ids["burrow"]


def test_facet_sidebar_shows_counts_and_marks_inferred_values(client):
    html = client.get("/").text
    assert re.search(r"Smallville \(TV\) <span class=\"count\">\(3\)</span>", html)
    assert re.search(r"Smallville \(TV\) <span class=\"count\">\(2\)</span> <span class=\"inferred-badge\"", html)
    assert re.search(r"First person <span class=\"count\">\(1\)</span>", html)


def test_blurb_has_the_required_tags_square_and_stats(client, ids):
    html = client.get("/", params={"q": "pov:first"}).text
    assert '<span class="rating-general-audience" title="General Audiences">' in html
    assert '<span class="category-gen" title="Gen">' in html
    assert '<span class="complete-yes" title="Complete Work">' in html
    assert "<dt>Words:</dt> <dd>48</dd>" in html
    assert "<dt>POV:</dt> <dd>First person</dd>" in html


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"q": "nosuchfield:x"}, "unknown field &#39;nosuchfield&#39;"),
        ({"q": "words:lots"}, "expected a number"),
        ({"sort": "kudos"}, "unknown sort &#39;kudos&#39;"),
        ({"page": "0"}, "Bad value for page"),
        ({"page": "two"}, "Bad value for page"),
        ({"words_from": "ten"}, "word counts must be whole numbers"),
    ],
)
def test_a_bad_query_or_parameter_is_a_400_page(client, params, fragment):
    r = client.get("/", params=params)
    assert r.status_code == 400
    assert "<h2 class=\"heading\">400: Bad request</h2>" in r.text
    assert fragment in r.text
    assert "Traceback" not in r.text


# ----------------------------------------------------------------------------- work page


def test_work_page_sets_declared_beside_inferred_tags(client, ids):
    html = client.get(f"/works/{ids['storm']}").text
    row = re.search(r'<tr class="rating">(.*?)</tr>', html, re.DOTALL).group(1)
    assert "Teen And Up Audiences" in re.search(r'<td class="declared">(.*?)</td>', row, re.DOTALL).group(1)
    inferred = re.search(r'<td class="inferred">(.*?)</td>', row, re.DOTALL).group(1)
    assert "General Audiences" in inferred and '<span class="conf" title="confidence">70%</span>' in inferred
    assert '<tr class="freeform">' in html and "Natural Disasters" in html


def test_work_page_character_table_gives_each_share_of_the_dialogue(client, ids):
    html = client.get(f"/works/{ids['storm']}").text
    table = re.search(r'<table class="characters">(.*?)</table>', html, re.DOTALL).group(1)
    rows = re.findall(r'<tr data-c="(\w+)">.*?<span class="pct">(\d+%)</span>', table, re.DOTALL)
    # dialogue words: Chloe 14, Lana 13, Clark 4 of 31 (AO3 counting: "won't" is one word)
    assert rows == [("chloe_sullivan", "45%"), ("lana_lang", "42%"), ("clark_kent", "13%")]


def test_work_page_draws_the_network_and_the_arc(client, ids):
    html = client.get(f"/works/{ids['storm']}").text
    assert re.findall(r'<g class="node" data-c="(\w+)">', html) == ["chloe_sullivan", "clark_kent", "lana_lang"]
    assert html.count('class="edge rel-romantic"') == 1 and html.count('class="edge rel-platonic"') == 1
    points = re.search(r'<polyline class="arc-line" points="([^"]+)"', html).group(1).split()
    assert len(points) == 5
    assert html.count('class="arc-chapter"') == 1  # chapter 2 starts part-way
    assert "Shape: <strong>man in a hole</strong>" in html


def test_work_page_lists_quotes_with_speakers_and_similar_works(client, ids):
    html = client.get(f"/works/{ids['storm']}").text
    quotes = re.search(r'<table class="quotes">(.*?)</table>', html, re.DOTALL).group(1)
    assert quotes.count("<tr class=\"speech\">") == 7
    assert "Chloe Sullivan</td>\n        <td class=\"text\">&#34;Are you two alive?&#34;</td>" in quotes
    similar = re.search(r'<ol class="similar-works">(.*?)</ol>', html, re.DOTALL).group(1)
    assert f'href="/works/{ids["storm_again"]}"' in similar
    assert f'href="/works/{ids["storm"]}"' not in similar


def test_work_page_serves_the_stored_analysis_as_json(client, ids):
    r = client.get(f"/works/{ids['burrow']}/analysis.json")
    assert r.status_code == 200
    obj = r.json()
    assert obj["metadata"]["title"] == "Tea at the Burrow" and obj["library"]["id"] == ids["burrow"]
    validate_analysis({k: v for k, v in obj.items() if k != "library"})


@pytest.mark.parametrize(
    "path",
    ["/works/999999", "/works/999999/read", "/works/999999/analysis.json", "/works/9999990000000000000000000/read"],
)
def test_an_unknown_work_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "404: Not found" in r.text and "no work 999999" in r.text


@pytest.mark.parametrize("path", ["/works/abc", "/works/-1", "/works/1.5", "/works/1;drop", "/nowhere", "/works/"])
def test_a_path_that_is_not_a_route_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "404: Not found" in r.text and "Traceback" not in r.text


def test_a_wrong_method_is_an_error_page_not_a_crash(client):
    r = client.post("/")
    assert r.status_code == 405 and "405: Method not allowed" in r.text


# ----------------------------------------------------------------------------- reader


def test_reader_colours_quotes_by_speaker_and_links_mentions(client, ids):
    html = client.get(f"/works/{ids['storm']}/read").text
    assert (
        '<span class="q spk-1" data-speaker="lana_lang" title="Lana Lang">&#34;<span class="m" data-c="clark_kent">'
        "Clark</span>, get down here!&#34;</span> she shouted." in html
    )
    legend = re.findall(r'<li data-c="(\w+)"><span class="chip (spk-\d+)"', html)
    assert legend == [("chloe_sullivan", "spk-0"), ("lana_lang", "spk-1"), ("clark_kent", "spk-2")]


def test_reader_shows_one_chapter_with_navigation(client, ids):
    one = client.get(f"/works/{ids['storm']}/read").text
    assert "The siren started at four." in one and "washed clean" not in one
    assert f'href="/works/{ids["storm"]}/read?chapter=2">Next Chapter' in one
    assert "Previous Chapter" not in one
    two = client.get(f"/works/{ids['storm']}/read", params={"chapter": 2}).text
    assert "washed clean" in two and "The siren" not in two
    assert f'href="/works/{ids["storm"]}/read?chapter=1">&larr; Previous Chapter' in two
    every = client.get(f"/works/{ids['storm']}/read", params={"chapter": "all"}).text
    assert "The siren" in every and "washed clean" in every


def test_reader_does_not_repeat_the_chapter_heading_line(client, ids):
    html = client.get(f"/works/{ids['storm']}/read").text
    assert "<p>Chapter 1: Sirens</p>" not in html
    assert f'<h3 class="title"><a href="/works/{ids["storm"]}/read?chapter=1">Chapter 1</a>: Sirens</h3>' in html


def test_reader_shows_notes_apart_from_the_story_text(client, ids):
    first = client.get(f"/works/{ids['storm']}/read").text
    body = re.search(r'<div class="userstuff module" role="article">(.*?)</div>', first, re.DOTALL).group(1)
    assert "Thanks to my beta" not in body
    assert re.search(r'<div class="notes module"><h3 class="heading">Author note:</h3><blockquote class="userstuff"><p>Thanks to my beta', first)
    assert "Comments keep me writing" not in first  # the end note belongs to the last chapter
    last = client.get(f"/works/{ids['storm']}/read", params={"chapter": 2}).text
    assert re.search(r'<div class="end notes module">.*Comments keep me writing', last, re.DOTALL)


def test_reader_marks_scene_breaks(client, ids):
    assert '<p class="scene-break">* * *</p>' in client.get(f"/works/{ids['storm']}/read").text


@pytest.mark.parametrize("chapter", ["3", "0", "x", "-1", "../1"])
def test_reader_refuses_a_chapter_the_work_does_not_have(client, ids, chapter):
    r = client.get(f"/works/{ids['storm']}/read", params={"chapter": chapter})
    assert r.status_code == 404 and "has no chapter" in r.text


# ----------------------------------------------------------------------------- duplicates


def test_duplicates_page_groups_the_story_saved_twice(client, ids):
    html = client.get("/duplicates").text
    groups = re.findall(r'<section class="dup-group"(.*?)</section>', html, re.DOTALL)
    assert len(groups) == 1
    assert sorted(work_ids(groups[0])) == sorted([ids["storm"], ids["storm_again"]])


# ----------------------------------------------------------------------------- safety


def test_the_malicious_fixture_is_inert_on_every_page(client, ids):
    wid = ids["malicious"]
    pages = [
        "/",
        "/?q=mallory",
        f"/works/{wid}",
        f"/works/{wid}/read",
        f"/works/{wid}/read?chapter=2",
        f"/works/{wid}/read?chapter=all",
        "/duplicates",
    ]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert_no_active_content(r.text)
        # the payload is still readable as text, escaped
        assert "window.__pwned" in r.text or path == "/duplicates"
    work = client.get(f"/works/{wid}").text
    assert "&lt;script&gt;window.__pwned" in work  # the title, escaped
    assert '<a href="https://example.com/ok" rel="nofollow noopener noreferrer">a safe link</a>' in work
    assert "Original:" not in work  # a javascript: URL is not shown as a link at all


def test_the_payload_stays_escaped_inside_quote_and_mention_spans(client, ids):
    html = client.get(f"/works/{ids['malicious']}/read?chapter=2").text
    assert (
        '<span class="q spk-1" data-speaker="trent" title="Trent&#34; onmouseover=&#34;window.__pwned'
        in html
    )
    assert "&#34;&lt;/span&gt;&lt;script&gt;window.__pwned" in html


def test_pages_carry_a_strict_content_security_policy(client, ids):
    for path in ["/", f"/works/{ids['storm']}", "/works/999999", "/static/ficlens.css"]:
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_static_files_come_only_from_the_package_static_folder(client):
    r = client.get("/static/ficlens.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    for path in [
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2f%2e%2e%2fcli/serve.py",
        "/static/..%5capp.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/templates/base.html",
    ]:
        r = client.get(path)
        assert r.status_code == 404, path
        assert "import" not in r.text and "root:" not in r.text


def test_serving_pages_writes_nothing_outside_the_library(stored, client, ids, tmp_path, monkeypatch):
    _, _, root = stored
    monkeypatch.chdir(tmp_path)
    before_lib = sorted(p.name for p in root.iterdir())
    db = Path(root / "library.db")
    size = db.stat().st_size
    for path in ["/", "/?q=lana", f"/works/{ids['storm']}", f"/works/{ids['storm']}/read?chapter=all", "/duplicates", "/works/999999"]:
        client.get(path)
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == before_lib
    assert db.stat().st_size == size


class _BrokenLibrary:
    def search(self, *a, **k):
        raise RuntimeError("disk on fire at /secret/path")

    def get(self, work_id):
        raise RuntimeError("disk on fire")


def test_an_unexpected_error_is_a_500_page_without_details():
    c = TestClient(create_app(_BrokenLibrary()), raise_server_exceptions=False)
    for path in ["/", "/works/1"]:
        r = c.get(path)
        assert r.status_code == 500
        assert "500: Something went wrong" in r.text
        assert "disk on fire" not in r.text and "Traceback" not in r.text


def test_an_empty_library_says_how_to_fill_it(tmp_path):
    with open_library(tmp_path / "empty.db") as lib:
        r = TestClient(create_app(lib)).get("/")
    assert r.status_code == 200 and "0 Works" in r.text
    assert "This library is empty. Fill it with <code>ficlens add" in r.text


def test_pages_split_results_twenty_to_a_page(tmp_path):
    from fixtures.web.stories import BURROW, build

    with open_library(tmp_path / "many.db") as lib:
        for i in range(25):
            spec = dict(BURROW, path=f"fics/copy{i:02d}.txt", metadata={**BURROW["metadata"], "title": f"Copy {i:02d}"})
            lib.add_analysis(build(**spec))
        c = TestClient(create_app(lib))
        first = c.get("/", params={"sort": "title", "q": "molly"}).text
        assert len(work_ids(first)) == 20 and "1 - 20 of 25 Works" in first
        assert '<a rel="next" href="?q=molly&amp;sort=title&amp;page=2">Next &rarr;</a>' in first
        second = c.get("/", params={"sort": "title", "q": "molly", "page": 2}).text
        assert len(work_ids(second)) == 5 and "21 - 25 of 25 Works" in second
        assert '<span class="current">2</span>' in second and '<span class="disabled">Next &rarr;</span>' in second
        assert re.findall(r'<a class="work-title" href="/works/\d+">(Copy \d+)</a>', second) == [f"Copy {i}" for i in range(20, 25)]


def test_with_allowed_hosts_a_foreign_host_header_is_refused(stored):
    app = create_app(stored[0], allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1:8765").get("/").status_code == 200
    r = TestClient(app, base_url="http://attacker.example").get("/")
    assert r.status_code == 400 and "Smallville" not in r.text


def test_a_work_updated_in_place_shows_its_version_history(tmp_path):
    from fixtures.web.stories import STORM, build

    with open_library(tmp_path / "versions.db") as lib:
        first = lib.add_analysis(build(**STORM))
        changed = dict(STORM, chapters=[*STORM["chapters"][:1], ("Morning", "A short new ending.")], speakers=STORM["speakers"][:4])
        second = lib.add_analysis(build(**changed))
        assert (first.id, second.status) == (second.id, "updated")
        html = TestClient(create_app(lib)).get(f"/works/{first.id}").text
    assert re.search(r"In this library since \d{4}-\d\d-\d\d; version 2, 1 earlier version kept\.", html)


@pytest.mark.parametrize(
    "params",
    [{"q": "?title-\x00"}, {"q": "lana\x00'"}, {"inc": 'declared.fandom:"Smallville (TV)\x00"'}, {"q": "\x1b[31m"}],
)
def test_control_characters_in_a_query_never_crash_the_page(stored, params):
    # a NUL once reached SQLite's FTS5 parser as "unterminated string"
    c = TestClient(create_app(stored[0]), raise_server_exceptions=False)
    assert c.get("/", params=params).status_code in (200, 400)
