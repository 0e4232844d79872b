"""Library commands: ``add``, ``remove``, ``list``, ``show``, ``search``, ``export``,
``duplicates``, ``similar``. Each takes ``--library PATH|URL`` (or ``FICLENS_LIBRARY``) and is a
thin shell over ``ficlens.library``: parse options, make one library call, render.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from ..errors import FiclensError, SomeInputsFailed, UsageError
from . import fail

LibraryOpt = typer.Option(
    None,
    "--library",
    envvar="FICLENS_LIBRARY",
    help="Library file (SQLite) or postgresql:// URL. Default: FICLENS_LIBRARY or ~/.local/share/ficlens/library.db.",
)


@contextmanager
def _open(location: str | None) -> Iterator[object]:
    """Open the library; turn any FiclensError inside the block into one line and its exit code."""
    from ..library import open_library

    try:
        with open_library(location) as lib:
            yield lib
    except FiclensError as exc:
        raise fail(exc) from None


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def add(
    paths: list[Path] = typer.Argument(..., help="Work files or folders (searched recursively)."),
    library: str | None = LibraryOpt,
    profile: str | None = typer.Option(None, help="NLP profile: full, tagger, ner or fast (default: full)."),
    stages: str | None = typer.Option(None, help="Comma-separated analysis stages (default: all)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and the summary line."),
) -> None:
    """Analyse works and store them in the library (re-adding an unchanged file does nothing)."""
    with _open(library) as lib:

        def progress(res) -> None:
            if res.status == "error":
                typer.echo(f"error: {res.message}", err=True)
            elif not quiet:
                typer.echo(f"{res.status:9} {res.id:>6}  {res.title}  ({res.path})")

        report = lib.add_paths(paths, progress=progress, profile=profile, stages=stages.split(",") if stages else None)
        typer.echo(report.summary())
        if report.errors:
            raise typer.Exit(SomeInputsFailed.exit_code)


def remove(
    ids: list[int] = typer.Argument(..., help="Library ids of the works to remove."),
    library: str | None = LibraryOpt,
) -> None:
    """Remove works (and their stored history) from the library."""
    with _open(library) as lib:
        for wid in ids:
            lib.remove(wid)
            typer.echo(f"removed {wid}")


def list_works(
    library: str | None = LibraryOpt,
    sort: str = typer.Option("added", help="added, title, author, updated, published, words, dialogue, chapters."),
    order: str | None = typer.Option(None, help="asc or desc (default depends on the sort)."),
    page: int = typer.Option(1, min=1),
    per_page: int = typer.Option(50, min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per work."),
) -> None:
    """List the works in the library."""
    with _open(library) as lib:
        res = lib.list(sort=sort, order=order, page=page, per_page=per_page)
        _print_hits(res.hits, as_json, total=res.total, page=res.page, pages=res.pages)


def show(
    work_id: int = typer.Argument(..., help="Library id."),
    library: str | None = LibraryOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the stored ficlens.analysis/1 object."),
) -> None:
    """Show one stored work: declared and inferred tags, narration, characters, versions."""
    from ..errors import WorkNotFound

    with _open(library) as lib:
        obj = lib.get(work_id)
        if obj is None:
            raise fail(WorkNotFound(f"no work with id {work_id} in the library"))
        if as_json:
            typer.echo(json.dumps(obj, ensure_ascii=False))
            return
        _print_work(obj)


def search(
    query: list[str] = typer.Argument(None, help='Query, e.g. lana fandom:"Smallville (TV)" pov:first words:>1000'),
    library: str | None = LibraryOpt,
    sort: str | None = typer.Option(None, help="best, title, author, updated, published, added, words, ..."),
    order: str | None = typer.Option(None, help="asc or desc."),
    page: int = typer.Option(1, min=1),
    per_page: int = typer.Option(20, min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per hit (id, title, source_path, score, ...)."),
    facets: bool = typer.Option(False, "--facets", help="Also print facet counts."),
    explain: bool = typer.Option(False, "--explain", help="Print the parsed query and the SQL, then search."),
) -> None:
    """Search the library (the query language is the web app's; see README)."""
    from ..library.facets import FACET_SCOPE

    text = " ".join(query or [])
    with _open(library) as lib:
        res = lib.search(text, sort=sort, order=order, page=page, per_page=per_page, with_facets=facets)
        if explain:
            typer.echo(f"query: {res.query}", err=True)
            for s in res.sql:
                typer.echo(f"sql: {s}", err=True)
        _print_hits(res.hits, as_json, total=res.total, page=res.page, pages=res.pages)
        if facets and not as_json:
            _print_facets(res.facets)
            if not res.facets_exact:
                typer.echo(f"(facet counts over the first {FACET_SCOPE:,} of {res.total:,} matches)")
        elif facets:
            out = {
                k: [{"value": v.value, "count": v.count, "source": v.source} for v in vs]
                for k, vs in res.facets.items()
            }
            typer.echo(json.dumps({"facets": out, "exact": res.facets_exact}, ensure_ascii=False))


def export(
    library: str | None = LibraryOpt,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl (contract objects) or parquet (tables)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File for jsonl (default: stdout); folder for parquet (required)."
    ),
) -> None:
    """Export the library: JSON lines of contract objects, or Parquet tables."""
    with _open(library) as lib:
        if fmt == "jsonl":
            if output is None:
                n = lib.export_jsonl(sys.stdout)
            else:
                with open(output, "w", encoding="utf-8") as fp:
                    n = lib.export_jsonl(fp)
            typer.echo(f"exported {n} works", err=True)
        elif fmt == "parquet":
            if output is None:
                raise fail(UsageError("--format parquet needs --output FOLDER"))
            from ..tables import write_parquet

            output.mkdir(parents=True, exist_ok=True)
            counts = write_parquet(lib.iter_analyses(), output)
            typer.echo(", ".join(f"{k}: {v} rows" for k, v in counts.items()), err=True)
        else:
            raise fail(UsageError(f"unknown format {fmt!r}; use jsonl or parquet"))


def duplicates(
    library: str | None = LibraryOpt,
    threshold: float = typer.Option(0.5, min=0.05, max=1.0, help="Estimated Jaccard similarity of word 5-grams."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per group."),
) -> None:
    """Groups of near-duplicate works (the same fic from two archives, or two versions)."""
    with _open(library) as lib:
        groups = lib.duplicates(threshold=threshold)
        for i, g in enumerate(groups, 1):
            if as_json:
                works = [
                    {"id": h.id, "title": h.title, "source_path": h.source_path, "words": h.words} for h in g.works
                ]
                typer.echo(json.dumps({"group": i, "similarity": g.similarity, "works": works}, ensure_ascii=False))
                continue
            typer.echo(f"group {i} (similarity {g.similarity:.2f})")
            for h in g.works:
                typer.echo(f"  {h.id:>6}  {h.title}  {h.words:,} words  {h.source_path or ''}")
        if not as_json:
            typer.echo(f"{len(groups)} duplicate group(s)")


def similar(
    work_id: int = typer.Argument(..., help="Library id."),
    library: str | None = LibraryOpt,
    n: int = typer.Option(10, "-n", min=1, max=200, help="How many."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per work."),
) -> None:
    """Works most like this one (shared tags and vocabulary)."""
    with _open(library) as lib:
        hits = lib.similar(work_id, n=n)
        if as_json:
            for h in hits:
                typer.echo(json.dumps(_hit_json(h) | {"reasons": h.reasons}, ensure_ascii=False))
            return
        for h in hits:
            typer.echo(f"{h.id:>6}  {h.score:.3f}  {h.title}  ({'; '.join(h.reasons)})")


# ----------------------------------------------------------------------------- rendering


def _hit_json(h) -> dict:
    return {
        "id": h.id, "title": h.title, "authors": h.authors, "source_path": h.source_path, "score": h.score,
        "snippet": h.snippet, "words": h.words, "rating": h.rating, "fandoms": h.fandoms, "pov": h.pov,
        "tense": h.tense, "dialogue": h.dialogue, "ending": h.ending, "complete": h.complete, "updated": h.updated,
    }  # fmt: skip


def _print_hits(hits, as_json: bool, *, total: int, page: int, pages: int) -> None:
    if as_json:
        for h in hits:
            typer.echo(json.dumps(_hit_json(h), ensure_ascii=False))
        return
    from rich.markup import escape

    con = _console()
    for h in hits:
        by = ", ".join(h.authors) or "Anonymous"
        fandoms = ", ".join(h.fandoms) or "-"
        con.print(
            f"[bold]{h.id:>6}[/bold]  {escape(h.title)} [dim]by {escape(by)}[/dim]  {h.words:,} words  {escape(fandoms)}"
        )
        if h.snippet:
            con.print("        " + _rich_snippet(h.snippet_html))
    con.print(f"[dim]{total} work(s), page {page} of {pages}[/dim]")


def _rich_snippet(snippet_html: str) -> str:
    """The HTML snippet as Rich markup: matches reversed, everything else literal."""
    import html

    from rich.markup import escape

    marked = snippet_html.replace("<mark>", "\ue000").replace("</mark>", "\ue001")
    return escape(html.unescape(marked)).replace("\ue000", "[reverse]").replace("\ue001", "[/reverse]")


def _print_facets(facets) -> None:
    from rich.markup import escape

    con = _console()
    for name, values in facets.items():
        if values:
            shown = ", ".join(
                f"{escape(v.value)} ({v.count}{'' if v.source == 'declared' else ' inferred'})" for v in values[:8]
            )
            con.print(f"[bold]{name}[/bold]: {shown}")


def _print_work(obj: dict) -> None:
    from rich.markup import escape

    con = _console()
    meta, tags, lib = obj.get("metadata") or {}, obj.get("tags") or {}, obj["library"]
    con.print(
        f"[bold]{escape(meta.get('title') or '(untitled)')}[/bold] by {escape(', '.join(meta.get('authors') or []) or 'Anonymous')}"
    )
    con.print(
        f"id {lib['id']}, version {lib['version']}, added {lib['added']}, source {escape(str(obj['source'].get('path')))}"
    )
    for label, key in (("Fandoms", "fandoms"), ("Relationships", "relationships"), ("Characters", "characters"),
                       ("Tags", "freeform"), ("Warnings", "warnings"), ("Categories", "categories")):  # fmt: skip
        declared = ", ".join(meta.get(key) or [])
        inferred = ", ".join(f"{t['value']} ({t['confidence']:.2f})" for t in tags.get(key) or [])
        if declared or inferred:
            con.print(f"{label}: {escape(declared or '-')}  [dim]inferred: {escape(inferred or '-')}[/dim]")
    rating = (tags.get("rating") or {}).get("value")
    con.print(f"Rating: {meta.get('rating') or '-'}  [dim]inferred: {rating or '-'}[/dim]")
    pov, stats = obj.get("pov") or {}, obj.get("stats") or {}
    con.print(f"Words: {stats.get('words', 0):,}  POV: {pov.get('person') or '-'}  tense: {pov.get('tense') or '-'}  "
              f"ending: {((obj.get('arc') or {}).get('ending')) or '-'}")  # fmt: skip
    chars = sorted(obj.get("characters") or [], key=lambda c: -c.get("mentions", 0))[:10]
    if chars:
        con.print("Characters: " + escape(", ".join(f"{c['name']} ({c.get('mentions', 0)})" for c in chars)))
    for v in lib["versions"]:
        con.print(f"[dim]version {v['version']}: {v['sha256'][:12]} replaced {v['replaced']}[/dim]")


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("remove")(remove)
    app.command("list")(list_works)
    app.command("show")(show)
    # "-word" and "-field:value" are query parts, not options: pass unknown dashes through
    app.command("search", context_settings={"ignore_unknown_options": True})(search)
    app.command("export")(export)
    app.command("duplicates")(duplicates)
    app.command("similar")(similar)
