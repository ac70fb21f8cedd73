"""`invoke lens ID`: what a member's keep and skip rules would keep and skip of what is already
stored, before the owner commits them. The store is only read: no fetch, no change to it.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from pln_site.commands.settings import fetched_store_or_report, members_or_report
from pln_site.datetext import moment_text, site_timezone
from pln_site.members.lens import Lenses
from pln_site.messages import terminal_text
from pln_site.site.reading.river import entry_title, member_sites
from pln_site.store import Store, StoreUnavailable


def preview_lens(
    member_id: str,
    settings: dict,
    *,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print each stored entry of the member, newest first: kept or skipped, and by which rule.

    Exit codes: 0 shown, 1 no such member (or no store yet, or one that cannot be read), 2 the
    member files are broken.
    """
    out, err = out or sys.stdout, err or sys.stderr
    every_member = members_or_report(settings, err)
    if every_member is None:
        return 2
    members = [member for member in every_member if member.is_listed]
    member = next((member for member in members if member.id == member_id), None)
    if member is None:
        print(
            terminal_text(
                f"No listed member {member_id!r} (hint: the id is the file name in "
                "content/network/ without .yaml)"
            ),
            file=err,
        )
        return 1
    path = fetched_store_or_report(settings, err)
    if path is None:
        return 1
    lenses = Lenses([member])
    try:
        with Store(path, read_only=True) as store:
            # The entries as the build reads them (a copy of another member's post is not theirs).
            every = store.iter_entries(
                member_ids=[listed.id for listed in members], sites=member_sites(members)
            )
            entries = [entry for entry in every if entry.member_id == member.id]
    except StoreUnavailable as trouble:
        print(terminal_text(f"No preview: {trouble}", lines=True), file=err)
        return 1
    tz = site_timezone(settings.get("TIMEZONE"))
    rows: list[dict[str, Any]] = []
    for entry in entries:
        verdict = lenses.judge(entry)
        rows.append(
            {
                "kept": verdict.kept,
                "rule": verdict.reason,
                "title": entry_title(entry)[0],
                "date": entry.date.isoformat(),
                "shown_date": moment_text(entry.date, tz),
                "link": entry.link,
                "feed": entry.feed_url,
            }
        )
    kept = sum(1 for row in rows if row["kept"])
    if as_json:
        document = {"member": member.id, "kept": kept, "skipped": len(rows) - kept}
        print(json.dumps({**document, "entries": rows}, ensure_ascii=False, indent=2), file=out)
        return 0
    for row in rows:
        mark = "keep" if row["kept"] else "skip"
        line = f"{mark}  {row['shown_date']}  {row['title']}  ({row['rule']})"
        print(terminal_text(line), file=out)
    print(f"{member.id}: {kept} kept, {len(rows) - kept} skipped of {len(rows)} stored.", file=out)
    return 0
