"""Word lists for character detection, loaded from ``ficlens/data/names/`` (cached).

>>> lex = lexicon()
>>> lex.pronouns["her"]
('female', 'sg', 3, 'obj')
>>> lex.honorifics["mrs"]
'female'
>>> lex.same_given_name("bill", "william")
True
>>> lex.name_gender("martha")
'female'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .. import resources

# words that stand for a person without saying who ("somebody had left the door open")
INDEFINITE_PEOPLE = frozenset({"one", "nobody", "somebody", "anybody", "everybody", "someone", "anyone", "everyone"})


@dataclass(frozen=True)
class Lexicon:
    pronouns: dict[str, tuple[str, str, int, str]]  # word -> (gender, number, person, role)
    honorifics: dict[str, str | None]  # "mrs" -> "female"
    titles: frozenset[str]  # "Chief", "Captain" (case-sensitive: a title used as a name)
    title_gender: dict[str, str]
    nominals: dict[str, tuple[str, str, str | None]]  # noun -> (gender, number, relation)
    not_names: frozenset[str]
    given_groups: dict[str, frozenset[str]]  # "bill" -> {"william", "bill", "will", ...}
    female_names: frozenset[str]
    male_names: frozenset[str]
    contrasts: dict[str, frozenset[str]] = field(default_factory=dict)  # "old" -> {"young"}

    def excluded_by(self, description: str) -> frozenset[str]:
        """The describing words a description rules out ("the old woman" -> {"young"})."""
        return frozenset().union(*(self.contrasts.get(w, frozenset()) for w in description.lower().split()))

    def same_given_name(self, a: str, b: str) -> bool:
        a, b = a.lower(), b.lower()
        return a == b or b in self.given_groups.get(a, ())

    def name_gender(self, given: str) -> str | None:
        g = given.lower()
        if g in self.female_names and g not in self.male_names:
            return "female"
        if g in self.male_names and g not in self.female_names:
            return "male"
        return None


def _data(name: str):
    return resources.load_json("data", "names", name)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    pron = {k: tuple(v) for k, v in _data("pronouns.json").items() if not k.startswith("_")}
    hon = _data("honorifics.json")
    nom = {k: tuple(v) for k, v in _data("nominals.json").items() if not k.startswith("_")}
    groups: dict[str, set[str]] = {}
    for line in resources.load_lines("data", "names", "nicknames.txt"):
        words = line.lower().split()
        for w in words:
            groups.setdefault(w, set()).update(words)
    first = _data("first_names.json")
    contrasts: dict[str, set[str]] = {}
    for line in resources.load_lines("data", "names", "contrasts.txt"):
        words = line.lower().split()
        for w in words:
            contrasts.setdefault(w, set()).update(x for x in words if x != w)
    return Lexicon(
        pronouns=pron,
        honorifics=dict(hon["honorifics"]),
        titles=frozenset(hon["titles"]),
        title_gender=dict(hon["title_gender"]),
        nominals=nom,
        not_names=frozenset(w.lower() for w in resources.load_lines("data", "names", "not_names.txt")),
        given_groups={k: frozenset(v) for k, v in groups.items()},
        female_names=frozenset(first["female"]),
        male_names=frozenset(first["male"]),
        contrasts={k: frozenset(v) for k, v in contrasts.items()},
    )
