"""Character coreference for fiction: mention detection, alias clustering, KB linking,
pronoun and nominal resolution.

``resolve(doc, kb)`` reads the NLP layer of a ``Doc`` (tokens, sentences, entities,
paragraphs) and returns a ``Resolution``: every person mention found (names, aliases,
nominals, pronouns) and the entities they were clustered into. It writes nothing on the
``Doc``; ``ficlens.stages.characters`` turns a resolution into ``doc.characters`` and
``doc.mentions``, and the LitBank coreference bench scores it directly.

The steps, each in its own module, each linear in the number of tokens:

1. ``quotespans``: which tokens sit inside quotation marks (for ``Mention.in_quote`` and
   so first/second-person pronouns in dialogue are left to the quotes stage);
2. ``mentions``: names (NER PERSON, cleaned, plus the recurring names NER missed,
   honorific names, standalone titles, KB aliases), nominals ("his mother"), pronouns;
3. ``cluster``: names into entities ("Tom", "Tom Sawyer", "Mr. Sawyer"), nickname table,
   typo/possessive forms, KB linking with evidence from the text, secret identities;
4. ``pronouns``: pronouns and nominals to entities by a salience/recency model with
   gender and number agreement; a first-person narrator outside quotes.
"""

from __future__ import annotations

from .resolve import Entity, MentionCand, Resolution, resolve

__all__ = ["Entity", "MentionCand", "Resolution", "resolve"]
