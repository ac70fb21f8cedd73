"""Countries, the one rule: a member's `country` is an ISO 3166-1 alpha-2 code, and what people
write instead (a name, "UK", an alpha-3 code, a code in lowercase) is mapped to the code it means,
for add-member's reading of an h-card and for the did-you-mean of a member file's check."""

from __future__ import annotations

import difflib
import re

import pycountry

# Codes ISO 3166 reserves for a country without making them its code; people write them.
RESERVED_CODES = {"UK": "GB", "EL": "GR"}


def is_country_code(value: str) -> bool:
    return (
        bool(re.fullmatch(r"[A-Z]{2}", value))
        and pycountry.countries.get(alpha_2=value) is not None
    )


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country's name or code ("Kenya", "KEN", "ke", "UK")."""
    text = text.strip()
    if code := RESERVED_CODES.get(text.upper()):
        return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    if len(text) <= 3:  # a code that is none: the fuzzy search would find one anyway ("XX")
        return None
    try:  # "Korea" and other short names that the lookup does not take exactly
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return matches[0].alpha_2 if len(matches) == 1 else None


def closest_country_code(text: str) -> str | None:
    """What `text` most likely means, misspelled names too ("Germny" -> "DE"), or None."""
    code = country_code(text)
    if code is None:
        names = {country.name: country.alpha_2 for country in pycountry.countries}
        close = difflib.get_close_matches(text.strip(), list(names), n=1, cutoff=0.6)
        code = names[close[0]] if close else None
    return code
