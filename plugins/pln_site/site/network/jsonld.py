"""schema.org `Person` data for a member page, safe to place inside a <script> element."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from pln_site.members.model import Member

# A member's text must never end the <script> element or open a comment inside it.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def person_data(member: Member, page_url: str | None, image_url: str | None) -> dict[str, Any]:
    """The member's public fields in schema.org terms."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": member.name,
        "url": member.url,
        "description": member.why,
        "knowsAbout": list(member.topics),
    }
    if page_url:
        data["mainEntityOfPage"] = page_url
    if member.job_title:
        data["jobTitle"] = member.job_title
    if member.org:
        data["worksFor"] = {"@type": "Organization", "name": member.org}
    if member.locality or member.country:
        address = {"@type": "PostalAddress"}
        if member.locality:
            address["addressLocality"] = member.locality
        if member.country:
            address["addressCountry"] = member.country
        data["address"] = address
    if member.languages:
        data["knowsLanguage"] = list(member.languages)
    if member.profiles:
        data["sameAs"] = [profile.url for profile in member.profiles]
    if image_url:
        data["image"] = image_url
    return data


def script_json(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> element: <, > and & written as escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_SAFE)
    return Markup(text)  # noqa: S704 - built by json.dumps and escaped above, not member HTML
