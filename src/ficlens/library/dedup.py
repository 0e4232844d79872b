"""Near-duplicate detection: the same story stored twice (two archives, two versions).

MinHash LSH (datasketch) over the word 5-gram signatures computed at add time finds pairs
whose estimated Jaccard similarity is likely above ``threshold`` without comparing every
pair; each candidate pair is then checked against the threshold on the signatures
themselves, and pairs are joined into groups (union-find), so A~B and B~C give one group.
A 3-chapter and a 5-chapter version of one fic share about 60% of their shingles, hence the
default of 0.5; two saves of the same text from AO3 and FFN score near 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHashLSH

from . import signatures as sigs

if TYPE_CHECKING:  # pragma: no cover
    from .store import DuplicateGroup, Library

_EMPTY = np.uint32(0xFFFFFFFF)  # every slot of a signature of nothing


def shingle_signatures_sql() -> str:
    return "SELECT work_id, shingles FROM work_signatures ORDER BY work_id"


def find_groups(signatures: dict[int, bytes], threshold: float = 0.5) -> list[tuple[list[int], float]]:
    """Groups of ids (two or more, ascending) with the lowest similarity to the group's first id."""
    lsh = MinHashLSH(threshold=threshold, num_perm=sigs.NUM_PERM)
    usable = {}
    for wid, blob in signatures.items():
        if np.all(np.frombuffer(bytes(blob), dtype=np.uint32) == _EMPTY):
            continue  # no text: not a duplicate of anything
        usable[wid] = bytes(blob)
        lsh.insert(wid, sigs.to_minhash(blob))
    parent = {w: w for w in usable}

    def root(w: int) -> int:
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    for wid, blob in usable.items():
        for other in lsh.query(sigs.to_minhash(blob)):
            if other != wid and sigs.jaccard(blob, usable[other]) >= threshold:
                a, b = root(wid), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for w in usable:
        groups.setdefault(root(w), []).append(w)
    out = []
    for members in groups.values():
        if len(members) > 1:
            members.sort()
            sim = min(sigs.jaccard(usable[members[0]], usable[m]) for m in members[1:])
            out.append((members, round(sim, 3)))
    out.sort(key=lambda g: g[0][0])
    return out


def duplicate_groups(lib: Library, threshold: float = 0.5) -> list[DuplicateGroup]:
    from .store import DuplicateGroup

    signatures = {wid: blob for wid, blob in lib.db.query(shingle_signatures_sql())}
    return [DuplicateGroup(lib.hits(ids), sim) for ids, sim in find_groups(signatures, threshold)]
