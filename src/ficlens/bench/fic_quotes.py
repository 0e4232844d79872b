"""``ficlens bench fic-quotes``: who says what in fan fiction as fans lay it out.

LitBank (``bench litbank-quotes``) is old novels with their paragraph breaks lost; this bench
is the other half: stories we wrote ourselves in the shapes fan fiction comes in (curly,
straight and single quotes, em-dash dialogue, sloppy typing, first-person narrators, phone
calls, secret identities, scene breaks), each quotation annotated by its writer with a marker
right after its closing mark:

- ``[[Dean]]``: Dean said it; ``[[Dean>Sam]]``: ... to Sam; ``[[narrator]]``: the first-person
  narrator; ``[[-]]``: a quotation that is not speech (a title, a scare quote, a sign).

The markers are cut out and the story runs through the whole analysis as ``ficlens analyze``
would run it. A gold quotation is found when a predicted one covers the character just before
its marker (or ends within two characters of it); its speaker is right when the predicted
speaker is the character the gold name stands for in the analysis: the one whose display name
or aliases are that name or begin with it ("Dean" is "Dean Winchester"), preferring the display
name, then the most mentions (``cast``); ``narrator`` is the narrator character.
An undetected quotation counts as wrong. The same for addressees where the writer marked one.

>>> text, gold = strip_markers('"Hi,"[[Dean>Sam]] he said. "Bye."[[-]]')
>>> text
'"Hi," he said. "Bye."'
>>> [(g.end, g.speaker, g.addressee, g.speech) for g in gold]
[(5, 'Dean', 'Sam', True), (21, None, None, False)]
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import typer

from ..errors import FiclensError

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "dialogue"
MARKER = re.compile(r"\[\[([^\[\]]*)\]\]")


@dataclass
class GoldLine:
    end: int  # offset in the stripped text right after the quotation's closing mark
    speaker: str | None  # None for [[-]]
    addressee: str | None = None

    @property
    def speech(self) -> bool:
        return self.speaker is not None


def strip_markers(marked: str) -> tuple[str, list[GoldLine]]:
    """The story without its markers, and one ``GoldLine`` per marker."""
    out: list[str] = []
    gold: list[GoldLine] = []
    pos = at = 0
    for m in MARKER.finditer(marked):
        out.append(marked[pos : m.start()])
        at += m.start() - pos
        pos = m.end()
        body = m.group(1).strip()
        if body == "-":
            gold.append(GoldLine(at, None))
            continue
        speaker, _, addressee = body.partition(">")
        if not speaker.strip():
            raise FiclensError(f"empty speaker in marker {m.group(0)!r}")
        gold.append(GoldLine(at, speaker.strip(), addressee.strip() or None))
    out.append(marked[pos:])
    return "".join(out), gold


def _forms(character) -> dict[str, int]:
    """The names a character goes by in the analysis (display name, aliases with their
    counts) and, when it is linked to the fandom KB, the canon names it has there (count 0:
    "Italy" is Hetalia's "North Italy" though the story only said "Feliciano")."""
    forms = dict(character.aliases)
    forms.setdefault(character.name, 0)
    if getattr(character, "kb", None):
        from ..kb import load_kb

        entry = load_kb().character(character.kb)
        if entry is not None:
            for form in (entry.name, entry.first_name, *entry.aliases):
                if form:
                    forms.setdefault(form, 0)
    return forms


def _fits(form: str, gold: str) -> bool:
    """``form`` (a name the analysis uses) begins with the annotator's ``gold`` name; an
    article does not count ("the guard" is the annotator's "Guard").

    >>> _fits("Dean Winchester", "Dean"), _fits("the guard", "Guard"), _fits("Deanna", "Dean")
    (True, True, False)
    >>> _fits("Lae\u2019zel", "Lae'zel")  # the same apostrophe, typed curly or straight
    True
    """
    n, g = form.replace("\u2019", "'").casefold().split(), gold.replace("\u2019", "'").casefold().split()
    if len(n) > 1 and n[0] in ("the", "a", "an"):
        n = n[1:]
    return bool(g) and n[: len(g)] == g


def called(character, gold: str, narrator: str | None, described: dict[str, dict[str, int]] | None = None) -> bool:
    """Whether ``character`` goes by the annotator's name ``gold`` (its display name or an
    alias is that name or begins with it).

    >>> from ficlens.model import Character
    >>> c = Character(id="dean_winchester", name="Dean Winchester", aliases={"Dean": 3})
    >>> called(c, "Dean", None), called(c, "dean winchester", None), called(c, "Sam", None)
    (True, True, False)
    >>> called(Character(id="elizabeth_bennet", name="Elizabeth Bennet"), "Mrs. Bennet", None)
    False
    """
    if character is None:
        return False
    if gold.casefold() == "narrator":
        return narrator is not None and character.id == narrator
    return any(_fits(f, gold) for f in (*_forms(character), *(described or {}).get(character.id, ())))


def cast(gold_names, characters, narrator: str | None, described: dict[str, dict[str, int]] | None = None) -> dict[str, str | None]:
    """Each annotated name -> the id of the character a reader of the analysis sees for it.

    The character that goes by the name most (its display name first) wins; a character two
    annotated people both go by (two people merged into one) counts for one of them only, the
    one its display name is, so a line of the other is never right by accident.
    ``described``: character id -> how the narration describes them ("the knight": 5), for
    an annotator who names people by their trade ("knight") where the analysis found the
    name ("Ser Hollis"); names count first.

    >>> from ficlens.model import Character
    >>> both = Character(id="dean_winchester", name="Dean Winchester", aliases={"Dean": 2, "Sam": 3})
    >>> cast(["Dean", "Sam"], [both], None)
    {'Dean': 'dean_winchester', 'Sam': None}
    >>> hollis = Character(id="ser_hollis", name="Ser Hollis")
    >>> cast(["knight"], [hollis], None), cast(["knight"], [hollis], None, {"ser_hollis": {"the knight": 3}})
    ({'knight': None}, {'knight': 'ser_hollis'})
    """
    def weight(c, name: str) -> tuple[int, int]:
        if name.casefold() == "narrator":
            return (1, 0)
        return (int(_fits(c.name, name)), sum(n for f, n in c.aliases.items() if _fits(f, name)),
                sum(n for f, n in (described or {}).get(c.id, {}).items() if _fits(f, name)))

    best: dict[str, tuple] = {}
    for name in dict.fromkeys(gold_names):
        fits = [c for c in characters if called(c, name, narrator, described)]
        if fits:
            c = max(fits, key=lambda c: weight(c, name))
            best[name] = (c.id, weight(c, name))
    out: dict[str, str | None] = {name: None for name in dict.fromkeys(gold_names)}
    claims: dict[str, list[str]] = {}
    for name, (cid, _w) in best.items():
        claims.setdefault(cid, []).append(name)
    for cid, names in claims.items():
        out[max(names, key=lambda n: best[n][1])] = cid
    return out


def _match(quotes, end: int):
    """The predicted quotation covering the character before ``end``, else one ending near it."""
    for q in quotes:
        if q.start <= end - 1 < q.end:
            return q
    near = [q for q in quotes if abs(q.end - end) <= 2]
    return near[0] if near else None


@dataclass
class Tally:
    speech: int = 0
    found: int = 0
    speaker_right: int = 0
    by_attribution: dict[str, list[int]] = field(default_factory=dict)  # how -> [right, n]
    addressed: int = 0
    addressee_right: int = 0
    not_speech: int = 0
    not_speech_taken: int = 0  # [[-]] quotations predicted as speech
    predicted_speech: int = 0
    predicted_matched: int = 0
    errors: list[dict] = field(default_factory=list)
    confidence: list[tuple[float, bool]] = field(default_factory=list)  # (speaker confidence, right) per found line

    def report(self) -> dict:
        def r(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        from .tags import reliability

        bins, ece, _n = reliability(self.confidence)
        return {
            "speech_quotations": self.speech,
            "speaker_accuracy": r(self.speaker_right, self.speech),
            "speaker_accuracy_detected": r(self.speaker_right, self.found),
            "detection_recall": r(self.found, self.speech),
            "detection_precision": r(self.predicted_matched, self.predicted_speech),
            "not_speech_taken_for_speech": f"{self.not_speech_taken}/{self.not_speech}",
            "by_attribution": {k: {"accuracy": r(v[0], v[1]), "n": v[1]} for k, v in sorted(self.by_attribution.items())},
            "addressee_accuracy": r(self.addressee_right, self.addressed),
            "addressees_marked": self.addressed,
            "speaker_confidence": {
                "ece": round(ece, 3),
                "bins": [{"from": b.low, "to": b.high, "n": b.n, "accuracy": round(b.accuracy, 3), "confidence": round(b.confidence, 3)} for b in bins],
            },
        }


def score(doc, gold: list[GoldLine], tally: Tally, name: str = "") -> None:
    """Add one analysed story's result to ``tally``."""
    chars = {c.id: c for c in doc.characters}
    narrator = doc.pov.narrator
    described: dict[str, dict[str, int]] = {}
    for m in doc.mentions:
        if m.kind == "nominal" and not m.in_quote and m.text.lower().startswith("the "):
            d = described.setdefault(m.character, {})
            d[m.text] = d.get(m.text, 0) + 1
    who = cast([n for g in gold for n in (g.speaker, g.addressee) if n], doc.characters, narrator, described)
    speechy = [q for q in doc.quotes if q.kind in ("speech", "thought")]
    matched_ids = set()
    for g in gold:
        q = _match(doc.quotes, g.end)
        if not g.speech:
            tally.not_speech += 1
            tally.not_speech_taken += q is not None and q.kind in ("speech", "thought")
            continue
        tally.speech += 1
        if q is None or q.kind not in ("speech", "thought"):
            tally.errors.append({"story": name, "at": g.end, "gold": g.speaker, "got": "(not found)", "text": doc.text[max(0, g.end - 60) : g.end]})
            continue
        matched_ids.add(id(q))
        tally.found += 1
        ok = q.speaker is not None and q.speaker == who[g.speaker]
        tally.speaker_right += ok
        tally.confidence.append((q.confidence, bool(ok)))
        slot = tally.by_attribution.setdefault(q.attribution, [0, 0])
        slot[0] += ok
        slot[1] += 1
        if not ok:
            got = chars[q.speaker].name if q.speaker in chars else None
            tally.errors.append({"story": name, "at": g.end, "gold": g.speaker, "got": got, "how": q.attribution, "text": doc.text[q.start : q.end][-60:]})
        if g.addressee:
            tally.addressed += 1
            tally.addressee_right += q.addressee is not None and q.addressee == who[g.addressee]
    tally.predicted_speech += len(speechy)
    tally.predicted_matched += sum(id(q) in matched_ids for q in speechy)


def _analyse(pipe, path: Path):
    """Analyse a marked story as ``ficlens analyze`` would read it unmarked. The gold offsets
    come from the story as read with its markers (Markdown or HTML rendered to text), less
    the markers, so they fit the text the analysis sees."""
    from ..ingest import read_bytes

    raw = path.read_bytes()
    try:
        plain = MARKER.sub("", raw.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        raise FiclensError(f"{path.name}: an annotated story must be UTF-8") from None
    marked_text, gold = strip_markers(read_bytes(raw, path=path.name).text)
    doc = pipe.run(read_bytes(plain, path=path.name))
    if doc.text != marked_text:
        raise FiclensError(f"{path.name}: the markers change how the story reads; keep each right after a closing mark")
    return doc, gold


def run_bench(folder: Path = FIXTURES, profile: str | None = None) -> dict:
    from ..pipeline import default_pipeline

    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".txt", ".md", ".html"))
    if not paths:
        raise FiclensError(f"no annotated stories in {folder}")
    pipe = default_pipeline(profile=profile)
    total = Tally()
    stories = {}
    failed: list[str] = []  # a stage that failed on a story is recorded, not raised: say so
    t0 = time.perf_counter()
    for p in paths:
        doc, gold = _analyse(pipe, p)
        failed += [f"{p.name}: {e['stage']}: {e['error']}" for e in doc.errors]
        one = Tally()
        score(doc, gold, one, p.name)
        score(doc, gold, total, p.name)
        stories[p.name] = one.report()
    out = total.report()
    out.update({"stories": len(paths), "per_story": stories, "errors": total.errors, "stage_errors": failed,
                "seconds": round(time.perf_counter() - t0, 1)})
    return out


def run(
    data: Path = typer.Option(FIXTURES, help="Folder of annotated stories."),
    errors: bool = typer.Option(False, "--errors", help="List every line attributed wrongly."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Speaker and addressee accuracy on annotated fan-fiction scenes (tests/fixtures/dialogue).

    After each quotation's closing mark a story names its speaker between double square brackets, then ">" and the addressee if any ("narrator" for the first-person narrator, "-" for a quotation that is not speech). The markers are cut out and the story analysed as `ficlens analyze` would.
    """
    if not data.is_dir():
        raise FiclensError(f"no such folder: {data}")
    res = run_bench(data)
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    typer.echo(f"fan-fiction dialogue: {res['stories']} stories, {res['speech_quotations']} spoken quotations")
    typer.echo(f"  detection      recall {res['detection_recall']:.3f}  precision {res['detection_precision']:.3f}  (not-speech quotations taken for speech: {res['not_speech_taken_for_speech']})")
    typer.echo(f"  speaker        {res['speaker_accuracy']:.3f}  ({res['speaker_accuracy_detected']:.3f} of those detected)")
    for how, v in res["by_attribution"].items():
        typer.echo(f"    {how:10}   {v['accuracy']:.3f}  (n={v['n']})")
    typer.echo(f"  addressee      {res['addressee_accuracy']:.3f}  (n={res['addressees_marked']})")
    conf = res["speaker_confidence"]
    typer.echo(f"  speaker confidence: ECE {conf['ece']:.3f}; " + ", ".join(
        f"[{b['from']:.1f}, {b['to']:.1f}) n={b['n']} right {b['accuracy']:.2f}" for b in conf["bins"]))
    for name, r in res["per_story"].items():
        typer.echo(f"  {name:32} speaker {r['speaker_accuracy']:.3f}  (n={r['speech_quotations']})")
    if errors:
        for e in res["errors"]:
            typer.echo(f"  {e['story']}: gold {e['gold']}, got {e['got']} [{e.get('how', '')}] ...{e['text']!r}")
    for e in res["stage_errors"]:
        typer.echo(f"  stage error: {e}")
    typer.echo(f"seconds: {res['seconds']}")


def register(bench_app: typer.Typer) -> None:
    bench_app.command("fic-quotes")(run)
