"""Import: each Papers with Code task's research area, decided from all the evidence.

The archive tags a task with categories (``categories``), listed in alphabetical order, so
the first is no decision: Named Entity Recognition is tagged Adversarial and Natural
Language Processing, and "3D" Adversarial, Computer Vision, Medical and Playing Games.
Most subtasks are tagged with nothing.  Here every task gets one area (``decide``):

1. its own specific category, when it has one; when it has several, the one most of its
   family (its parents and subtasks, as tagged) shares, then the one that tags most tasks in
   the archive (each relative has one vote, shared among its specific categories, or its
   generic ones when it has none);
2. else the area most of its family has from step 1 (on a tie, the one its family is most
   tagged with, as in step 1);
3. else its own generic category (a task tagged Adversarial alone is Adversarial), else its
   family's;
4. else the area most of its parents were given, else most of its subtasks' (repeated until
   nothing changes: a subtask of a subtask takes its grandparent's).

A generic category (``generic``) never wins over a specific one: Adversarial, Miscellaneous
and Other, and any category that tags few tasks across many areas: found beside at least
``SPREAD`` other categories, beside another on at least ``BESIDE`` of its tasks, and tagging
fewer tasks than most of those it is found beside (on the archive, Adversarial only).
Nothing here reads files: ``pwc`` hands it the tasks' categories and parents.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

GENERIC = ("Adversarial", "Miscellaneous", "Other")
SPREAD = 3  # a category found beside at least this many others...
BESIDE = 0.4  # ...and beside another on at least this share of its tasks is generic

# how an area was decided, for the import's report (in this order)
OWN, OWN_FAMILY, FAMILY, OWN_GENERIC, FAMILY_GENERIC, PARENTS, SUBTASKS, NONE = (
    "its own category", "its own categories, the one its family shares",
    "the area most of its family has", "its own generic category", "its family's generic category",
    "its parents' area", "its subtasks' area", "no evidence")
SOURCES = (OWN, OWN_FAMILY, FAMILY, OWN_GENERIC, FAMILY_GENERIC, PARENTS, SUBTASKS, NONE)


@dataclass(frozen=True)
class Decision:
    area: str | None
    source: str  # one of SOURCES


def generic(categories: Mapping[str, Sequence[str]]) -> set[str]:
    """The generic categories of an archive ({task: its categories}): ``GENERIC`` and those
    that tag few tasks across many areas."""
    tagged: Counter = Counter()
    beside: Counter = Counter()
    others: dict[str, set[str]] = {}
    for found in categories.values():
        found = set(found)
        for category in found:
            tagged[category] += 1
            rest = found - {category}
            if rest:
                beside[category] += 1
                others.setdefault(category, set()).update(rest)
    def few_across_many(c: str) -> bool:
        near = others.get(c, set())
        return (len(near) >= SPREAD and beside[c] >= BESIDE * tagged[c]
                and 2 * sum(tagged[o] > tagged[c] for o in near) > len(near))
    return set(GENERIC) | {c for c in tagged if few_across_many(c)}


def _family(task: str, parents: Mapping[str, Sequence[str]],
            children: Mapping[str, Sequence[str]], categories: Mapping) -> list[str]:
    """Its parents, then its subtasks, each once."""
    return [r for r in dict.fromkeys((*parents.get(task, ()), *children.get(task, ())))
            if r in categories and r != task]


def _pick(candidates: Sequence[str], votes: Counter, size: Counter) -> str:
    """The candidate with the most votes, then the one that tags most tasks, then the first
    in alphabetical order."""
    return min(candidates, key=lambda c: (-votes[c], -size[c], c))


def decide(categories: Mapping[str, Sequence[str]],
           parents: Mapping[str, Sequence[str]]) -> dict[str, Decision]:
    """Every task's area ({task: Decision}), from its categories and its family's:
    ``categories`` and ``parents`` by task id (every task in ``categories``)."""
    wide = generic(categories)
    size: Counter = Counter(c for found in categories.values() for c in set(found))
    children: dict[str, list[str]] = {}
    for task in categories:
        for parent in parents.get(task, ()):
            if parent in categories and parent != task:
                children.setdefault(parent, []).append(task)
    out: dict[str, Decision] = {}
    votes: dict[str, Counter] = {}  # its family's categories, each relative one vote shared
    for task, own in categories.items():
        found: Counter = Counter()
        for relative in _family(task, parents, children, categories):
            tags = list(dict.fromkeys(categories[relative]))
            tags = [c for c in tags if c not in wide] or tags
            for c in tags:
                found[c] += 1 / len(tags)
        votes[task] = found
        specific = [c for c in dict.fromkeys(own) if c not in wide]
        if len(specific) == 1:
            out[task] = Decision(specific[0], OWN)
        elif specific:
            out[task] = Decision(_pick(specific, found, size), OWN_FAMILY)
    own_decided = dict(out)
    for task, own in categories.items():
        if task in out:
            continue
        found = votes[task]
        # the area most of its relatives have from their own categories
        theirs = Counter(own_decided[r].area for r in _family(task, parents, children, categories)
                         if r in own_decided)
        if theirs:
            out[task] = Decision(min(theirs, key=lambda c: (-theirs[c], -found[c], -size[c], c)),
                                 FAMILY)
        elif own:
            out[task] = Decision(_pick(list(dict.fromkeys(own)), found, size), OWN_GENERIC)
        elif found:
            out[task] = Decision(_pick(list(found), found, size), FAMILY_GENERIC)
    while True:  # the rest from their parents' areas, else their subtasks', until none moves
        moved = False
        for source, relatives in ((PARENTS, parents), (SUBTASKS, children)):
            for task in categories:
                if task in out:
                    continue
                found = [out[r].area for r in relatives.get(task, ()) if r in out]
                if found:  # the most common, then the first parent's (subtask's)
                    count = Counter(found)
                    out[task] = Decision(max(dict.fromkeys(found), key=lambda a: (
                        count[a], -found.index(a))), source)
                    moved = True
            if moved:
                break
        if not moved:
            break
    for task in categories:
        out.setdefault(task, Decision(None, NONE))
    return out
