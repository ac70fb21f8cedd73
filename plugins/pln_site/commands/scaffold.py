"""`invoke new-post` and `invoke new-member`: start a file with every field in place."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from pelican.utils import slugify

from pln_site.errors import SiteError
from pln_site.members.memberfile import slug
from pln_site.members.model import ID_PATTERN
from pln_site.messages import display_path

MEMBER_TEMPLATE = """\
# {id}: one person in my network. The file name is their id.
# Required: name, url, why, since, topics. Everything else is optional: delete what you don't know.
# There is no field for e-mail, phone or address on purpose: this file is published.
# While `status: draft` it is checked but not published: replace each TODO, then set it to active.

name: {name}
url: https://TODO.example/               # their home on the web (absolute http or https)
why: >-                                  # why they are in the network, one to three sentences
  TODO: say what you learn from them.
since: {since}  # when they joined the network: YYYY, YYYY-MM or YYYY-MM-DD
topics: [TODO]                           # what they work on; shared topics group members
status: draft                            # draft (not published yet), active, dormant or
                                         #   archived (kept, but no longer listed)

# met:                                   # where we met; kind: conference, chat, hashtag, blog,
#   - kind: conference                   #   course, work, in-person or other
#     name: Open Education Week
#     url: https://conference.example/2024/
#     date: 2024-03
# relation: [met, colleague]             # XFN: contact, acquaintance, friend, met, co-worker,
#                                        #   colleague (public only if NETWORK_PUBLISH_RELATIONS)
# role: peer                             # mentor, collaborator, expert, curator, provocateur, peer
# tie: weak                              # strong or weak
# org: Example University
# job_title: Researcher
# locality: Nairobi
# country: KE                            # ISO 3166-1 alpha-2
# languages: [en, sw]
# profiles:
#   - platform: Mastodon
#     url: https://social.example/@{id}
# feeds:                                 # read by the reading feed (`invoke fetch`)
#   - url: https://{id}.example/feed.xml
#     title: Their blog
#     html_url: https://{id}.example/
#     show: summary                      # link, summary or full: how much is republished
#     skip:                              # entries never shown (see docs/lenses.md)
#       - path: ["/recipes/"]
# avatar: {id}.png                       # a file in content/images/avatars/
"""

POST_TEMPLATE = """\
Title: {title}
Date: {date}
Category: Notes
Tags:
Slug: {slug}
Summary:
Status: draft

Write here.
"""


class ScaffoldError(SiteError):
    """The file cannot be made; the message says why."""


def new_member(name_or_id: str, settings: dict, today: dt.date | None = None) -> Path:
    """Write content/network/<id>.yaml with every field, commented, as a draft; never overwrite.

    `name_or_id` is an id ("ada-lovelace") or the person's name ("Ada Lovelace"), from which
    the id is made the way add-member and import-opml make theirs."""
    text = " ".join(name_or_id.split())
    if ID_PATTERN.fullmatch(text):
        member_id, name = text, " ".join(part.capitalize() for part in text.split("-"))
    else:
        member_id, name = slug(text), text
        if not member_id:
            raise ScaffoldError(
                f"{name_or_id!r} is not a valid member id and gives none as a name: use "
                "lowercase letters, digits and hyphens (e.g. ada-lovelace), or their name in "
                'quotes (invoke new-member "Ada Lovelace")'
            )
    folder = Path(settings["PATH"]) / settings["NETWORK_PATH"]
    path = folder / f"{member_id}.yaml"
    if path.exists() or (folder / f"{member_id}.yml").exists():
        raise ScaffoldError(f"{display_path(path)} exists already; edit it instead")
    since = (today or dt.date.today()).isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written_name = yaml.safe_dump(name, allow_unicode=True, width=1000).removesuffix("\n...\n")
    path.write_text(
        MEMBER_TEMPLATE.format(id=member_id, name=written_name.strip(), since=since),
        encoding="utf-8",
    )
    return path


def new_post(title: str, settings: dict, now: dt.datetime | None = None) -> Path:
    """Write a draft post in content/posts/ named after its title; never overwrite."""
    if not title.strip():
        raise ScaffoldError('a post needs a title: invoke new-post "My title"')
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    folder = Path(settings["PATH"]) / (settings.get("ARTICLE_PATHS") or ["posts"])[0]
    path = folder / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path} exists already; edit it instead")
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    folder.mkdir(parents=True, exist_ok=True)
    safe_title = re.sub(r"[\r\n]+", " ", title.strip())
    path.write_text(POST_TEMPLATE.format(title=safe_title, date=when, slug=slug), encoding="utf-8")
    return path
