"""Issue item 1 (and 14): script in every field of every feed format never runs on the built site.

Each vector goes into every field a feed has (title, summary, content, author, link, enclosure,
category, feed title and home page) of an RSS, an Atom and a JSON Feed document, and into the
name, "why" and feed title of a member file. The feeds are served from 127.0.0.1, fetched
through the real fetch path, and a site is built from the store. Then headless Chromium opens
every page of the directory, the member pages and the reading pages:

- with the page's own Content-Security-Policy, no request may leave 127.0.0.1;
- with the CSP switched off (so that the markup alone is on trial), no dialog opens, no payload
  sets `window.__xss`, and the DOM holds no event handler, no script/frame/object/base/refresh
  and no javascript:, vbscript: or data: URL.

The output feeds (Atom, RSS, JSON Feed) are checked by parsing them: no element, attribute or
URL scheme that could run script. Item 15 (the hypothesis property test of the cleaning step) is
tests/planet/test_clean_property.py; item 14's CSP meta is checked here in the browser.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from tests.support.browser import chromium, serve_folder
from tests.support.hostile_sites import build, fetch_into, member_file, recent, write_site
from tests.support.parse_fixtures import parse_html
from tests.support.xss_vectors import VECTORS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORMATS = ("rss", "atom", "json")
SAFE_SCHEMES = ("http", "https", "mailto")
UNSAFE_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
     "style", "form", "input", "button", "textarea", "select", "svg", "math", "template",
     "noscript", "xmp", "video", "audio", "source"}
)  # fmt: skip


# In the browser: the site's own forms (directory filters) and SVG charts are fine, so those
# are judged by their attributes (no handlers, no script URLs, forms post to the site only).
DOM_UNSAFE = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
     "style", "template", "math", "noscript", "xmp", "foreignobject", "animate", "set", "video",
     "audio", "source", "textarea"}
)  # fmt: skip


def xml_text(value: str) -> str:
    return escape(value, quote=False)


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss_with(vector: str, site: str) -> bytes:
    text, attr = xml_text(vector), escape(vector)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>{text}</title><link>{text}</link><description>{text}</description>
<item><title>{text}</title><link>{text}</link><guid isPermaLink="false">{site}rss-1</guid>
<pubDate>{recent(2).strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate>
<description>{text}</description><content:encoded>{cdata(vector)}</content:encoded>
<dc:creator>{text}</dc:creator><author>{text}</author><category>{text}</category>
<enclosure url="{attr}" type="audio/mpeg" length="1"/><comments>{text}</comments></item>
<item><title>Plain</title><link>{site}rss-2</link><description>{text}</description>
<pubDate>{recent(1).strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate></item>
</channel></rss>""".encode()


def atom_with(vector: str, site: str) -> bytes:
    text, attr = xml_text(vector), escape(vector)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="html">{text}</title><subtitle type="html">{text}</subtitle>
<link rel="alternate" href="{attr}"/><id>{site}</id><updated>{recent(2).isoformat()}</updated>
<author><name>{text}</name><uri>{attr}</uri></author>
<entry><id>{site}atom-1</id><title type="html">{text}</title>
<link rel="alternate" href="{attr}"/><link rel="enclosure" href="{attr}"/>
<updated>{recent(2).isoformat()}</updated>
<author><name>{text}</name></author><category term="{attr}" label="{attr}"/>
<summary type="html">{text}</summary><content type="html">{text}</content></entry>
<entry><id>{site}atom-2</id><title>{text}</title><updated>{recent(3).isoformat()}</updated>
<link rel="alternate" href="{site}atom-2"/><summary type="text">{text}</summary></entry>
</feed>""".encode()


def json_with(vector: str, site: str) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": vector,
        "home_page_url": vector,
        "description": vector,
        "authors": [{"name": vector, "url": vector}],
        "items": [
            {
                "id": f"{site}json-1",
                "url": vector,
                "external_url": vector,
                "title": vector,
                "content_html": vector,
                "summary": vector,
                "image": vector,
                "date_published": recent(2).isoformat(),
                "authors": [{"name": vector, "url": vector}],
                "tags": [vector],
                "attachments": [{"url": vector, "mime_type": "audio/mpeg"}],
            },
            {
                "id": f"{site}json-2",
                "url": f"{site}json-2",
                "content_text": vector,
                "date_published": recent(1).isoformat(),
            },
        ],
    }
    return json.dumps(document).encode()


MAKERS = {"rss": rss_with, "atom": atom_with, "json": json_with}


def host_of(number: int) -> str:
    return f"v{number:03d}.example"


PER_MEMBER = 3  # vectors per member: every vector is in a name, a "why" and a feed title


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The site built from every vector; yields (output folder, fetch report)."""
    root = tmp_path_factory.mktemp("hostile-scripts")
    members, sources, resolve = {}, [], {}
    with LocalFeedServer() as server:
        for first in range(0, len(VECTORS), PER_MEMBER):
            group = range(first, min(first + PER_MEMBER, len(VECTORS)))
            payloads = " ".join(VECTORS[number][1] for number in group)
            # Every sixth member also has a payload as a topic (each topic is two more pages).
            topics = ["testing"] + ([VECTORS[first][1][:40]] if first % 18 == 0 else [])
            # One member per format: one person's feeds with the same post are one post on the
            # river (a cross-post), and every vector must reach the output in every format.
            for kind in FORMATS:
                member_id = f"m{first:03d}-{kind}"
                feeds = []
                for number in group:
                    vector = VECTORS[number][1]
                    host = host_of(number)
                    resolve[host] = server.address
                    path = f"/{number:03d}.{kind}"
                    server.route(path, Route.feed(MAKERS[kind](vector, f"http://{host}/")))
                    feeds.append((f"http://{host}{path}", vector))
                members[member_id] = member_file(payloads, feeds, why=payloads, topics=topics)
                sources += [FeedSource(member_id, url, title) for url, title in feeds]
        write_site(root / "content", members)
        store_file = root / "cache" / "planet.sqlite3"
        # In a thread of its own: the fetch runs an event loop, and Playwright's sync API may
        # already run one in this thread (when the browser fixture was set up first).
        with ThreadPoolExecutor(1) as thread:
            report = thread.submit(
                fetch_into, store_file, sources, resolve, PLANET_MAX_ENTRIES_PER_FEED=10
            ).result()
    build(
        root / "content",
        root / "output",
        store_file,
        PLANET_PER_PAGE=200,
        PLANET_FULL_CONTENT=True,
    )
    return root / "output", report


def test_every_vector_feed_was_fetched_and_stored(hostile_site):
    _, report = hostile_site
    assert len(report.feeds) == len(VECTORS) * len(FORMATS)
    failed = [(f.url, f.reason) for f in report.feeds if f.outcome != "ok"]
    assert failed == [], "every hostile feed is still a feed and must be read"


def test_there_are_at_least_sixty_vectors():
    assert len({payload for _, payload in VECTORS}) >= 60


# --- the browser -------------------------------------------------------------------------------

DOM_CHECK = """(unsafe) => {
  const found = [];
  const urlNames = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster',
                    'background', 'srcset', 'cite', 'dynsrc', 'lowsrc'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const ownScript = tag === 'script' && el.src &&
                      new URL(el.src, location.href).origin === location.origin;
    const ownHead = el.closest('head') && ['meta', 'link'].includes(tag) &&
                    (el.getAttribute('http-equiv') || '').toLowerCase() !== 'refresh';
    let data = false;  // JSON-LD is data, never run: it must still be whole, valid JSON
    if (tag === 'script' && el.type === 'application/ld+json') {
      try { JSON.parse(el.textContent); data = true; } catch (e) { data = false; }
    }
    if (unsafe.includes(tag) && !ownScript && !ownHead && !data) found.push(`<${tag}>`);
    if (tag === 'form' && el.action && new URL(el.action).origin !== location.origin)
      found.push(`form action=${el.action}`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag} ${name}`);
      if (name === 'srcdoc' || (name === 'style' && el.closest('main'))) found.push(`${tag} ${name}`);
      if (urlNames.includes(name)) {
        const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data|livescript|mocha):/.test(value))
          found.push(`${tag} ${name}=${attr.value}`);
      }
    }
  }
  return found;
}"""


def site_pages(output: Path) -> list[str]:
    """Every page of the directory, the member pages and the reading pages, as URL paths."""
    pages = []
    for folder in ("network", "reading"):
        for page in sorted((output / folder).rglob("*.html")):
            pages.append(page.relative_to(output).as_posix())
    return pages


@pytest.fixture(scope="module")
def served(hostile_site):
    output, _ = hostile_site
    with serve_folder(output) as url:
        yield url, site_pages(output)


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def visit_all(browser, base: str, pages: list[str], *, bypass_csp: bool, check_dom: bool) -> dict:
    """Open every page in one context; returns what a payload could have caused (with
    `check_dom`, the live markup left in each page too: a walk over its whole DOM)."""
    seen = {"dialogs": [], "outside": [], "flags": [], "dom": [], "navigations": [], "pages": 0}
    context = browser.new_context(bypass_csp=bypass_csp, java_script_enabled=True)
    site = urlsplit(base).netloc

    def gate(route) -> None:
        if urlsplit(route.request.url).netloc == site:
            route.continue_()
        else:  # nothing may leave 127.0.0.1; aborted so that the test never reaches the internet
            seen["outside"].append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    for path in pages:
        url = base + path
        response = page.goto(url, wait_until="domcontentloaded")
        assert response is not None and response.ok, url
        seen["pages"] += 1
        if page.evaluate("typeof window.__xss !== 'undefined'"):
            seen["flags"].append(path)
        if check_dom:
            found = page.evaluate(DOM_CHECK, sorted(DOM_UNSAFE))
            seen["dom"] += [f"{path}: {problem}" for problem in found]
        if page.url != url:
            seen["navigations"].append(f"{path} -> {page.url}")
    page.wait_for_timeout(500)  # timers, animations (SVG onbegin), autofocus
    if page.evaluate("typeof window.__xss !== 'undefined'"):
        seen["flags"].append("(last page, after waiting)")
    context.close()
    return seen


def test_with_the_pages_csp_nothing_leaves_127_0_0_1(browser, served):
    base, pages = served
    seen = visit_all(browser, base, pages, bypass_csp=False, check_dom=False)
    assert seen["pages"] >= len(VECTORS) // PER_MEMBER + 3
    assert seen["outside"] == []
    assert seen["dialogs"] == []
    assert seen["flags"] == []
    assert seen["navigations"] == []


def test_without_the_csp_the_markup_alone_runs_no_script(browser, served):
    base, pages = served
    seen = visit_all(browser, base, pages, bypass_csp=True, check_dom=True)
    assert seen["dialogs"] == []
    assert seen["flags"] == []
    assert seen["navigations"] == []
    assert seen["dom"] == [], "\n".join(seen["dom"][:40])


def test_the_check_sees_a_script_that_runs(browser, tmp_path):
    # The detectors above must notice a payload that does run (with the CSP off).
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.html").write_text(
        "<!doctype html><title>x</title><main><img src=x onerror=alert(1)>"
        "<script>window.__xss=1</script><a href='javascript:alert(1)'>x</a>"
        "<img src='https://evil.example/x.png'></main>",
        encoding="utf-8",
    )
    with serve_folder(tmp_path) as url:
        seen = visit_all(browser, url, ["bad/index.html"], bypass_csp=True, check_dom=True)
    assert seen["dialogs"] and seen["flags"] and seen["dom"] and seen["outside"]


# --- the output feeds --------------------------------------------------------------------------


def assert_no_live_markup(html: str, where: str) -> None:
    parsed = parse_html(html)
    bad = [tag for tag in parsed.elements if tag in UNSAFE_ELEMENTS]
    bad += [f"{tag} {name}" for tag, name, _ in parsed.attributes if name.startswith("on")]
    bad += [f"{tag} {name}" for tag, name, _ in parsed.attributes if name in ("style", "srcdoc")]
    for url in parsed.urls():
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme and scheme not in SAFE_SCHEMES:
            bad.append(f"URL {url!r}")
    assert bad == [], f"{where}: {bad}"


def assert_http_url(value: str | None, where: str) -> None:
    """An http(s) URL, or a relative one (the site's own links, when SITEURL is not set)."""
    if value:
        squeezed = "".join(ch for ch in value if ord(ch) > 0x20).lower()
        assert urlsplit(squeezed).scheme in ("", "http", "https"), f"{where}: {value!r}"


def test_output_atom_and_rss_carry_no_live_script(hostile_site):
    output, _ = hostile_site
    feeds = [output / "reading" / "atom.xml", output / "reading" / "rss.xml"]
    feeds += sorted((output / "reading" / "topics").rglob("atom.xml"))
    checked = 0
    for feed in feeds:
        tree = ElementTree.parse(feed)
        for element in tree.iter():
            name = element.tag.rsplit("}", 1)[-1]
            if name in ("content", "summary", "description", "encoded") and element.text:
                assert_no_live_markup(element.text, f"{feed.name} <{name}>")
                checked += 1
            if name == "link":
                assert_http_url(element.get("href") or element.text, f"{feed.name} <link>")
            if name in ("title", "name", "category") and element.text:
                # Plain text elements: markup would be shown as text by readers that obey the
                # spec; readers that do not must still find nothing live in it.
                assert "<script" not in element.text.lower() or element.get("type") != "html"
    assert checked >= len(VECTORS)


def test_output_json_feed_carries_no_live_script(hostile_site):
    output, _ = hostile_site
    document = json.loads((output / "reading" / "feed.json").read_text(encoding="utf-8"))
    assert_http_url(document.get("home_page_url"), "home_page_url")
    assert document["items"]
    for item in document["items"]:
        for field in ("content_html", "summary"):
            if item.get(field):
                assert_no_live_markup(item[field], f"item {item.get('id')} {field}")
        for field in ("url", "external_url", "image"):
            assert_http_url(item.get(field), f"item {item.get('id')} {field}")
        for author in item.get("authors", []):
            assert_http_url(author.get("url"), "author url")
