"""Helpers behind the narrative and tag stages (``pov``, ``relations``, ``tags``, ``arc``, ``summary``).

Each module here is pure computation over a ``Doc`` (or plain values), so it can be tested
on hand-built documents: ``text`` (quote spans, narration tokens, sentence lookup),
``lexicon`` (cue lists from ``data/tags/``), ``kbview`` (the fandom knowledge base seen
through one small adapter), and one module per inference.
"""
