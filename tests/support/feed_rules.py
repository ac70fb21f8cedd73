"""The W3C Feed Validator's rules that real feeds made the site's output feeds break, written
out so that a test can check any feed the site writes: `atom_problems`, `rss_problems` and
`json_feed_problems` return what is wrong, in words (empty: nothing).

Ids are full URLs, tag URIs (RFC 4151, with the lower-case authority the validator asks for)
or UUID URNs; links and self links are whole; every Atom <source> has its id, title, updated
and self link; no element is empty; no two entries share an <updated>, and none is updated
before it was published; an entry without a link carries its content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
TAG_URI = re.compile(
    r"tag:(?:[a-z0-9._-]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r",\d{4}(?:-\d{2}(?:-\d{2})?)?:[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*(?:#[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?"
)
UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_full_url(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_valid_id(value: str | None) -> bool:
    text = value or ""
    return is_full_url(text) or bool(TAG_URI.fullmatch(text) or UUID_URN.fullmatch(text))


def kind_of(path: Path) -> str:
    """ "atom", "rss" or "json"."""
    if path.suffix == ".json":
        return "json"
    return "atom" if ET.parse(path).getroot().tag == f"{ATOM}feed" else "rss"


def empty_elements(root: ET.Element) -> list[str]:
    """Elements with neither text nor children (those that carry only attributes aside)."""
    return [
        element.tag
        for element in root.iter()
        if len(element) == 0
        and not (element.text or "").strip()
        and element.tag.removeprefix(ATOM) not in ("link", "category")
    ]


def _strict(path: Path) -> list[str]:
    parsed = feedparser.parse(path.read_bytes())
    return [f"not well-formed: {parsed.get('bozo_exception')}"] if parsed.bozo else []


def atom_problems(path: Path, self_url: str) -> list[str]:
    problems = _strict(path)
    feed = ET.parse(path).getroot()
    problems += [f"empty <{tag}>" for tag in empty_elements(feed)]
    if not is_valid_id(feed.findtext(f"{ATOM}id")):
        problems.append(f"feed id {feed.findtext(f'{ATOM}id')!r}")
    links = {link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    if links.get("self") != self_url:
        problems.append(f"self link {links.get('self')!r}, not {self_url!r}")
    if not is_full_url(links.get("alternate")):
        problems.append(f"alternate link {links.get('alternate')!r}")
    entries = feed.findall(f"{ATOM}entry")
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    if len(set(updated)) != len(updated):
        problems.append("entries share an <updated>")
    for entry in entries:
        problems += _atom_entry_problems(entry)
    return problems


def _atom_entry_problems(entry: ET.Element) -> list[str]:
    problems = []
    entry_id = entry.findtext(f"{ATOM}id")
    if not is_valid_id(entry_id) or "tag:None" in (entry_id or ""):
        problems.append(f"entry id {entry_id!r}")
    problems += [
        f"entry link {link.get('href')!r}"
        for link in entry.findall(f"{ATOM}link")
        if not is_full_url(link.get("href"))
    ]
    published, updated = entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated")
    if not updated:
        problems.append(f"{entry_id}: no <updated>")
    elif published and dt.datetime.fromisoformat(updated) < dt.datetime.fromisoformat(published):
        problems.append(f"{entry_id}: updated before it was published")
    if entry.find(f"{ATOM}link") is None and entry.find(f"{ATOM}content") is None:
        problems.append(f"{entry_id}: neither a link nor content")
    source = entry.find(f"{ATOM}source")
    if source is not None:
        problems += [
            f"{entry_id}: <source> without <{name}>"
            for name in ("id", "title", "updated")
            if not source.findtext(f"{ATOM}{name}")
        ]
        selfs = [link for link in source.findall(f"{ATOM}link") if link.get("rel") == "self"]
        if len(selfs) != 1 or not is_full_url(selfs[0].get("href")):
            problems.append(f"{entry_id}: <source> self link")
    return problems


def rss_problems(path: Path, self_url: str) -> list[str]:
    problems = _strict(path)
    channel = ET.parse(path).getroot().find("channel")
    problems += [f"empty <{tag}>" for tag in empty_elements(channel)]
    if not is_full_url(channel.findtext("link")):
        problems.append(f"channel link {channel.findtext('link')!r}")
    selfs = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if [link.get("href") for link in selfs] != [self_url]:
        problems.append(f"self link {[link.get('href') for link in selfs]}, not {self_url!r}")
    for item in channel.findall("item"):
        if not (item.findtext("title") or item.findtext("description")):
            problems.append("an item with neither title nor description")
        guid = item.find("guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true":
            if not is_full_url(guid.text):
                problems.append(f"permalink guid {guid.text!r}")
        if item.find("link") is not None and not is_full_url(item.findtext("link")):
            problems.append(f"item link {item.findtext('link')!r}")
    return problems


def json_feed_problems(path: Path, self_url: str) -> list[str]:
    """JSON Feed 1.1: version, title, feed_url, items with ids, content and authors."""
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if document.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version {document.get('version')!r}")
    if not document.get("title"):
        problems.append("no title")
    if document.get("feed_url") != self_url:
        problems.append(f"feed_url {document.get('feed_url')!r}, not {self_url!r}")
    if not is_full_url(document.get("home_page_url")):
        problems.append(f"home_page_url {document.get('home_page_url')!r}")
    ids = [item.get("id") for item in document.get("items", [])]
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
        problems.append("item ids missing or shared")
    for item in document.get("items", []):
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{item.get('id')}: no content")
        if not item.get("authors") or not all(a.get("name") for a in item["authors"]):
            problems.append(f"{item.get('id')}: authors")
        try:
            dt.datetime.fromisoformat(item.get("date_published", ""))
        except ValueError:
            problems.append(f"{item.get('id')}: date_published {item.get('date_published')!r}")
        problems += [
            f"{item.get('id')}: {name} {item[name]!r}"
            for name in ("url", "external_url")
            if name in item and not is_full_url(item[name])
        ]
    return problems


def feed_problems(path: Path, self_url: str) -> list[str]:
    """What is wrong with the feed at `path`, published at `self_url`, whatever its kind."""
    check = {"atom": atom_problems, "rss": rss_problems, "json": json_feed_problems}
    return check[kind_of(path)](path, self_url)
