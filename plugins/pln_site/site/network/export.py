"""The directory's public data for machines: `members.json`, and the well-known
`recommendations.json` in the shape Ghost publishes and reads (a list of sites)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from pln_site.members.model import Member
from pln_site.site.network.opml import since_as_datetime

FORMAT_VERSION = 1


def member_record(
    member: Member, page_url: str, avatar_url: str | None, publish_relations: bool
) -> dict[str, Any]:
    """One member's public fields; `relation` only when the site publishes relations."""
    record: dict[str, Any] = {"id": member.id, "page_url": page_url}
    record.update(member.model_dump(mode="json", exclude={"avatar"}))
    record["feeds"] = [feed.model_dump(mode="json") for feed in member.live_feeds]
    if not publish_relations:
        del record["relation"]
    record["avatar_url"] = avatar_url
    return record


def members_json(
    members: Sequence[Member],
    page_url: Callable[[Member], str],
    avatar_url: Callable[[Member], str | None],
    publish_relations: bool,
    generated: dt.datetime,
    site: dict[str, str],
) -> str:
    document = {
        "version": FORMAT_VERSION,
        "generated": generated.isoformat(timespec="seconds"),
        "site": site,
        "members": [
            member_record(m, page_url(m), avatar_url(m), publish_relations) for m in members
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def recommendations_json(members: Sequence[Member]) -> str:
    """Ghost's `/.well-known/recommendations.json`: one object per listed member, `url` (their
    site), `created_at` and `updated_at` (ISO 8601), with `title` and `reason` (the member's
    name and `why`, under the names Ghost gives them). Both dates are `since`: a member file
    records no later change, and the build time would make every build differ."""
    records = []
    for member in members:
        since = since_as_datetime(member.since).isoformat().replace("+00:00", "Z")
        records.append(
            {
                "url": member.url,
                "title": member.name,
                "reason": member.why,
                "created_at": since,
                "updated_at": since,
            }
        )
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
