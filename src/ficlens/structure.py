"""Chapters and scene breaks inside a body of plain text.

(Minimal version: one chapter, one scene, both the whole body.)
"""

from __future__ import annotations

from .model import Chapter, Span


def find_chapters(text: str, body: Span) -> list[Chapter]:
    return [Chapter(body.start, body.end, None)]


def find_scenes(text: str, body: Span, chapters: list[Chapter]) -> list[Span]:
    return [Span(body.start, body.end)]
