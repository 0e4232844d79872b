"""Pronoun and nominal resolution by salience and recency, with agreement.

Mentions are read in text order. Each third-person singular pronoun goes to the candidate
entity with the best score among those mentioned in the last few sentences:

- recency: minus one point per sentence back;
- salience: a bonus when the entity was last a grammatical subject, a small one for how
  often it has been mentioned;
- agreement: gender (KB, then pronoun votes so far, honorific, given name) must not clash;
  unknown gender costs a little;
- binding: "him"/"her" is not the subject of its own clause; "himself" is.

First-person pronouns outside quotes belong to the narrator; first and second person
inside quotes are left for the quotes stage, which knows who speaks to whom. Nominals with a
possessor and a family noun ("his mother") follow the possessor's KB relations; other
definite nominals ("the girl") repeat a recent nominal with the same head.
"""

from __future__ import annotations

import math

from .cluster import Entity
from ..quotes.lexicon import speech_verbs
from .lexicon import INDEFINITE_PEOPLE, Lexicon
from .mentions import MentionCand

WINDOW_SENTS = 6
# the "he" of a speech tag reaches further: a long speech counts many sentences since the
# speaker was last named in the narration
SPEAKER_WINDOW_SENTS = 40
_TITLE_ABBR = {"dr": "doctor", "capt": "captain", "col": "colonel", "gen": "general", "lt": "lieutenant",
               "sgt": "sergeant", "prof": "professor", "rev": "reverend", "det": "detective", "gov": "governor",
               "sen": "senator", "mr": "", "mrs": "", "ms": "", "miss": ""}
# "the stranger" is the same stranger this many paragraphs on (12 split LitBank's recurring
# nurses and doctors in two; 40 and 100 measure alike, 40 keeps distant chapters apart)
NOMINAL_WINDOW_PARAS = 40
NOMINAL_WINDOW_SENTS = 6
PLURAL_WINDOW_SENTS = 3
WE_WINDOW_SENTS = 20
NOMINAL_PENALTY = 2.0
SUBJECT_BONUS = 1.5
POSS_SUBJECT_BONUS = 2.0  # a possessive in the subject's own clause is the subject's
FREQ_WEIGHT = 1.0
QUOTED_PENALTY = 1.0  # see Resolver.quoted
# ... and for the subject of a speech verb ("replied he"): a speaker is on the scene, so
# someone only talked about in the dialogue ("Mr. Bingley will be glad") is rarely meant
SPEAKER_QUOTED_PENALTY = 8.0
NOMINATIVE = frozenset({"he", "she", "they"})
FOCAL_WINDOW_SENTS = 40  # how far back a "she" nobody nearby fits may find the focal character
FOCAL_LEAD = 1.5  # ... who must have been named this many times as often as the next of that gender
QUOTE_CLOSERS = frozenset({'"', "\u201d", "'", "\u2019"})


def _indefinite(e: Entity) -> bool:
    """An entity that is only ever "somebody", "no one", "anyone" (and pronouns since)."""
    return not e.forms and all(x.key in INDEFINITE_PEOPLE for x in e.mentions if x.kind == "nominal") and any(
        x.kind == "nominal" for x in e.mentions
    )


def title_key(honorific: str) -> str:
    """The role noun a title stands for: "dr" -> "doctor", "captain" -> "captain"."""
    return _TITLE_ABBR.get(honorific, honorific)


def entity_gender(e: Entity, lex: Lexicon) -> str | None:
    """Best guess of an entity's gender right now, or None when unsure."""
    if e.kb is not None and e.kb.gender != "unknown":
        return e.kb.gender
    votes = e.gender_votes
    total = sum(votes.values())
    if total >= 2:
        g, n = votes.most_common(1)[0]
        if n / total >= 0.7:
            return g
    if e.honorific_gender:
        return e.honorific_gender
    if e.first:
        g = lex.name_gender(e.first)
        if g:
            return g
    if total:
        g, n = votes.most_common(1)[0]
        if n / total > 0.5:
            return g
    return None


class Resolver:
    """Walks mentions in order, keeping per-entity salience state."""

    def __init__(self, entities: list[Entity], lex: Lexicon, tokens) -> None:
        self.entities = entities
        self.lex = lex
        self.tokens = tokens
        self.recent: dict[int, tuple[int, int, str, int]] = {}  # idx -> (sent, para, role, head)
        self.narrated: dict[int, tuple[int, int, str, int]] = {}  # ... of the last mention outside quotes
        self.counts: dict[int, int] = {}
        # whether each entity's latest mention was inside a quotation: a name said in dialogue
        # ("Chloe expected you.") is a weak antecedent for the narration's next "she"
        self.quoted: dict[int, bool] = {}
        # the paragraph each entity was last a subject in, in the narration (a speech tag's
        # "he" after "Dipper comes down the stairs with his hat on crooked")
        self.acted: dict[int, int] = {}
        self.nominal_recent: dict[str, tuple[int, int]] = {}  # head noun -> (entity idx, para)
        self.relatives: dict[tuple[int, str, str | None], int] = {}
        self._pruned_at = 0
        self.titled: dict[str, int] = {}  # "captain" -> the entity last named "Captain Smollett"
        self.last_group: tuple[int, int, bool] | None = None  # (entity, sentence, last was pronoun)
        self.last_we: tuple[int, int] | None = None
        # in a story told by several narrators in turn, the one telling this section: the others
        # are "he" and "she" here like anyone else (None: every narrator is "I" throughout)
        self.telling: Entity | None = None

    def _touch(self, e: Entity, m: MentionCand) -> None:
        self.recent[e.idx] = (m.sent, m.para, m.role, m.head)
        if not m.in_quote:
            self.narrated[e.idx] = (m.sent, m.para, m.role, m.head)
            if m.role == "subj":
                self.acted[e.idx] = m.para
        self.quoted[e.idx] = m.in_quote
        self.counts[e.idx] = self.counts.get(e.idx, 0) + 1
        if m.sent > self._pruned_at + WINDOW_SENTS:
            # keep the candidate set small: only entities seen within the window matter,
            # which keeps resolution linear in the length of the work
            self._pruned_at = m.sent
            horizon = m.sent - SPEAKER_WINDOW_SENTS
            self.recent = {k: v for k, v in self.recent.items() if v[0] >= horizon}
            self.narrated = {k: v for k, v in self.narrated.items() if v[0] >= horizon}

    def observe(self, m: MentionCand) -> None:
        """A mention already assigned (a name) updates salience."""
        if m.entity >= 0:
            e = self._live(m.entity)
            self._touch(e, m)
            if m.honorific:
                self.titled[title_key(m.honorific)] = e.idx

    def _live(self, idx: int) -> Entity:
        e = self.entities[idx]
        while e.merged_into >= 0:
            e = self.entities[e.merged_into]
        return e

    def pronoun(self, m: MentionCand, *, window: int = WINDOW_SENTS, strict: bool = False) -> Entity | None:
        """Resolve a pronoun (or, ``strict``, a definite nominal: gender must be known and
        agree, the antecedent must not be in the same clause nor described otherwise)."""
        best, best_score = None, -1e9
        # "replied he": the parser may call a nominative pronoun after its verb an object
        speaker = (m.role == "subj" or m.key in NOMINATIVE) and (self._speech_verb(m.head) or self._beat_after_quote(m))
        pool = self.recent
        if speaker and not strict:
            # a speaker is on the scene: weigh candidates by where the narration last put them,
            # not by the dialogue that names everyone ("Mr. Bennet, how can you ...")
            window = max(window, SPEAKER_WINDOW_SENTS)
            pool = self.narrated if not m.in_quote and self.narrated else self.recent
        for idx, (sent, para, role, head) in pool.items():
            dist = m.sent - sent
            if dist > window or dist < 0:
                continue
            e = self._live(idx)
            if e.narrator and (self.telling is None or self._live(self.telling.idx) is e):
                continue
            g = entity_gender(e, self.lex)
            if m.gender and g and g != m.gender:
                continue
            if strict and (g is None or dist == 0 or self._described_otherwise(e, m)):
                continue
            if dist > 0 and _indefinite(e):
                continue  # "a lantern somebody left burning": nobody the next sentence's "she" is
            score = -1.0 * dist + FREQ_WEIGHT * math.log1p(self.counts.get(idx, 0))
            if role == "subj" or (speaker and not m.in_quote and self.acted.get(idx) == m.para):
                score += SUBJECT_BONUS  # (a speaker acted in the tag's paragraph, owned things since)
            if g is None:
                score -= 1.0
            if not m.in_quote and self.quoted.get(idx):
                score -= SPEAKER_QUOTED_PENALTY if speaker else QUOTED_PENALTY
            if not e.forms:
                score -= NOMINAL_PENALTY  # an unnamed "heir" rarely carries a chain of pronouns
            if dist == 0:
                score += self._binding(m, head, role)
            if score > best_score:
                best, best_score = e, score
        if best is None and not strict and not m.in_quote and m.role == "subj" and m.gender:
            best = self._focal(m)
        if best is not None:
            if m.gender:
                best.gender_votes[m.gender] += 1
            best.add(m)
            self._touch(best, m)
        return best

    def _focal(self, m: MentionCand) -> Entity | None:
        """'She took the card from Ella' twenty sentences after the narration last named
        anyone of hers: in a story told close on one character, a "she" nobody nearby fits
        is that character, the one of that gender the narration has named most by far."""
        counts: dict[int, int] = {}
        for idx, (sent, _para, _role, _head) in self.narrated.items():
            e = self._live(idx)
            if m.sent - sent > FOCAL_WINDOW_SENTS or e.narrator or not e.forms or entity_gender(e, self.lex) != m.gender:
                continue
            counts[e.idx] = counts.get(e.idx, 0) + self.counts.get(idx, 0)
        ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][1] < FOCAL_LEAD * ranked[1][1]):
            return None
        return self._live(ranked[0][0])

    def _beat_after_quote(self, m: MentionCand) -> bool:
        """A subject pronoun opening the narration right after a quotation in its paragraph
        ("'... so don't start.' She dropped onto the arm of his chair"): the one who acts
        there is on the scene, like a speech tag's, not someone the quotation talked about."""
        if m.in_quote or m.role != "subj" or m.t0 < 1:
            return False
        prev = self.tokens[m.t0 - 1]
        return prev.text in QUOTE_CLOSERS and prev.para == self.tokens[m.t0].para

    def _speech_verb(self, i: int) -> bool:
        """Whether token ``i`` hangs from a speech verb ("said he", "she replied")."""
        h = self.tokens[i].head
        return 0 <= h < len(self.tokens) and self.tokens[h].lower in speech_verbs()

    def _binding(self, m: MentionCand, head: int, role: str) -> float:
        toks = self.tokens
        same_clause = head >= 0 and toks[m.head].head >= 0 and toks[head].head == toks[m.head].head
        if m.role == "refl":
            return 4.0 if role == "subj" and same_clause else 0.0
        if m.role == "obj" and role == "subj" and same_clause:
            return -6.0
        if m.role == "subj" and role == "subj" and same_clause:
            return -6.0
        if m.role == "poss" and role == "subj" and head >= 0 and self._clause_verb(m.head) == toks[head].head:
            return POSS_SUBJECT_BONUS  # "Priya walks with her clipboard": her own
        return 0.5  # same sentence, otherwise fine

    def _clause_verb(self, i: int) -> int:
        """The verb a token hangs from, climbing through its noun and prepositions (a few steps)."""
        toks = self.tokens
        for _ in range(4):
            h = toks[i].head
            if h < 0 or h == i:
                return -1
            if toks[h].pos in ("VERB", "AUX"):
                return h
            i = h
        return -1

    def we(self, m: MentionCand, new_entity) -> Entity:
        """"we"/"us"/"our" in the narration: the narrator's group, one chain while it lasts."""
        last = self.last_we
        if last is not None and 0 <= m.sent - last[1] <= WE_WINDOW_SENTS:
            e = self._live(last[0])
            e.add(m)
        else:
            e = new_entity(m, None)
            e.group = True
        self.last_we = (e.idx, m.sent)
        return e

    def plural(self, m: MentionCand, new_entity) -> Entity:
        """"they"/"the servants": a group. Joins the group mentioned last within a few
        sentences, else starts one (groups are never listed as characters)."""
        last = self.last_group
        if last is not None and 0 <= m.sent - last[1] <= PLURAL_WINDOW_SENTS and (m.kind == "pronoun" or last[2]):
            e = self._live(last[0])
            e.add(m)
        else:
            e = new_entity(m, None)
            e.group = True
        self.last_group = (e.idx, m.sent, m.kind == "pronoun")
        return e

    def appositive_host(self, m: MentionCand) -> Entity | None:
        """The entity of the mention this one stands in apposition to ("Bartleby, a
        scrivener"; "the scrivener, Bartleby"), when that mention came just before."""
        t = self.tokens[m.head]
        if t.dep != "appos" or t.head < 0:
            return None
        for idx, (_s, _p, _r, head) in self.recent.items():
            if head == t.head:
                return self._live(idx)
        return None

    def nominal(self, m: MentionCand, new_entity) -> Entity:
        """Resolve a nominal; ``new_entity()`` makes a fresh entity when nothing fits."""
        host = self.appositive_host(m)
        if host is not None and not host.narrator:
            host.add(m)
            self._touch(host, m)
            return host
        if m.possessor >= 0 and m.relation:
            owner = self._owner(m) or self._kin_owner(m)
            if owner is not None:
                key = (owner.idx, m.relation, m.gender)
                if key in self.relatives:
                    e = self._live(self.relatives[key])
                    e.add(m)
                    self._touch(e, m)
                    return e
                e = new_entity(m, owner)
                self.relatives[key] = e.idx
                self._touch(e, m)
                return e
        if (m.definite or m.vocative) and m.possessor < 0 and m.key in self.titled:
            # "the captain" after "Captain Smollett", "the parson" after "Parson Tringham";
            # "Good evening, doctor." to Dr. Archie
            e = self._live(self.titled[m.key])
            e.add(m)
            self._touch(e, m)
            return e
        if m.definite and (m.possessor < 0 or not m.relation):
            # "the Ayah" ... "her Ayah": a possessed noun that names no kin is the same role
            prev = self.nominal_recent.get(m.key)
            if prev and m.para - prev[1] <= NOMINAL_WINDOW_PARAS and not self._described_otherwise(self._live(prev[0]), m):
                e = self._live(prev[0])
                e.add(m)
                self._touch(e, m)
                self.nominal_recent[m.key] = (e.idx, m.para)
                return e
        if m.definite and m.possessor < 0 and m.gender and m.kind == "nominal":
            # "the old man" after "he": the salient entity of that gender, nearby
            e = self.pronoun(m, window=NOMINAL_WINDOW_SENTS, strict=True)
            if e is not None:
                self.nominal_recent[m.key] = (e.idx, m.para)
                return e
        e = new_entity(m, None)
        self.nominal_recent[m.key] = (e.idx, m.para)
        self._touch(e, m)
        return e

    def _kin_owner(self, m: MentionCand) -> Entity | None:
        """"Her father" whose "her" nothing nearby resolved (three men spoke since she was
        named): the one owner of that pronoun's gender who has such a relative already."""
        g = {"his": "male", "her": "female"}.get(self.tokens[m.possessor].lower)
        if g is None:
            return None
        owners = {self._live(o).idx for (o, rel, gender) in self.relatives
                  if rel == m.relation and gender == m.gender and entity_gender(self._live(o), self.lex) == g}
        return self._live(owners.pop()) if len(owners) == 1 else None

    def _described_otherwise(self, e: Entity, m: MentionCand) -> bool:
        """``e`` was described in words ``m`` contradicts ("the young woman" / "the old woman")."""
        ruled_out = self.lex.excluded_by(m.text)
        return bool(ruled_out) and any(o.kind == "nominal" and ruled_out & set(o.text.lower().split()) for o in e.mentions)

    def _owner(self, m: MentionCand) -> Entity | None:
        """The entity of a nominal's possessor token, when it was resolved already."""
        for idx, (_s, _p, _r, head) in self.recent.items():
            if head == m.possessor:
                return self._live(idx)
        return None
