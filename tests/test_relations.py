"""Relationships: interaction weights, types from cues and canon, AO3 tags, ordering."""

from __future__ import annotations

import pytest
from conftest import validate_analysis

from ficlens import contract
from ficlens.stages import relations as relations_stage
from ficlens.tagging import relations
from ficlens.tagging.handbuilt import add_character, add_quote, make_doc


def run(doc):
    return relations_stage.create()(doc)


@pytest.mark.parametrize(
    "a,b,kind,tag",
    [
        # romantic: "/" and sides in family-name order (Kent < Lane), whatever the input order
        ("Lois Lane", "Clark Kent", "romantic", "Clark Kent/Lois Lane"),
        ("Clark Kent", "Martha Kent", "familial", "Clark Kent & Martha Kent"),
        # one-word names sort as themselves
        ("Wren", "Tomas", "platonic", "Tomas & Wren"),
    ],
)
def test_ao3_tags_use_slash_for_romance_and_family_name_order(a, b, kind, tag):
    assert relations.ao3_tag(a, b, kind) == tag


ROMANCE = (
    "Lois found Clark on the roof. Lois kissed Clark under the stars.\n\n"
    '"I love you," Lois told Clark.\n\n'
    "Clark held Lois close. Lois laughed and kissed Clark again.\n\n"
    "Martha called Clark later that night. Clark told his mother everything, and Martha smiled at her son.\n"
)


def romance_doc():
    doc = make_doc(ROMANCE)
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"])
    add_character(doc, "martha", "Martha Kent", "female", ["Martha"])
    add_quote(doc, "I love you", "lois", "clark")
    return doc


def test_kisses_and_i_love_you_make_a_romantic_pair_and_the_main_pairing_leads():
    doc = run(romance_doc())
    first = doc.relationships[0]
    assert {first.a, first.b} == {"lois", "clark"}
    assert first.type == "romantic"
    assert first.tag == "Clark Kent/Lois Lane"
    assert first.weight == 1.0
    assert 0.5 < first.confidence < 1.0


def test_kin_words_between_two_characters_make_a_familial_pair():
    doc = run(romance_doc())
    mc = next(r for r in doc.relationships if {r.a, r.b} == {"martha", "clark"})
    assert mc.type == "familial"
    assert mc.tag == "Clark Kent & Martha Kent"
    assert mc.weight < 1.0


def test_relationship_tags_carry_the_passages_that_typed_them():
    doc = run(romance_doc())
    tag = doc.tags.relationships[0]
    assert tag.value == "Clark Kent/Lois Lane"
    assert tag.evidence and any("kiss" in doc.text[s.start : s.end] for s in tag.evidence)


def test_character_tags_are_scored_by_how_central_each_character_is():
    doc = run(romance_doc())
    names = [t.value for t in doc.tags.characters]
    assert names[:2] in (["Clark Kent", "Lois Lane"], ["Lois Lane", "Clark Kent"])
    assert doc.tags.characters[0].confidence >= doc.tags.characters[-1].confidence


def test_a_pair_only_talked_about_weighs_less_than_one_that_acts_together():
    text = (
        "Ann and Bea walked to the market. Ann bought bread and Bea bought fish.\n\n"
        "Ann and Bea sat by the river. Bea told Ann a story.\n\n"
        '"Cal used to date Dee, years ago," Ann said to Bea. "Cal and Dee broke up."\n\n'
        '"Cal still asks about Dee," Bea said. "Cal and Dee, honestly."\n'
    )
    doc = make_doc(text)
    for cid in ("Ann", "Bea", "Cal", "Dee"):
        add_character(doc, cid.lower(), cid)
    add_quote(doc, "Cal used to date", "ann", "bea")
    add_quote(doc, "Cal still asks", "bea", "ann")
    run(doc)
    w = {frozenset((r.a, r.b)): r.weight for r in doc.relationships}
    assert w[frozenset(("ann", "bea"))] == 1.0
    assert w.get(frozenset(("cal", "dee")), 0.0) < 0.5


def test_canon_relations_from_the_kb_type_a_pair_the_text_leaves_unclear():
    text = ("Clark and Lex stood in the barn. Lex looked at Clark. Clark looked back.\n\n" * 3)
    doc = make_doc(text)
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"], kb="clark_kent")
    add_character(doc, "lex", "Lex Luthor", "male", ["Lex"], kb="lex_luthor")
    run(doc)
    r = doc.relationships[0]
    assert r.type == "adversarial"
    assert r.tag == "Clark Kent & Lex Luthor"


def test_no_characters_means_no_relationships():
    doc = run(make_doc("The wind blew over the empty hills all night long."))
    assert doc.relationships == [] and doc.tags.relationships == [] and doc.tags.characters == []


def test_relationships_validate_against_the_contract():
    validate_analysis(contract.to_json(run(romance_doc())))


def test_relations_stage_declares_its_outputs():
    st = relations_stage.create()
    assert st.name == "relations"
    assert "relationships" in st.assigns


def test_a_cue_inside_someones_description_is_about_them_and_their_owner_only():
    # "his wife" is romantic evidence for Tom and his wife, not for Priya who is in the sentence
    from ficlens.model import Character, Mention

    text = "Priya sat with Tom all night. She knew that his wife was not coming. Tom talked and Priya listened.\n"
    doc = make_doc(text)
    add_character(doc, "priya", "Priya", "female", ["Priya"], ["she"])
    add_character(doc, "tom", "Tom", "male", ["Tom"])
    at = text.index("his wife")
    doc.characters.append(Character("his_wife", "his wife", {}, "female", 1, True))
    doc.mentions = sorted(
        doc.mentions + [Mention(at, at + 3, "tom", "pronoun", "his"), Mention(at, at + 8, "his_wife", "nominal", "his wife")],
        key=lambda m: (m.start, m.end),
    )
    doc = run(doc)
    pairs = {frozenset((r.a, r.b)): r for r in doc.relationships}
    assert pairs[frozenset(("priya", "tom"))].type != "romantic"
    assert frozenset(("priya", "his_wife")) not in pairs or pairs[frozenset(("priya", "his_wife"))].type != "romantic"


def test_a_described_character_with_no_owner_named_beside_two_others_does_not_break_the_stage():
    # "the wife" is a description with a kin cue and no "his"/"her" opening it; the stage
    # once failed on it (and, recorded as a stage error, left the work with no relationships)
    from ficlens.model import Mention

    doc = make_doc("Lois and Clark watched the wife walk past. Lois kissed Clark.\n")
    add_character(doc, "lois", "Lois Lane", "female", ["Lois"])
    add_character(doc, "clark", "Clark Kent", "male", ["Clark"])
    add_character(doc, "bride", "the bride", "female", [])
    at = doc.text.index("the wife")
    doc.mentions.append(Mention(at, at + len("the wife"), "bride", "nominal", "the wife"))
    doc.mentions.sort(key=lambda m: m.start)
    doc = run(doc)
    assert any({r.a, r.b} == {"lois", "clark"} for r in doc.relationships)
