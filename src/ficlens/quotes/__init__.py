"""Quotation detection and speaker/addressee attribution (used by ``stages.quotes``).

- ``detect``: finds quotations in the text (marks, dashes, italics) per paragraph.
- ``lexicon``: speech/thought verbs and written-text cues from ``data/quotes/``.
- ``candidates``: finds speech tags and vocatives and lists candidate speakers with features.
- ``ranker``: the small learned model (a conditional logit over candidates) and its trainer.
- ``attribute``: walks the quotations in order, ranks candidates, takes turns, picks addressees.
"""
