"""The language of a feed or an entry as a BCP 47 tag ("pt-BR"), or None when it names none.

Feeds write languages loosely ("EN-us", "pt_BR", "en-US, fr", "english"): a tag is read from
the start of the value, its subtags given their usual case (language lower, script title,
region upper), and the language must be one ISO 639 knows, so that a page's `lang` attribute is
never a guess a screen reader would mispronounce.
"""

from __future__ import annotations

import functools
import re

import pycountry

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@functools.lru_cache(maxsize=256)
def language_tag(value: str | None) -> str | None:
    """`value` as a normalised BCP 47 tag; None when it is not one of a known language."""
    if not value or not isinstance(value, str):
        return None
    match = _TAG.match(value.strip())
    if not match or match.end() < len(value.strip()) and value.strip()[match.end()] not in ",; ":
        return None
    primary, *rest = match.group().replace("_", "-").split("-")
    primary = primary.lower()
    if not _known_language(primary):
        return None
    subtags = [primary]
    for subtag in rest:
        if len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())  # a script: Hant, Latn
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            subtags.append(subtag.upper())  # a region: BR, 419
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def _known_language(code: str) -> bool:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return pycountry.languages.get(alpha_3=code) is not None
