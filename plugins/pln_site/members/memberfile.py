"""Writing new member files: the roster of who is already in, a fresh id, a file that validates.

The roster is read leniently (any YAML that parses): a half-edited file elsewhere must not stop
the owner from adding someone, and whether it is valid is `invoke check`'s job.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError
from unidecode import unidecode

from pln_site.members.loader import MEMBER_FILE_SUFFIXES
from pln_site.members.model import ID_PATTERN, Member, Status
from pln_site.urls import same_url_key

log = logging.getLogger(__name__)

TODO_WHY = "TODO: say why they are in your network and what you learn from them."
TODO_TOPIC = "TODO"
ID_MAX = 63
#: What every command that starts a member file tells the owner to do next.
NEXT_STEP = (
    "Next: write `why` and `topics` where they say TODO, check the rest, then change "
    "`status: draft` to `status: active` and run `invoke check`. Drafts are never published."
)


@dataclass
class Roster:
    """Who is in the network already: ids, and the homepages and feeds they were added with."""

    network_dir: Path
    ids: set[str] = field(default_factory=set)
    by_url: dict[str, str] = field(default_factory=dict)  # normalised URL -> member id
    topic_names: list[str] = field(default_factory=list)  # every topic as its file spells it

    def owner_of(self, *urls: str | None) -> str | None:
        """The id of the member whose homepage or feed is one of `urls`, if any."""
        for url in urls:
            if url and (owner := self.by_url.get(same_url_key(url))):
                return owner
        return None

    def add(self, member_id: str, urls: list[str]) -> None:
        self.ids.add(member_id)
        for url in urls:
            self.by_url.setdefault(same_url_key(url), member_id)

    def path_for(self, member_id: str) -> Path:
        return self.network_dir / f"{member_id}.yaml"


def network_dir(settings: Mapping[str, Any]) -> Path:
    folder: str = settings.get("NETWORK_PATH", "network")
    return Path(settings["PATH"]) / folder


def avatars_dir(settings: Mapping[str, Any]) -> Path:
    folder: str = settings.get("NETWORK_AVATARS_PATH", "images/avatars")
    return Path(settings["PATH"]) / folder


def read_roster(folder: Path) -> Roster:
    roster = Roster(folder)
    if not folder.is_dir():
        return roster
    for path in sorted(folder.iterdir()):
        if path.suffix not in MEMBER_FILE_SUFFIXES or not path.is_file():
            continue
        roster.ids.add(path.stem)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            log.debug("roster: %s does not parse; only its id is known", path)
            continue
        if isinstance(data, dict):
            roster.add(path.stem, list(_urls_of(data)))
            topics = data.get("topics")
            if isinstance(topics, list):
                roster.topic_names += [t for t in topics if isinstance(t, str) and t != TODO_TOPIC]
    return roster


def _urls_of(data: dict[Any, Any]) -> list[str]:  # any YAML mapping: read leniently
    urls = [data.get("url")]
    for feed in data.get("feeds") or []:
        if isinstance(feed, dict):
            urls.append(feed.get("url"))
    return [url for url in urls if isinstance(url, str)]


def propose_id(name: str | None, url: str, taken: set[str]) -> str:
    """A member id from the name (else the site's host), made unique with -2, -3..."""
    base = slug(name or "") or slug(_host_words(url)) or "member"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: ID_MAX - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and hyphens (accents transliterated: "José" -> "jose")."""
    words = re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")
    words = words[:ID_MAX].rstrip("-")
    return words if ID_PATTERN.fullmatch(words or "-") else ""


def _host_words(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host.rsplit(".", 1)[0] if "." in host else host


def validate(member_id: str, data: dict[str, Any]) -> list[str]:
    """The model's complaints about `data` as it will be written, in words (empty: valid)."""
    try:
        Member(id=member_id, **data)
    except ValidationError as error:
        return [
            f"{'.'.join(str(part) for part in err['loc'])}: {err['msg']}" for err in error.errors()
        ]
    return []


def draft_data(name: str, url: str, topics: list[str] | None = None) -> dict[str, Any]:
    """The start of a member file a command writes: what only the owner can say is TODO, and
    the status is draft, so that the file is checked but never published as it is."""
    return {
        "name": name,
        "url": url,
        "why": TODO_WHY,
        "since": today(),
        "topics": topics or [TODO_TOPIC],
        "status": Status.draft.value,
    }


def member_yaml(
    data: dict[str, Any], header: list[str], checks: Mapping[str, str] | None = None
) -> str:
    """The file's text: comment lines, then the fields in the order of `data`, each field
    named in `checks` after a `# check: ...` line that says what to look at.

    yaml.safe_dump does the quoting, so whatever a page or an OPML file said (colons, quotes,
    "#", "&", leading dashes) is written as a plain string and read back as the same string.
    """
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    body = ""
    for key, value in data.items():
        if checks and key in checks:
            body += f"# check: {one_line_comment(checks[key])}\n"
        body += yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=100)
    return comments + "\n" + body


def one_line_comment(text: str) -> str:
    """`text` as one comment line: a line break would end the comment and start YAML."""
    return " ".join(text.split())


def write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text`; FileExistsError when it is there already (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.with_suffix(".yml").exists():
        raise FileExistsError(path.with_suffix(".yml"))
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)


def today() -> str:
    return dt.date.today().isoformat()
