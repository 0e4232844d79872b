"""Readers: one module per format behind ``read(path) -> Work``.

``read`` sniffs the bytes (not only the extension) and hands them to the reader that
claims them. Every reader returns a ``Work`` whose ``text`` follows the contract: plain
text exactly as decoded (universal newlines, nothing else changed); HTML/EPUB as extracted
text, one paragraph per line, chapters separated by a blank line.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import BinaryInput, EmptyWork, FiclensError, InputNotFound, NoWorksFound, WorkTooLarge
from ..model import Work
from .sniff import sniff_format

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# HTML may hold this many bytes of markup per byte of text before it is refused unread
MARKUP_FACTOR = 4
WORK_EXTENSIONS = {".txt", ".text", ".html", ".htm", ".xhtml", ".epub", ".md", ".markdown", ""}


def max_bytes_default() -> int:
    """The size limit: ``FICLENS_MAX_BYTES`` or 20 MB of text."""
    try:
        return int(os.environ.get("FICLENS_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def read(path: str | Path, *, max_bytes: int | None = None) -> Work:
    """Read one work from ``path``, detecting its format by content."""
    p = Path(path)
    if not p.exists():
        raise InputNotFound("no such file", path=str(path))
    if p.is_dir():
        raise FiclensError("is a directory (use a file, or a command that takes folders)", path=str(path))
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    size = p.stat().st_size
    if size == 0:
        raise EmptyWork("empty file", path=str(path))
    # EPUBs are compressed: their limit applies to the text inside (checked by the reader)
    data = p.read_bytes() if size <= limit * MARKUP_FACTOR else None
    if data is None:
        raise WorkTooLarge(f"file is {size:,} bytes, over the {limit:,}-byte limit", path=str(path))
    try:
        work = read_bytes(data, path=str(path), max_bytes=limit)
    except FiclensError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise
    return work


def read_bytes(data: bytes, *, path: str | None = None, max_bytes: int | None = None) -> Work:
    """Read one work from raw bytes (``path`` is recorded, and its extension is a hint)."""
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    if not data.strip():
        raise EmptyWork("empty file")
    fmt = sniff_format(data, path)
    if fmt == "binary":
        raise BinaryInput("not a text, HTML or EPUB file")
    # the limit is on text: plain text is its bytes; markup may carry a few times its text
    raw_limit = limit if fmt in ("txt", "markdown") else limit * MARKUP_FACTOR
    if fmt != "epub" and len(data) > raw_limit:
        raise WorkTooLarge(f"file is {len(data):,} bytes, over the {raw_limit:,}-byte limit for {fmt}")
    sha = hashlib.sha256(data).hexdigest()
    reader = _reader(fmt)
    work = reader.read(data, path=path, sha256=sha, max_bytes=limit)
    if not work.text.strip() or work.body.end <= work.body.start:
        raise EmptyWork("no story text found")
    if len(work.text.encode("utf-8", "surrogatepass")) > limit:
        raise WorkTooLarge(f"text is over the {limit:,}-byte limit")
    return work


def _reader(fmt: str):
    from importlib import import_module

    module = {
        "txt": "txt",
        "html": "html",
        "ao3-html": "ao3_html",
        "ao3-page": "ao3_page",
        "ffn-html": "ffn_html",
        "epub": "epub",
        "markdown": "markdown",
    }[fmt]
    return import_module(f"{__name__}.{module}")


def iter_work_paths(paths: list[str | Path], *, recursive: bool = True) -> list[Path]:
    """Expand files and folders into work files (sorted, hidden files skipped).

    A missing path raises ``InputNotFound``; a folder with nothing readable raises
    ``NoWorksFound``.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputNotFound("no such file or directory", path=str(raw))
        if p.is_dir():
            found = sorted(
                f
                for f in (p.rglob("*") if recursive else p.iterdir())
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() in WORK_EXTENSIONS
            )
            if not found:
                raise NoWorksFound("directory holds no works (.txt, .html, .epub, .md)", path=str(raw))
            out.extend(found)
        else:
            out.append(p)
    return out
