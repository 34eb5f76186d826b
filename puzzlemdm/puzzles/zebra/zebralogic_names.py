"""How ZebraLogic's texts and answers name attributes: a short name from a characteristic line,
and the attribute a column ("BookGenre") or a question ("What is Color of ...") names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any


def name_key(name: str) -> str:
    """A name without case, spaces or underscores: "Book Genre" is "BookGenre"."""
    return re.sub(r"[\s_]+", "", name.lower())


IRREGULAR = {"children": "child", "people": "person"}
# words of an attribute's name that do not tell it from another ("favorite color" is Color)
NAME_FILLER = frozenset({"favorite", "favourite", "type", "kind", "of", "unique", "different"})


def singular(word: str) -> str:
    """A word in the singular, as attribute names need it ("nationalities": "nationality")."""
    word = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def name_words(name: str) -> set[str]:
    """A column's or attribute's words, singular: "BookGenre" and "favorite book genres" share
    {"book", "genre"}, "Nationality" and "nationalities" {"nationality"}."""
    return {singular(w) for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}


def attribute_named(
    said: str,
    attributes: Sequence[str],
    values: Sequence[Sequence[str]] = (),
    choices: Sequence[Any] = (),
) -> int | None:
    """The attribute a column name or a question names: by its name; else the one whose name
    holds its words with the fewest others ("Color": "favorite color", not "hair colors");
    else the one whose values hold `choices` (a question's, "Food" for "lunch"); else None."""
    named = [a for a, name in enumerate(attributes) if name_key(name) == name_key(said)]
    if named:
        return named[0]
    words = name_words(said)
    others = {
        a: len(name_words(name) - words - NAME_FILLER)
        for a, name in enumerate(attributes)
        if words <= name_words(name)
    }
    fewest = [a for a, n in others.items() if n == min(others.values(), default=0)]
    if len(fewest) == 1:
        return fewest[0]
    chosen = {str(c).lower() for c in choices}
    holding = [
        a for a, names in enumerate(values) if chosen and chosen <= {v.lower() for v in names}
    ]
    return holding[0] if len(holding) == 1 else None


def name_from_description(description: str) -> str:
    """A short name from a characteristic line: "Each person has a unique type of pet" ->
    "pet", "The mothers' names in different houses are unique" -> "mothers' names", "Each
    person lives in a unique style of house" -> "style of house"."""
    text = " ".join(description.split())
    subject = re.match(r"^(?:the\s+)?(.+?)\s+(?:in different houses\s+)?are unique$", text, re.I)
    if subject:
        return subject.group(1)
    words = text.split()
    markers = {"unique", "a", "an", "their", "for", "of", "different", "favourite"}
    cuts = [i for i, w in enumerate(words[:-1]) if w.lower() in markers]
    name = " ".join(words[cuts[-1] + 1 :]) if cuts else text
    if name.lower() in ("house", "houses") and len(cuts) > 1:  # "a unique style of house"
        name = " ".join(words[cuts[-2] + 1 :])
    return name
