"""The pure rendering pieces behind the pages: reader spans, charts, blurbs, facets, paging."""

from __future__ import annotations

import doctest
import importlib
import re

import pytest

from ficlens.web import charts, reader, views


@pytest.mark.parametrize("name", ["ficlens.web.reader", "ficlens.web.charts", "ficlens.web.views"])
def test_docstring_examples_hold(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0


def _obj(text, quotes=(), mentions=(), chapters=(), notes=(), characters=None, body=None):
    chars = characters or [{"id": "a", "name": "Ann"}, {"id": "b", "name": "Bob"}]
    return {
        "text": text,
        "body": body or {"start": 0, "end": len(text)},
        "quotes": [dict(q) for q in quotes],
        "mentions": [dict(m) for m in mentions],
        "chapters": [dict(c) for c in chapters],
        "metadata": {"notes": [dict(n) for n in notes]},
        "characters": chars,
    }


# ----------------------------------------------------------------------------- reader


def test_text_is_escaped_and_each_line_is_a_paragraph():
    views_ = reader.render_chapters(_obj("a <b>bold</b> & more\n\nnext"))
    assert str(views_[0].html) == "<p>a &lt;b&gt;bold&lt;/b&gt; &amp; more</p>\n<p>next</p>"


def test_a_quote_spanning_two_paragraphs_is_split_into_one_piece_each():
    text = '"One\ntwo" she said'
    html = str(reader.render_chapters(_obj(text, quotes=[{"start": 0, "end": 9, "speaker": "a"}]))[0].html)
    assert html == (
        '<p><span class="q spk-0" data-speaker="a" title="Ann">&#34;One</span></p>\n'
        '<p><span class="q spk-0" data-speaker="a" title="Ann">two&#34;</span> she said</p>'
    )


def test_a_mention_crossing_a_quote_boundary_is_clipped_to_each_side():
    # spans from other stages may disagree; output must still nest properly
    text = 'Ann "Bob" x'
    obj = _obj(text, quotes=[{"start": 4, "end": 9, "speaker": None}], mentions=[{"start": 0, "end": 7, "character": "b"}])
    html = str(reader.render_chapters(obj)[0].html)
    assert html == (
        '<p><span class="m" data-c="b">Ann </span><span class="q spk-none" title="speaker unknown">'
        '<span class="m" data-c="b">&#34;Bo</span>b&#34;</span> x</p>'
    )


def test_overlapping_spans_of_one_kind_keep_the_first():
    text = "abcdefgh"
    obj = _obj(text, mentions=[{"start": 0, "end": 4, "character": "a"}, {"start": 2, "end": 6, "character": "b"}, {"start": 6, "end": 8, "character": "b"}])
    assert str(reader.render_chapters(obj)[0].html) == (
        '<p><span class="m" data-c="a">abcd</span>ef<span class="m" data-c="b">gh</span></p>'
    )


def test_empty_and_reversed_spans_are_ignored():
    obj = _obj("abc", mentions=[{"start": 2, "end": 2, "character": "a"}, {"start": 2, "end": 1, "character": "a"}])
    assert str(reader.render_chapters(obj)[0].html) == "<p>abc</p>"


@pytest.mark.parametrize(
    "line, is_break",
    [("* * *", True), ("~~~~", True), ("oOo", True), ("xXx", True), ("---", True), ("#", True),
     ("Ooh.", False), ("...", False), ("Oh", False), ("I said * * * to him", False)],
)  # fmt: skip
def test_scene_break_lines_are_recognised(line, is_break):
    html = str(reader.render_chapters(_obj(f"before\n{line}\nafter"))[0].html)
    assert ('class="scene-break"' in html) is is_break


def test_speaker_colours_go_to_the_most_quoted_first_and_run_out_after_twelve():
    chars = [{"id": f"c{i:02d}", "name": f"C{i}"} for i in range(14)]
    quotes = [{"start": 0, "end": 1, "speaker": f"c{i:02d}"} for i in range(14) for _ in range(14 - i)]
    classes = reader.speaker_classes({"quotes": quotes, "characters": chars})
    assert classes["c00"] == "spk-0" and classes["c11"] == "spk-11"
    assert classes["c12"] == classes["c13"] == "spk-x"


def test_chapters_are_clipped_to_the_body_and_a_work_without_chapters_has_one():
    obj = _obj("front\nA\nB\nback", chapters=[{"start": 0, "end": 8, "title": "One"}, {"start": 8, "end": 15, "title": None}], body={"start": 6, "end": 10})
    assert reader.chapter_spans(obj) == [(6, 8, "One"), (8, 10, None)]
    assert reader.chapter_spans(_obj("just text")) == [(0, 9, None)]


def test_notes_inside_a_chapter_are_cut_out_and_placed_before_or_after_it():
    text = "Note first\nStory line\nNote last"
    obj = _obj(text, notes=[{"kind": "author_note", "start": 0, "end": 10}, {"kind": "disclaimer", "start": 22, "end": 31}])
    [ch] = reader.render_chapters(obj)
    assert str(ch.html) == "<p>Story line</p>"
    assert [(n.kind, n.text) for n in ch.notes] == [("author_note", "Note first")]
    assert [(n.kind, n.text) for n in ch.end_notes] == [("disclaimer", "Note last")]


def test_notes_outside_the_body_are_work_notes():
    text = "Hello readers\n\nStory\n\nBye"
    obj = _obj(text, notes=[{"kind": "author_note", "start": 0, "end": 13}, {"kind": "other", "start": 22, "end": 25}], body={"start": 15, "end": 20})
    before, after = reader.outside_notes(obj)
    assert [n.text for n in before] == ["Hello readers"] and [n.text for n in after] == ["Bye"]


@pytest.mark.parametrize(
    "text, title, shown",
    [
        ("Chapter 2: The Barn\nShe ran.", "The Barn", "<p>She ran.</p>"),
        ("The Barn\nShe ran.", "The Barn", "<p>She ran.</p>"),
        ("Chapter 2\nShe ran.", None, "<p>She ran.</p>"),
        # a first line that is prose, not a heading, stays
        ("The Barn was red.\nShe ran.", "The Barn", "<p>The Barn was red.</p>\n<p>She ran.</p>"),
        ("Chapter 2: Something else\nShe ran.", "The Barn", "<p>Chapter 2: Something else</p>\n<p>She ran.</p>"),
    ],
)
def test_a_first_line_repeating_the_chapter_heading_is_not_shown_twice(text, title, shown):
    obj = _obj("x\n" + text, chapters=[{"start": 0, "end": 1, "title": None}, {"start": 2, "end": 2 + len(text), "title": title}])
    assert str(reader.render_chapters(obj, only=2)[0].html) == shown


def test_legend_counts_quotes_per_speaker_and_unknowns_last():
    obj = _obj("x", quotes=[{"start": 0, "end": 1, "speaker": "b"}, {"start": 0, "end": 1, "speaker": "b"}, {"start": 0, "end": 1, "speaker": None}])
    assert [(r["name"], r["cls"], r["quotes"]) for r in reader.legend(obj)] == [("Bob", "spk-0", 2), ("Unknown speaker", "spk-none", 1)]


# ----------------------------------------------------------------------------- charts


def test_arc_plot_maps_positions_left_to_right_and_valence_bottom_to_top():
    svg = str(charts.arc_svg({"points": [{"position": 1.0, "valence": 0.5}, {"position": 0.0, "valence": -0.5}]}, [0.5], width=144, height=140))
    # plot box: x 44..132, y 12..112; -0.5 at the bottom left, +0.5 at the top right
    assert re.search(r'<polyline class="arc-line" points="44.0,112.0 132.0,12.0"/>', svg)
    assert '<line class="arc-chapter" x1="88.0"' in svg
    assert "style=" not in svg


def test_no_arc_draws_nothing():
    assert str(charts.arc_svg(None)) == "" and str(charts.arc_svg({"points": []})) == ""


def test_network_keeps_the_most_mentioned_characters_and_escapes_names():
    chars = [{"id": f"c{i}", "name": f"<b>C{i}</b>", "mentions": 20 - i} for i in range(15)]
    obj = {"text": "", "characters": chars, "relationships": [{"a": "c0", "b": "c14", "type": "romantic"}, {"a": "c0", "b": "c1", "type": "adversarial", "weight": 2}]}
    svg = str(charts.network_svg(obj, max_nodes=12))
    assert len(re.findall(r'<g class="node"', svg)) == 12
    assert 'data-c="c14"' not in svg  # its edge goes with it
    assert svg.count('class="edge') == 1 and 'class="edge rel-adversarial"' in svg
    assert "<b>" not in svg and "&lt;b&gt;C0&lt;/b&gt;" in svg


def test_network_adds_co_occurrence_where_no_relationship_is_known():
    text = "Ann and Bob\nBob and Cy\nAnn"
    mentions = [{"start": 0, "end": 3, "character": "a"}, {"start": 8, "end": 11, "character": "b"},
                {"start": 12, "end": 15, "character": "b"}, {"start": 20, "end": 22, "character": "c"}]  # fmt: skip
    obj = {"text": text, "mentions": mentions, "relationships": [{"a": "b", "b": "a", "type": "familial"}],
           "characters": [{"id": "a", "name": "Ann", "mentions": 2}, {"id": "b", "name": "Bob", "mentions": 2}, {"id": "c", "name": "Cy", "mentions": 1}]}  # fmt: skip
    edges = [(e["a"], e["b"], e["type"]) for e in charts.network_edges(obj, {"a", "b", "c"})]
    assert edges == [("a", "b", "familial"), ("b", "c", "cooccurrence")]


def test_network_of_no_characters_is_empty():
    assert str(charts.network_svg({"characters": []})) == ""


# ----------------------------------------------------------------------------- views


@pytest.mark.parametrize(
    "rating, warnings, categories, complete, classes",
    [
        ("Explicit", ["Major Character Death"], ["M/M"], True, ["rating-explicit", "warning-yes", "category-slash", "complete-yes"]),
        ("General Audiences", ["No Archive Warnings Apply"], ["F/F"], False, ["rating-general-audience", "warning-no", "category-femslash", "complete-no"]),
        (None, [], [], None, ["rating-notrated", "warning-choosenotto", "category-none", "complete-unknown"]),
        ("Mature", ["Creator Chose Not To Use Archive Warnings"], ["F/M", "Gen"], True, ["rating-mature", "warning-choosenotto", "category-multi", "complete-yes"]),
        ("Teen And Up Audiences", ["Choose Not To Use Archive Warnings"], ["Other"], True, ["rating-teen", "warning-choosenotto", "category-other", "complete-yes"]),
    ],
)  # fmt: skip
def test_required_tags_square_follows_ao3_symbols(rating, warnings, categories, complete, classes):
    assert [s["cls"] for s in views.required_tags(rating, warnings, categories, complete)] == classes


def test_blurb_prefers_declared_tags_and_falls_back_to_inferred():
    hit = {"id": 3, "title": "T", "authors": ["x"], "words": 1200, "chapters": 2, "complete": False, "rating": None,
           "tags": {"fandom": [{"value": "Inferred F", "source": "inferred"}],
                    "character": [{"value": "Decl", "source": "declared"}, {"value": "Inf", "source": "inferred"}]}}  # fmt: skip
    b = views.blurb(hit)
    assert b["fandoms"] == ["Inferred F"] and b["characters"] == ["Decl"]
    assert ("Words", "1,200") in b["stats"] and ("Chapters", "2/?") in b["stats"]


def test_character_rows_share_dialogue_by_words_or_else_by_quotes():
    by_words = views.character_rows({"characters": [{"id": "a", "dialogue_words": 30, "quotes": 1, "mentions": 2}, {"id": "b", "dialogue_words": 10, "quotes": 5, "mentions": 1}]})
    assert [(r["id"], r["share"]) for r in by_words] == [("a", 0.75), ("b", 0.25)]
    by_quotes = views.character_rows({"characters": [{"id": "a", "quotes": 1, "mentions": 2}, {"id": "b", "quotes": 3, "mentions": 1}]})
    assert [(r["id"], r["share"]) for r in by_quotes] == [("a", 0.25), ("b", 0.75)]
    assert views.character_rows({"characters": [{"id": "a"}]})[0]["share"] == 0.0


def test_tag_blocks_pair_declared_with_inferred_in_ao3_order():
    obj = {"metadata": {"fandoms": ["F"], "rating": "Mature", "freeform": []},
           "tags": {"rating": {"value": "Explicit", "confidence": 0.6}, "freeform": [{"value": "Angst", "confidence": 0.8}], "warnings": []}}  # fmt: skip
    rows = views.tag_blocks(obj)
    assert [(r["type"], r["declared"], r["inferred"]) for r in rows] == [
        ("rating", ["Mature"], [("Explicit", 0.6, "")]),
        ("fandom", ["F"], []),
        ("freeform", [], [("Angst", 0.8, "")]),
    ]


def test_inferred_tags_carry_their_first_evidence_passage():
    text = "He  fell.\nShe wept over\nthe grave." + "x" * 300
    obj = {"text": text, "metadata": {}, "tags": {"warnings": [
        {"value": "Major Character Death", "confidence": 0.7, "evidence": [{"start": 0, "end": 0}, {"start": 10, "end": 34}]},
        {"value": "Long", "confidence": 0.5, "evidence": [{"start": 0, "end": len(text)}]},
    ]}}  # fmt: skip
    [row] = views.tag_blocks(obj)
    assert row["inferred"][0] == ("Major Character Death", 0.7, "She wept over the grave.")
    assert len(row["inferred"][1][2]) == 240 and row["inferred"][1][2].endswith("\u2026")


def test_build_query_joins_the_box_and_the_ticked_facets():
    assert views.build_query("  ", [], []) == ""
    assert views.build_query("barn", ["a:1", "b:2"], ["c:3"]) == "barn a:1 b:2 -c:3"


def test_facet_term_drops_quotes_the_query_language_cannot_hold():
    assert views.facet_term("freeform", 'say "hi"') == 'freeform:"say hi"'


def test_facet_groups_mark_ticked_values_and_keep_ao3_order():
    facets = {"character": [{"value": "Ann", "count": 2, "source": "declared"}], "rating": [{"value": "Mature", "count": 1, "source": "declared"}]}
    groups = views.facet_groups(facets, ['declared.character:"Ann"'], [])
    assert [g["type"] for g in groups] == ["rating", "character"]
    assert groups[1]["values"][0]["included"] is True and groups[0]["values"][0]["included"] is False


@pytest.mark.parametrize(
    "page, total, items",
    [
        (1, 20, [1]),
        (1, 100, [1, 2, 3, 4, 5]),
        (10, 400, [1, 2, None, 8, 9, 10, 11, 12, None, 19, 20]),
        (20, 400, [1, 2, None, 18, 19, 20]),
    ],
)
def test_pagination_shows_ends_and_neighbours_with_gaps(page, total, items):
    links = views.page_links(page, total, 20, {"q": "x y", "inc": ["a", "b"], "sort": None})
    assert [n for n, _ in links["items"]] == items
    assert (links["prev"] is None) is (page == 1)
    if links["next"]:
        assert links["next"] == f"?q=x+y&inc=a&inc=b&page={page + 1}"


def test_work_notes_that_only_repeat_title_byline_or_summary_are_left_out():
    text = "My Title\nby Ann\nSummary: Short.\nThanks, beta!\n\nStory"
    notes = [{"kind": "other", "start": 0, "end": 8}, {"kind": "other", "start": 9, "end": 15},
             {"kind": "summary", "start": 16, "end": 31}, {"kind": "author_note", "start": 32, "end": 45}]  # fmt: skip
    obj = _obj(text, notes=notes, body={"start": 47, "end": 52})
    obj["metadata"].update({"title": "My Title", "authors": ["Ann"], "summary": "Short."})
    before, after = reader.outside_notes(obj)
    assert [(n.kind, n.text) for n in before] == [("author_note", "Thanks, beta!")] and after == []
