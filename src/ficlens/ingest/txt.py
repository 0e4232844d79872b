"""Plain-text reader: the decoded file is the text, byte for byte, offsets stay true."""

from __future__ import annotations

from ..frontmatter import apply_front_matter
from ..model import Source, Work
from .decode import decode_text

FORMAT = "txt"


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    text, encoding = decode_text(data)
    work = Work(text=text, source=Source(path=path, format=FORMAT, sha256=sha256, encoding=encoding), body=None)  # type: ignore[arg-type]
    return apply_front_matter(work)
