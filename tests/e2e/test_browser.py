"""End to end: ``ficlens serve`` on a free local port, driven by a real headless Chromium.

Debian's chromium (``/usr/bin/chromium``, installed by ``.ci/run``) through Playwright; the
tests never download a browser. They load the library, filter by a facet, open a work and
its reader, and check that the malicious fixture's script never runs: not through the
sanitiser's output, and not merely because the Content-Security-Policy blocked it (a CSP
report in the console would mean markup got through that should not have).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fixtures.web.safety import assert_no_active_content
from fixtures.web.stories import analyses

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FICLENS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# a hostile AO3 download, read by the real ingest and pipeline (not a hand-built analysis)
HOSTILE_HTML = Path(__file__).resolve().parents[1] / "fixtures" / "web" / "malicious_ao3.html"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]  # fmt: skip

if not Path(CHROMIUM).is_file():
    pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ficlens serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("ficlens serve did not start listening in time")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A library of the fixture stories served by the real ``ficlens serve`` command."""
    from ficlens.library import open_library

    root = tmp_path_factory.mktemp("e2e")
    db = root / "library.db"
    with open_library(db) as lib:
        ids = {name: lib.add_analysis(obj).id for name, obj in analyses().items()}
        report = lib.add_paths([HOSTILE_HTML], profile="fast")
        assert report.summary() == "1 added", [r.message for r in report.results]
        ids["hostile_ao3"] = report.results[0].id
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ficlens", "serve", "--library", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    try:
        _wait_for(port, proc)
        yield {"base": f"http://127.0.0.1:{port}", "ids": ids, "root": root}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records console messages, dialogs and every URL it requests."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.console_messages, pg.dialogs, pg.requested = [], [], []
    pg.on("console", lambda m: pg.console_messages.append(m.text))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda r: pg.requested.append(r.url))
    yield pg
    ctx.close()


def test_library_page_loads_every_work_and_only_local_assets(page, server):
    page.goto(server["base"] + "/")
    assert page.title() == "Library | ficlens"
    assert page.locator("li.work.blurb").count() == len(server["ids"])
    assert page.locator("link[rel=stylesheet]").evaluate("el => el.sheet.cssRules.length") > 10
    assert all(u.startswith(server["base"]) for u in page.requested), page.requested


def test_ticking_a_facet_filters_the_library(page, server):
    ids = server["ids"]
    page.goto(server["base"] + "/")
    fandoms = page.locator('fieldset.facet[data-facet="fandom"]')
    fandoms.get_by_role("checkbox", name="Include Smallville (TV)").first.check()
    page.locator("aside.filters button.submit").first.click()
    page.wait_for_load_state()
    shown = sorted(int(x.split("_")[1]) for x in page.locator("li.work.blurb").evaluate_all("els => els.map(e => e.id)"))
    assert shown == sorted([ids["storm"], ids["storm_again"], ids["kent_farm"]])
    assert page.locator('fieldset.facet[data-facet="fandom"] input[name=inc]:checked').count() == 1


def test_a_tag_cannot_be_included_and_excluded_at_once(page, server):
    page.goto(server["base"] + "/")
    group = page.locator('fieldset.facet[data-facet="warning"]')
    include = group.get_by_role("checkbox", name="Include Major Character Death")
    exclude = group.get_by_role("checkbox", name="Exclude Major Character Death")
    include.check()
    exclude.check()
    assert exclude.is_checked() and not include.is_checked()
    page.locator("aside.filters button.submit").first.click()
    page.wait_for_load_state()
    titles = page.locator("li.work.blurb a.work-title").all_inner_texts()
    assert "Fence Posts" not in titles and len(titles) == len(server["ids"]) - 1


def test_opening_a_work_shows_its_tags_characters_and_charts(page, server):
    page.goto(server["base"] + "/?sort=title")
    page.get_by_role("link", name="The Storm Cellar").first.click()
    page.wait_for_load_state()
    assert page.title() == "The Storm Cellar | ficlens"
    assert page.locator("table.characters tbody tr").count() == 3
    assert page.locator("svg.network g.node").count() == 3
    assert page.locator("svg.arc polyline.arc-line").count() == 1
    assert page.locator("table.quotes tbody tr").count() == 7


def test_the_reader_colours_speakers_highlights_mentions_and_pages_chapters(page, server):
    wid = server["ids"]["storm"]
    page.goto(f"{server['base']}/works/{wid}")
    page.get_by_role("link", name="Read", exact=True).click()
    page.wait_for_load_state()
    lana_quote = page.locator('.q[data-speaker="lana_lang"]').first
    colour = lana_quote.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    # hovering a mention lights every mention of that character, and only those
    page.locator('.m[data-c="lana_lang"]').first.hover()
    lit = page.locator(".m.lit").evaluate_all("els => els.map(e => e.dataset.c)")
    assert lit and set(lit) == {"lana_lang"} and len(lit) == page.locator('.m[data-c="lana_lang"]').count()
    page.locator("#toggle-colours").uncheck()
    assert lana_quote.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.locator("#toggle-mentions").check()
    assert "show-mentions" in page.locator("#workskin").get_attribute("class")
    page.select_option("#chapter", "2")
    page.wait_for_url("**chapter=2")
    assert "washed clean" in page.locator("#chapters").inner_text()
    page.keyboard.press("ArrowLeft")  # back a chapter from the keyboard
    page.wait_for_url("**chapter=1")
    assert "The siren started" in page.locator("#chapters").inner_text()


def _hostile_paths(ids: dict[str, int]) -> list[str]:
    paths = ["/", "/?q=mallory", "/?q=whiteboard", "/duplicates"]
    for name in ("malicious", "hostile_ao3"):
        wid = ids[name]
        paths += [f"/works/{wid}", f"/works/{wid}/read", f"/works/{wid}/read?chapter=all"]
    return paths + [f"/works/{ids['malicious']}/read?chapter=2"]


def test_the_malicious_fixtures_never_run_their_script(page, server):
    wid = server["ids"]["malicious"]
    paths = _hostile_paths(server["ids"])
    for path in paths:
        page.goto(server["base"] + path)
        page.wait_for_load_state("load")
        # give any handler (onerror, onload, a hover) its chance to fire
        page.mouse.move(200, 300)
        page.locator("body").hover()
        page.wait_for_timeout(150)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.title() != "PWNED", path
        assert page.dialogs == [], path
    # had the sanitiser let markup through, the CSP would have blocked it and said so here
    assert not [m for m in page.console_messages if "Content Security Policy" in m], page.console_messages
    # the work's own title is shown as text, so the payload is visible but inert
    page.goto(f"{server['base']}/works/{wid}")
    assert "<script>" in page.locator("h2.title").inner_text()
    assert page.locator("#main script, #main iframe, #main img, #main style").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    page.goto(f"{server['base']}/works/{server['ids']['hostile_ao3']}/read")
    assert "Mallory wrote <script> on the whiteboard" in page.locator("#chapters").inner_text()


def test_pages_of_the_malicious_fixtures_hold_no_active_markup(server):
    for path in _hostile_paths(server["ids"]):
        with urllib.request.urlopen(server["base"] + path) as resp:
            assert_no_active_content(resp.read().decode("utf-8"))


def test_an_unknown_work_shows_a_friendly_404_page(page, server):
    response = page.goto(server["base"] + "/works/424242")
    assert response.status == 404
    assert page.locator(".error-page h2").inner_text() == "404: Not found"
    assert page.get_by_role("link", name="Back to the library").count() == 1
