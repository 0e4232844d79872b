"""Rich renderings of one analysis (from its contract JSON) for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text


def _join(items: list[str]) -> str:
    return ", ".join(items) if items else "-"


def header(a: dict[str, Any]) -> Table:
    m = a["metadata"]
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold cyan", no_wrap=True)
    t.add_column()
    body = a["body"]
    line = a["text"].count("\n", 0, body["start"]) + 1
    rows = [
        ("Title", m.get("title") or "-"),
        ("Author", _join(m.get("authors", []))),
        ("Format", f'{a["source"]["format"]} ({a["source"].get("encoding") or "-"})'),
        ("Rating", m.get("rating") or "-"),
        ("Warnings", _join(m.get("warnings", []))),
        ("Fandoms", _join(m.get("fandoms", []))),
        ("Relationships", _join(m.get("relationships", []))),
        ("Words", f'{a["stats"]["words"]:,}' + (f' (declared {m["words"]:,})' if m.get("words") else "")),
        ("Chapters", f'{a["stats"].get("chapters", 0)}' + (f' (declared {m["chapters"]})' if m.get("chapters") else "")),
        ("Body", f'characters {body["start"]:,}-{body["end"]:,} (starts on line {line})'),
    ]
    if m.get("summary"):
        rows.insert(3, ("Summary", m["summary"]))
    if a.get("summary") and not m.get("summary"):
        rows.append(("Summary (generated)", a["summary"]))
    if m.get("notes"):
        kinds: dict[str, int] = {}
        for n in m["notes"]:
            kinds[n["kind"]] = kinds.get(n["kind"], 0) + 1
        rows.append(("Front/back matter", ", ".join(f"{k} x{v}" if v > 1 else k for k, v in kinds.items())))
    for k, v in rows:
        t.add_row(k, v)
    return t


def characters(a: dict[str, Any], limit: int = 15) -> Table | None:
    chars = a.get("characters") or []
    if not chars:
        return None
    words = max(1, a["stats"].get("dialogue_words") or 0)
    t = Table(title="Characters", title_justify="left", show_edge=False)
    for col in ("Name", "Aliases", "Gender", "Mentions", "Quotes", "Dialogue", "On page", "KB"):
        t.add_column(col, overflow="fold")
    for c in sorted(chars, key=lambda c: -c["mentions"])[:limit]:
        aliases = ", ".join(f'{al["text"]} ({al["count"]})' for al in c["aliases"][:5])
        share = f'{100 * c.get("dialogue_words", 0) / words:.0f}%' if a["stats"].get("dialogue_words") else "-"
        t.add_row(
            c["name"],
            aliases,
            c.get("gender") or "-",
            str(c["mentions"]),
            str(c.get("quotes", 0)),
            share,
            {True: "yes", False: "no", None: "-"}[c.get("present")],
            c.get("kb") or "-",
        )
    return t


def tag_block(a: dict[str, Any]) -> Table | None:
    """AO3-style tag block: what the work declares beside what ficlens infers."""
    m, tags = a["metadata"], a.get("tags") or {}
    if not any(tags.get(k) for k in tags):
        return None
    t = Table(title="Tags", title_justify="left", show_edge=False)
    t.add_column("", style="bold cyan")
    t.add_column("Declared")
    t.add_column("Inferred (confidence)")

    def inferred(key: str) -> str:
        v = tags.get(key)
        if v is None:
            return "-"
        items = [v] if isinstance(v, dict) else v
        return ", ".join(_scored(x) for x in items if x.get("value")) or "-"

    for label, key in (
        ("Rating", "rating"),
        ("Archive Warnings", "warnings"),
        ("Categories", "categories"),
        ("Fandoms", "fandoms"),
        ("Relationships", "relationships"),
        ("Characters", "characters"),
        ("Additional Tags", "freeform"),
    ):
        declared = m.get(key)
        declared = declared if isinstance(declared, str) else _join(declared or [])
        t.add_row(label, declared or "-", inferred(key))
    pov = a.get("pov") or {}
    if pov.get("person") or pov.get("tense"):
        names = {c["id"]: c["name"] for c in a.get("characters", [])}
        focal: list[str] = []  # in order of appearance, so alternation reads "A -> B -> A"
        for f in sorted(pov.get("focal", []), key=lambda f: f["start"]):
            name = names.get(f["character"], f["character"])
            if not focal or focal[-1] != name:
                focal.append(name)
        conf = [f"{pov[k]:.2f}" for k in ("person_confidence", "tense_confidence") if pov.get(k) is not None]
        value = f'{pov.get("person") or "-"} person, {pov.get("tense") or "-"} tense'
        value += f' ({" / ".join(conf)})' if conf else ""
        if pov.get("narrator"):
            value += f'; narrator: {names.get(pov["narrator"], pov["narrator"])}'
        if focal:
            value += f'; focal: {" -> ".join(focal[:8])}'
        t.add_row("POV", m.get("pov_note") or "-", value)
    arc = a.get("arc") or {}
    if arc.get("shape") or arc.get("ending"):
        t.add_row("Arc", "-", f'{arc.get("shape") or "-"}, ending {arc.get("ending") or "-"}')
    return t


def _scored(x: dict[str, Any]) -> str:
    """'Mature (0.81, 3 passages)': the value, its confidence, and how much evidence backs it."""
    n = len(x.get("evidence") or [])
    return f'{x["value"]} ({x["confidence"]:.2f}' + (f", {n} passage{'s' if n > 1 else ''})" if n else ")")


def errors(a: dict[str, Any]) -> Text | None:
    if not a.get("errors"):
        return None
    return Text("\n".join(f'stage {e["stage"]} failed: {e["error"]}' for e in a["errors"]), style="yellow")


def report(a: dict[str, Any]) -> Group:
    parts = [Text(a["source"].get("path") or "-", style="bold underline")]
    for section in (header, characters, tag_block, errors):
        out = section(a)
        if out is not None:
            parts.append(out)
    return Group(*parts)


def print_report(a: dict[str, Any], console: Console | None = None) -> None:
    (console or Console()).print(report(a))
    (console or Console()).print()
