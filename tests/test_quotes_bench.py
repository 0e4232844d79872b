"""The LitBank quotes bench: reading LitBank's files, rebuilding paragraphs, matching and
scoring. Runs on a tiny corpus in LitBank's format written here (not LitBank's text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.bench import litbank_quotes as bench

SENTENCES = [
    "Mara Voss came into the mill yard at dusk .",
    '" You are late , " said Tobin .',
    '" Supper is cold . "',
    "Mara took off her wet coat .",
    '" The road was flooded . "',
    '" Then come and eat , " he said .',
]
# (sentence, first token, sentence, last token) of each quotation, speaker entity
QUOTES = [
    ((1, 0, 1, 5), "Tobin-1"),
    ((2, 0, 2, 5), "Tobin-1"),
    ((4, 0, 4, 6), "Mara-0"),
    ((5, 0, 5, 6), "Tobin-1"),
]
MENTIONS = [  # id, span, entity, category
    ("T1", (0, 0, 0, 1), "Mara-0", "PROP"),
    ("T2", (1, 7, 1, 7), "Tobin-1", "PROP"),
    ("T3", (3, 0, 3, 0), "Mara-0", "PROP"),
    ("T4", (5, 7, 5, 7), "Tobin-1", "PRON"),
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "quotations" / "tsv").mkdir(parents=True)
    (tmp_path / "coref" / "tsv").mkdir(parents=True)
    name = "1_test_story_brat"
    (tmp_path / "quotations" / "tsv" / f"{name}.txt").write_text("\n".join(SENTENCES) + "\n")
    rows = []
    for k, ((s1, t1, s2, t2), _) in enumerate(QUOTES):
        words = " ".join(SENTENCES[s1].split()[t1 : t2 + 1])
        rows.append(f"QUOTE\tQ{k}\t{s1}\t{t1}\t{s2}\t{t2}\t{words}")
    rows += [f"ATTRIB\tQ{k}\t{spk}" for k, (_, spk) in enumerate(QUOTES)]
    (tmp_path / "quotations" / "tsv" / f"{name}.ann").write_text("\n".join(rows) + "\n")
    crows = [f"MENTION\t{t}\t{a}\t{b}\t{c}\t{d}\tx\tPER\t{cat}" for t, (a, b, c, d), _, cat in MENTIONS]
    crows += [f"COREF\t{t}\t{ent}" for t, _, ent, _ in MENTIONS]
    (tmp_path / "coref" / "tsv" / f"{name}.ann").write_text("\n".join(crows) + "\n")
    return tmp_path


def test_litbank_sentences_are_joined_into_printed_paragraphs(corpus):
    doc = bench.load_doc(corpus, "1_test_story_brat")
    paras = [doc.text[s:e] for s, e in doc.paragraphs]
    assert paras == [
        "Mara Voss came into the mill yard at dusk.",
        # a quotation after a tagged one continues its paragraph
        '"You are late," said Tobin. "Supper is cold."',
        "Mara took off her wet coat.",
        '"The road was flooded."',
        '"Then come and eat," he said.',
    ]
    assert [doc.text[q.start : q.end] for q in doc.quotes][2:] == ['"The road was flooded."', '"Then come and eat,"']


def test_gold_quotes_are_labelled_by_how_their_speaker_is_cued(corpus):
    doc = bench.load_doc(corpus, "1_test_story_brat")
    # "said Tobin" beside the first two; nothing beside the third; "he said" after the last
    assert [q.cue for q in doc.quotes] == ["explicit", "explicit", "implicit", "pronoun"]


def test_matching_is_one_to_one_by_overlap():
    gold = [(0, 10), (20, 30), (40, 50)]
    pred = [(0, 10), (21, 29), (31, 39), (45, 60)]
    assert bench.match(gold, pred) == {0: 0, 1: 1, 2: 3}


def test_scoring_counts_a_speaker_right_only_through_the_character_mapping(corpus):
    lit = bench.load_doc(corpus, "1_test_story_brat")
    from ficlens.model import Quote

    p = bench.Prepared(lit, None, {"tobin": "Tobin-1", "mara": "Mara-0"})  # type: ignore[arg-type]

    from types import SimpleNamespace

    doc = SimpleNamespace(mentions=[], quotes=[Quote(q.start, q.end, speaker="tobin") for q in lit.quotes])
    t = bench.Tally()
    bench.score_doc(p, doc, t)  # type: ignore[arg-type]
    r = bench.report(t)
    assert r["detection_exact"]["f1"] == 1.0
    assert r["speaker_accuracy"]["overall"] == 0.75
    assert r["speaker_accuracy"]["explicit"] == 1.0
    assert r["addressee_two_party"] == {"accuracy": 0.0, "n": 0}  # no A, B, A exchange in it
    assert r["speaker_accuracy"]["implicit"] == 0.0  # "The road" is Mara's


def test_bench_runs_end_to_end_with_gold_characters(corpus):
    res = bench.run_bench(corpus, folds=1, profile="fast", characters="gold")
    r = res["shipped_model_in_sample"]
    assert r["quotes_gold"] == 4 and r["detection_overlap"]["recall"] == 1.0
    assert r["speaker_accuracy"]["explicit"] == 1.0


def test_bench_command_rejects_a_folder_without_litbank(tmp_path, capsys):
    from ficlens.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["bench", "litbank-quotes", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert stop.value.code != 0 and err.startswith("error: no LitBank") and "Traceback" not in err


def test_a_quotation_line_with_its_own_tag_after_a_tagged_one_starts_a_new_paragraph():
    sentences = [
        ["\"", "Yes", ",", "\"", "said", "he", "."],
        ["\"", "No", ",", "\"", "said", "she", "."],
        ["\"", "And", "more", ".", "\""],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ['"Yes," said he.', '"No," said she. "And more."']


def test_a_single_quoted_line_after_a_tagged_single_quoted_one_continues_its_paragraph():
    # straight single quotes (LitBank tokenises them as "'") are dialogue lines too
    sentences = [
        ["'", "Let", "the", "dog", "alone", ",", "'", "growled", "he", "."],
        ["'", "She", "is", "not", "a", "pet", ".", "'"],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["'Let the dog alone,' growled he. 'She is not a pet.'"]


def test_a_speech_verb_inside_curly_single_quotes_is_no_tag_of_the_line():
    # "‘Why do you ask?’": the asking is inside the quotation, so the line carries no tag of
    # its own and continues the tagged line's paragraph, as a double-quoted one would
    sentences = [
        ["‘", "Two", "winters", ",", "’", "said", "Mott", "."],
        ["‘", "Why", "do", "you", "ask", "?", "’"],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["‘Two winters,’ said Mott. ‘Why do you ask?’"]


def test_a_quotation_line_whose_tag_is_the_next_line_is_a_turn_of_its_own():
    # LitBank puts "I asked again ." on a line of its own after a question; it is the tag of
    # the line before, so that line does not continue the tagged line's paragraph
    sentences = [
        ["\u2018", "Two", "winters", ",", "\u2019", "said", "Mott", "."],
        ["\u2018", "And", "the", "ice", "?", "\u2019"],
        ["I", "asked", "again", "."],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u2018Two winters,\u2019 said Mott.", "\u2018And the ice?\u2019 I asked again."]


def test_a_quotation_running_over_two_lines_closes_and_the_narration_after_opens_a_paragraph():
    # LitBank cuts one quotation into sentences; the closing mark on the second line must be
    # read as closing (not as a new opening), or the narration after joins the speech
    sentences = [
        ['"', "I", "have", "no", "data", "yet", "."],
        ["What", "do", "you", "make", "of", "it", "?", '"'],
        ["I", "turned", "the", "letter", "over", "."],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ['"I have no data yet. What do you make of it?"', "I turned the letter over."]


def test_a_quotation_straight_after_another_in_one_line_opens_a_paragraph():
    # LitBank's sentence split can leave two speakers' lines in one sentence
    sentences = [["\u201c", "A", "swell", "rig", "--", "\u201d", "\u201c", "It", "sure", "is", "!", "\u201d"]]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cA swell rig --\u201d", "\u201cIt sure is!\u201d"]


def test_a_tagged_quotation_after_a_tagged_one_in_one_line_opens_a_paragraph():
    sentences = [["\u201c", "Good", "night", ",", "\u201d", "I", "said", ".", "\u201c", "Not", "yet", "!", "\u201d", "said", "he", "."]]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cGood night,\u201d I said.", "\u201cNot yet!\u201d said he."]


def test_a_quotation_line_answering_a_tagged_question_starts_a_new_paragraph():
    sentences = [
        ["\u201c", "Which", "?", "\u201d", "asked", "the", "doctor", "."],
        ["\u201c", "Brother", ".", "\u201d"],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cWhich?\u201d asked the doctor.", "\u201cBrother.\u201d"]


def test_a_quotation_after_a_tagged_question_in_one_line_opens_a_paragraph():
    # '"Why so?" asked he. "Because ..."': the answer is another speaker's, a break
    # LitBank's sentence split lost inside one line
    sentences = [["\u201c", "Why", "so", "?", "\u201d", "asked", "he", ".", "\u201c", "Because", ".", "\u201d"]]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cWhy so?\u201d asked he.", "\u201cBecause.\u201d"]


def test_a_tag_line_holding_the_answer_to_the_question_before_splits_at_the_answer():
    # Dubliners: '"Who?"' / 'said I. "Father Flynn."' (LitBank keeps "I." one token)
    sentences = [["\u201c", "Who", "?", "\u201d"], ["said", "I.", "\u201c", "Father", "Flynn", ".", "\u201d"]]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cWho?\u201d said I.", "\u201cFather Flynn.\u201d"]


def test_a_quotation_after_a_tagged_statement_in_one_line_continues_it():
    sentences = [["\u201c", "Ten", "cents", ",", "\u201d", "said", "Dick", ".", "\u201c", "Shine", "?", "\u201d"]]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cTen cents,\u201d said Dick. \u201cShine?\u201d"]


def test_a_quotation_line_after_a_question_and_its_tag_line_starts_a_new_paragraph():
    # LitBank puts "asked Durbeyfield ." on a line of its own: the question is still what the
    # next quotation line answers (another speaker in 9 of 10 such lines)
    sentences = [
        ["\u201c", "And", "the", "ice", "?", "\u201d"],
        ["I", "asked", "again", "."],
        ["\u201c", "Thin", ".", "\u201d"],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cAnd the ice?\u201d I asked again.", "\u201cThin.\u201d"]


def test_a_beat_line_after_a_question_opens_the_answer_s_paragraph():
    # '"Do you remember?"' / 'Tommy chuckled.' / '"I should think I did!"': chuckling is what
    # the one who answers does, so the beat goes with the answer, not with the question
    sentences = [
        ["\u201c", "Do", "you", "remember", "?", "\u201d"],
        ["Tommy", "chuckled", "."],
        ["\u201c", "I", "should", "think", "I", "did", "!", "\u201d"],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ["\u201cDo you remember?\u201d", "Tommy chuckled. \u201cI should think I did!\u201d"]


def test_a_speech_of_several_lines_with_its_own_tag_at_the_end_starts_a_new_paragraph():
    sentences = [
        ['"', "I", "need", "pencils", ",", '"', "said", "Amy", "."],
        ['"', "Mother", "said", "nothing", "."],
        ["Let", "us", "buy", "it", ",", '"', "cried", "Jo", "."],
    ]
    text, paras, _ = bench.build_text(sentences)
    assert [text[s:e] for s, e in paras] == ['"I need pencils," said Amy.', '"Mother said nothing. Let us buy it," cried Jo.']


def test_a_named_character_maps_to_the_entity_its_name_mentions_belong_to(corpus):
    # "Tobin" is Tobin's name; two pronouns the characters stage wrongly gave him are Mara's.
    # A reader judges the character by its name, so it maps to Tobin, not to the majority.
    from ficlens.model import Mention

    lit = bench.load_doc(corpus, "1_test_story_brat")
    lit.mentions = [m for m in lit.mentions] + [(lit.mentions[0][0], lit.mentions[0][1], "Mara-0", "PRON")]
    tobin = next(m for m in lit.mentions if m[2] == "Tobin-1" and m[3] == "PROP")
    maras = [m for m in lit.mentions if m[2] == "Mara-0"]
    from types import SimpleNamespace

    ments = [Mention(tobin[0], tobin[1], "tobin", "name")] + [Mention(s, e, "tobin", "pronoun") for s, e, _, _ in maras]
    assert bench.map_characters(SimpleNamespace(mentions=ments), lit) == {"tobin": "Tobin-1"}  # type: ignore[arg-type]
    unnamed = [Mention(s, e, "the_boy", "pronoun") for s, e, _, _ in maras]
    assert bench.map_characters(SimpleNamespace(mentions=unnamed), lit) == {"the_boy": "Mara-0"}  # type: ignore[arg-type]
    described = [Mention(tobin[0], tobin[1], "the_miller", "nominal")] + [Mention(s, e, "the_miller", "pronoun") for s, e, _, _ in maras]
    assert bench.map_characters(SimpleNamespace(mentions=described), lit) == {"the_miller": "Tobin-1"}  # type: ignore[arg-type]


def test_the_second_training_round_sees_the_history_the_model_made_for_itself(corpus):
    from ficlens.quotes.ranker import FEATURES, Ranker

    lit = bench.load_doc(corpus, "1_test_story_brat")
    p = bench.prepare(lit, "fast", "gold")
    teacher = bench.training_groups(p)
    # a model that gives every tagged line to someone other than the tag's subject
    contrary = Ranker({"not_tag": 20.0})
    own = bench.training_groups(p, contrary)
    assert len(teacher) == len(own) == 4
    same_para = FEATURES.index("same_para")
    # '"Supper is cold."' goes on Tobin's paragraph: with gold history Tobin spoke the
    # quotation before it; with the contrary model's own history he did not
    (x_gold, y_gold), (x_own, y_own) = teacher[1], own[1]
    assert x_gold[y_gold, same_para] == 1.0
    assert x_own[y_own, same_para] == 0.0
    # and fitting runs both rounds to a full set of weights
    weights = bench.fit([p])
    assert set(weights) == set(FEATURES)


def test_the_report_gives_the_confidence_error_before_and_after_a_calibration():
    t = bench.Tally()
    t.confidence = [(0.99, k % 10 < 7) for k in range(100)]
    r = bench.report(t, (0.3, 0.0))
    # claiming 0.99 for lines right seven times in ten is 0.29 off; the map brings it nearer
    assert r["speaker_confidence"]["ece"] == pytest.approx(0.29)
    assert r["speaker_confidence"]["ece_calibrated"] < 0.15
    assert "ece_calibrated" not in bench.report(t)["speaker_confidence"]


def test_two_party_addressees_come_from_an_answer_by_the_one_who_spoke_before():
    G = bench.GoldQuote
    paras = [(0, 10), (12, 20), (22, 30), (32, 40), (42, 50), (52, 60)]
    quotes = [G(0, 5, "A"), G(12, 15, "B"), G(22, 25, "A"), G(32, 35, "C"), G(52, 55, "A")]
    lit = bench.LitDoc("x", "", paras, [], quotes)
    # B answers A and A answers B straight back: B spoke to A; A (third) was answered by C,
    # and C's answer is followed by a paragraph of narration, not by A
    assert bench.two_party_addressees(lit) == {1: "A"}


def test_training_leaves_out_lines_whose_rebuilt_paragraphs_the_gold_shows_wrong():
    from types import SimpleNamespace as NS

    # paragraphs: 0 holds A and B (a lost break); 1: A; 2: A again, untagged (a break too many);
    # 3: B, untagged, after A (a plain turn); 4: C, tagged, after B
    found = [NS(para=0, last_para=0), NS(para=0, last_para=0), NS(para=1, last_para=1), NS(para=2, last_para=2),
             NS(para=3, last_para=3), NS(para=4, last_para=4)]
    gold = {0: "A", 1: "B", 2: "A", 3: "A", 4: "B", 5: "C"}
    choices = [NS(tag=None)] * 5 + [NS(tag=object())]
    assert bench._misbuilt(found, gold, choices) == {0, 1, 3}
