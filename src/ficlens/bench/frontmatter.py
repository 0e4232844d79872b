"""``ficlens bench frontmatter [PATHS]``: does front matter find the story, and how fast?

Three figures over texts that have no front matter of their own (default: the LitBank
excerpts, ``../shared/data/litbank/entities/brat/*.txt``):

- **prose kept**: share of bare texts the parser leaves whole (no notes; anything before
  the body is only heading or separator lines; the body runs to the last character).
  A miss here means story prose was taken for front or back matter.
- **wrapped**: each text wrapped in every header of ``data/frontmatter/bench_wrappers.json``
  (a footer from the same file by turns); the body must land exactly where the bare text's
  body was, and the declared title, authors, rating and warnings must be read.
- **speed**: characters and words per second of ``apply_front_matter`` on the bare texts.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import typer

from ..frontmatter import apply_front_matter
from ..model import Source, Span, Work
from ..resources import load_json
from ..structure import classify_line
from ..text import ao3_word_count

FIELDS = ("title", "authors", "rating", "warnings")


@dataclass
class WrapScore:
    """Exact-body and declared-field hits for one set of wrappers."""

    wrapped: int = 0
    header_exact: int = 0
    footer_exact: int = 0
    fields_checked: int = 0
    fields_right: int = 0

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(
            header_exact_pct=_pct(self.header_exact, self.wrapped),
            footer_exact_pct=_pct(self.footer_exact, self.wrapped),
            fields_pct=_pct(self.fields_right, self.fields_checked),
        )
        return out


@dataclass
class FrontMatterBench:
    texts: int = 0
    prose_kept: int = 0
    sets: dict[str, WrapScore] = field(default_factory=dict)
    chars: int = 0
    words: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "texts": self.texts,
            "words": self.words,
            "prose_kept": self.prose_kept,
            "prose_kept_pct": _pct(self.prose_kept, self.texts),
            "sets": {k: v.as_dict() for k, v in self.sets.items()},
            "chars_per_s": round(self.chars / self.seconds) if self.seconds else 0,
            "words_per_s": round(self.words / self.seconds) if self.seconds else 0,
            "misses": self.misses,
        }


def _pct(a: int, b: int) -> float:
    return round(100.0 * a / b, 1) if b else 0.0


def parse(text: str) -> Work:
    return apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))


def prose_kept(text: str, work: Work) -> bool:
    """Nothing but headings/separators before the body, nothing after it, no notes."""
    stripped_end = len(text.rstrip())
    lead = text[: work.body.start]
    only_structure = all(classify_line(line) is not None for line in lead.splitlines() if line.strip())
    return not work.metadata.notes and work.body.end == stripped_end and only_structure


# wrapper sets in bench_wrappers.json: (name, headers key, footers key)
SETS = (("tuned", "headers", "footers"), ("held-out", "held_out_headers", "held_out_footers"))


def run_bench(texts: list[tuple[str, str]]) -> FrontMatterBench:
    wrappers = load_json("data", "frontmatter", "bench_wrappers.json")
    r = FrontMatterBench(sets={name: WrapScore() for name, _, _ in SETS})
    for i, (name, text) in enumerate(texts):
        t0 = time.perf_counter()
        bare = parse(text)
        r.seconds += time.perf_counter() - t0
        r.texts += 1
        r.chars += len(text)
        r.words += ao3_word_count(text)
        if prose_kept(text, bare):
            r.prose_kept += 1
        else:
            r.misses.append(f"{name}: prose taken as front/back matter")
        for set_name, hkey, fkey in SETS:
            _wrap_one(r, r.sets[set_name], f"{name} [{set_name}]", i, text, bare, wrappers[hkey], wrappers[fkey])
    return r


def _wrap_one(r: FrontMatterBench, score: WrapScore, name: str, i: int, text: str, bare: Work,
              headers: list[dict], footers: list[str]) -> None:
    """Wrap ``text`` in each header (and a footer by turns); check body and declared fields."""
    story = text.strip()
    bare_start = bare.body.start - (len(text) - len(text.lstrip()))
    bare_len = bare.body.end - bare.body.start
    for j, header in enumerate(headers):
        k = (i + j) % len(footers)
        wrapped = parse(header["text"] + story + footers[k])
        score.wrapped += 1
        start = len(header["text"]) + bare_start
        head_ok = wrapped.body.start == start
        foot_ok = wrapped.body.end == start + bare_len
        score.header_exact += head_ok
        score.footer_exact += foot_ok
        if not head_ok:
            r.misses.append(f"{name}: header {j}: body starts {wrapped.body.start - start:+d}")
        if not foot_ok:
            r.misses.append(f"{name}: footer {k}: body ends {wrapped.body.end - start - bare_len:+d}")
        for f in FIELDS:
            if f in header:
                score.fields_checked += 1
                right = getattr(wrapped.metadata, f) == header[f]
                score.fields_right += right
                if not right:
                    r.misses.append(f"{name}: header {j} {f} = {getattr(wrapped.metadata, f)!r}")


def report_lines(r: FrontMatterBench) -> list[str]:
    d = r.as_dict()
    out = [
        f"texts                 {r.texts} ({r.words:,} words)",
        f"prose kept (bare)     {r.prose_kept}/{r.texts} ({d['prose_kept_pct']}%)",
    ]
    for name, s in r.sets.items():
        sd = s.as_dict()
        out += [
            f"[{name}] body start   {s.header_exact}/{s.wrapped} exact ({sd['header_exact_pct']}%)",
            f"[{name}] body end     {s.footer_exact}/{s.wrapped} exact ({sd['footer_exact_pct']}%)",
            f"[{name}] fields       {s.fields_right}/{s.fields_checked} right ({sd['fields_pct']}%)",
        ]
    out.append(f"speed (bare texts)    {d['chars_per_s']:,} chars/s, {d['words_per_s']:,} words/s (single process)")
    return out


def frontmatter(
    paths: list[Path] | None = typer.Argument(None, help="Texts with no front matter (default: the LitBank texts)."),
    limit: int | None = typer.Option(None, help="Only the first N texts."),
    show_misses: bool = typer.Option(False, "--misses", help="List every miss."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Front matter: prose kept on bare texts, exact body on wrapped ones, speed."""
    from ..ingest import iter_work_paths
    from .ingest import default_corpus

    files = iter_work_paths(list(paths)) if paths else default_corpus()
    files = files[:limit] if limit else files
    texts = [(f.name, f.read_text(encoding="utf-8", errors="replace")) for f in files]
    result = run_bench(texts)
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    typer.echo("\n".join(report_lines(result)))
    if show_misses:
        typer.echo("\n".join(result.misses) or "no misses")


def register(bench_app: typer.Typer) -> None:
    bench_app.command("frontmatter")(frontmatter)
