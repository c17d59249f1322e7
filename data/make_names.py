"""Write ``names.txt``: a few thousand made-up, name-like words, one per line, lowercase a-z.

Run: ``python data/make_names.py`` (the output is the same byte for byte on every run).

The names are invented here, not taken from any list: each one is built from syllables
(an onset consonant cluster, a vowel group, an optional coda), sometimes with a typical
name ending, drawn from Python's ``random.Random`` with a fixed seed. The weights make
common letters common, so the character statistics look like those of real given names
(many end in a, n, e or y; q, x and z are rare), which is what the character-level
language-model lesson needs.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260421
COUNT = 4000

# (text, weight) tables
ONSETS = [
    ("", 6), ("b", 3), ("br", 1), ("c", 3), ("ch", 1), ("d", 4), ("dr", 1), ("f", 2),
    ("g", 2), ("gr", 1), ("h", 3), ("j", 4), ("k", 3), ("kr", 1), ("l", 6), ("m", 6),
    ("n", 4), ("p", 2), ("r", 5), ("s", 5), ("sh", 2), ("st", 1), ("t", 4), ("th", 1),
    ("tr", 1), ("v", 2), ("w", 1), ("z", 1), ("y", 1), ("q", 0.2), ("cl", 1), ("fl", 0.5),
]  # fmt: skip
VOWELS = [
    ("a", 10), ("e", 8), ("i", 6), ("o", 5), ("u", 2), ("y", 1), ("ai", 1), ("ea", 1),
    ("ia", 1), ("ie", 1), ("ou", 0.5), ("ae", 0.5), ("io", 0.5), ("ee", 0.5),
]  # fmt: skip
CODAS = [
    ("", 14), ("n", 5), ("l", 3), ("r", 4), ("s", 2), ("m", 1), ("th", 0.5), ("nd", 1),
    ("rt", 0.5), ("x", 0.3), ("ck", 0.5), ("ll", 1), ("nn", 1), ("rr", 0.3), ("sh", 0.3),
]  # fmt: skip
ENDINGS = [
    ("", 10), ("a", 6), ("ah", 1), ("elle", 1), ("ina", 1), ("on", 2), ("an", 2), ("en", 2),
    ("ia", 1), ("ie", 1.5), ("y", 2), ("o", 1), ("us", 0.5), ("ey", 1), ("lyn", 1),
    ("ette", 0.5), ("ian", 1), ("ard", 0.3), ("son", 0.5), ("ley", 1), ("ra", 1), ("na", 1),
    ("el", 1), ("is", 0.7), ("er", 0.7), ("ara", 0.5), ("ton", 0.4), ("ine", 0.6),
]  # fmt: skip


def pick(rng: random.Random, table: list) -> str:
    texts, weights = zip(*table)
    return rng.choices(texts, weights)[0]


def plausible(name: str) -> bool:
    """3-10 letters, no letter three times in a row, at most 3 vowels or 3 consonants in a row."""
    if not 3 <= len(name) <= 10:
        return False
    run_kind, run = None, 0
    for i, ch in enumerate(name):
        if i >= 2 and ch == name[i - 1] == name[i - 2]:
            return False
        kind = ch in "aeiouy"
        run = run + 1 if kind == run_kind else 1
        run_kind = kind
        if run > 3:
            return False
    return True


def make_name(rng: random.Random) -> str:
    syllables = rng.choices([1, 2, 3], [3, 6, 2])[0]
    name = "".join(
        pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, CODAS) for _ in range(syllables)
    )
    return name + pick(rng, ENDINGS)


def make_names(count: int = COUNT, seed: int = SEED) -> list[str]:
    """``count`` distinct plausible names, in the order they were drawn."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        name = make_name(rng)
        if plausible(name):
            seen.setdefault(name, None)
    return list(seen)


def main() -> None:
    names = make_names()
    path = HERE / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="ascii")
    print(f"wrote {path} ({len(names)} names)")


if __name__ == "__main__":
    main()
