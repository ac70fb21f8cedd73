"""Lenses and display consent, the way an owner meets them: `invoke fetch` stores every entry,
the member file's keep/skip rules decide what is shown, `invoke lens ID` previews them from the
store, and `invoke build` shows a skipped entry on no page and in no feed, and of the others
only as much as their feed's `show` allows. The first test runs each command as the owner types
it; the tests of `show` call the fetch and build commands' functions in this process."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup

from pln_site.devserver import Route
from pln_site.store import Store
from tests.support import in_process
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.workflows import Site, image_route, invoke, jpeg_with_metadata

MEMBER = "amara-okafor"
FEED = "http://amara.example/feed.xml"
POSTS = {  # title -> (link, category), newest first
    "Open data in class": ("http://amara.example/posts/open-data", "oer"),
    "Sourdough at last": ("http://amara.example/recipes/sourdough", "oer"),
    "Holiday photos": ("http://amara.example/posts/holiday", "life"),
    "A lesson plan": ("http://amara.example/posts/lesson-plan", "OER"),
}
KEPT = ["Open data in class", "A lesson plan"]
SKIPPED = ["Sourdough at last", "Holiday photos"]
RULES = """\
    keep:
      - categories: [oer]
    skip:
      - path: ["/recipes/"]
"""
WORDS = "The whole of a long post, every paragraph of it, as its author wrote it. " * 12


def serve_amara(web) -> None:
    entries = [
        atom_entry(f"tag:amara.example,2024:{n}", title, days_ago(n + 1), link=link,
                   content=f"<p>{WORDS}</p>")
        .replace("</entry>", f'<category term="{category}"/></entry>')
        for n, (title, (link, category)) in enumerate(POSTS.items())
    ]  # fmt: skip
    web.site(
        "amara.example",
        {"/feed.xml": Route.feed(atom_feed(*entries, site="http://amara.example/"))},
    )


def set_feed(site: Site, extra: str) -> None:
    """Point the member's feed at the local one, with `extra` lines under it (rules, show)."""
    member = site.network / f"{MEMBER}.yaml"
    text = member.read_text(encoding="utf-8").replace("https://amara.example/feed.xml", FEED)
    start = text.index("    html_url: https://amara.example/\n")
    end = start + len("    html_url: https://amara.example/\n")
    member.write_text(text[:end] + extra + text[end:], encoding="utf-8")


def fetch(site: Site, web, **settings) -> str:
    settings_file = str(site.write_settings(web.resolve, **settings))
    done = invoke("fetch", "-s", settings_file)
    assert done.returncode == 0, done.stdout + done.stderr
    return settings_file


def build(site: Site, settings_file: str) -> Path:
    done = invoke("build", "-s", settings_file)
    assert done.returncode == 0, done.stderr
    return site.root / "output"


def fetch_here(site: Site, web, **settings) -> str:
    """`fetch`, through the fetch command's function in this process."""
    settings_file = str(site.write_settings(web.resolve, **settings))
    assert in_process.fetch(settings_file) == 0
    return settings_file


def build_here(site: Site, settings_file: str) -> Path:
    """`build`, through the build command's function in this process."""
    assert in_process.build(settings_file) == 0
    return site.root / "output"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def links_on_pages(output: Path) -> set[str]:
    return {
        a["href"] for page in output.rglob("*.html") for a in soup(page).find_all("a", href=True)
    }


def feed_files(output: Path) -> list[Path]:
    reading = output / "reading"
    return [reading / "atom.xml", reading / "rss.xml", *reading.glob("topics/*/atom.xml")]


def links_in_feeds(output: Path) -> set[str]:
    found = {
        entry.link
        for path in feed_files(output)
        for entry in feedparser.parse(path.read_bytes()).entries
    }
    document = json.loads((output / "reading" / "feed.json").read_text("utf-8"))
    return found | {item.get("url") for item in document["items"]}


def test_rules_added_after_the_fetch_are_previewed_and_followed_by_every_page_and_feed(site, web):
    serve_amara(web)
    set_feed(site, "")
    settings_file = fetch(site, web)
    set_feed(site, RULES)  # written after the fetch: no refetch needed

    preview = invoke("lens", MEMBER, "--json", "-s", settings_file)
    assert preview.returncode == 0, preview.stderr
    report = json.loads(preview.stdout)
    decided = {row["title"]: (row["kept"], row["rule"]) for row in report["entries"]}
    assert decided == {
        "Open data in class": (True, "keep[0] categories: [oer]"),
        "Sourdough at last": (False, "skip[0] path: [/recipes/]"),
        "Holiday photos": (False, "no keep rule matched"),
        "A lesson plan": (True, "keep[0] categories: [oer]"),
    }
    assert (report["kept"], report["skipped"]) == (2, 2)
    text = invoke("lens", MEMBER, "-s", settings_file)
    assert text.returncode == 0, text.stderr
    lines = {line.split("  ")[-2]: line.split("  ")[0] for line in text.stdout.splitlines()[:-1]}
    assert lines == {title: "keep" if title in KEPT else "skip" for title in POSTS}

    output = build(site, settings_file)
    kept_links = {POSTS[title][0] for title in KEPT}
    skipped_links = {POSTS[title][0] for title in SKIPPED}
    pages = links_on_pages(output)
    assert kept_links <= pages and not skipped_links & pages
    river = {a["href"] for a in soup(output / "reading" / "index.html").select(".river-entry h3 a")}
    assert kept_links <= river
    member_page = soup(output / "network" / MEMBER / "index.html").select(".network-latest a")
    assert {a["href"] for a in member_page} == kept_links
    home = {a["href"] for a in soup(output / "index.html").find_all("a", href=True)}
    assert kept_links & home and not skipped_links & home
    feeds = links_in_feeds(output)
    assert kept_links <= feeds and not skipped_links & feeds

    # The rules are how this site reads her, not part of her public record.
    document = json.loads((output / "network" / "members.json").read_text("utf-8"))
    (record,) = [one for one in document["members"] if one["id"] == MEMBER]
    assert [feed["url"] for feed in record["feeds"]] == [FEED]
    assert not {"keep", "skip", "show"} & set(record["feeds"][0])

    with Store(site.store, read_only=True) as store:  # skipped is not deleted
        stored = {entry.title for entry in store.iter_entries(member_ids=[MEMBER])}
    assert set(POSTS) <= stored


def test_a_lens_preview_of_an_unknown_member_says_how_to_name_one(site, web):
    serve_amara(web)
    set_feed(site, "")
    settings_file = fetch_here(site, web)
    done = invoke("lens", "nobody-here", "-s", settings_file)
    assert done.returncode == 1
    assert "nobody-here" in done.stderr and "content/network/" in done.stderr

    set_feed(site, "    keep:\n      - titel: [release]\n")
    refused = invoke("lens", MEMBER, "-s", settings_file)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"{MEMBER}.yaml:" in refused.stderr and "feeds[0].keep[0].titel" in refused.stderr
    assert "did you mean 'title'" in refused.stderr


def river_article(output: Path, link: str):
    anchor = soup(output / "reading" / "index.html").find("a", href=link)
    assert anchor is not None, f"{link} is not on the river"
    return anchor.find_parent("article")


def atom_entry_of(output: Path, link: str):
    parsed = feedparser.parse((output / "reading" / "atom.xml").read_bytes())
    return next(entry for entry in parsed.entries if entry.link == link)


def rss_item_of(output: Path, link: str):
    parsed = feedparser.parse((output / "reading" / "rss.xml").read_bytes())
    return next(entry for entry in parsed.entries if entry.link == link)


def json_item_of(output: Path, link: str) -> dict:
    document = json.loads((output / "reading" / "feed.json").read_text("utf-8"))
    return next(item for item in document["items"] if item.get("url") == link)


LINK = POSTS["Open data in class"][0]


def test_show_link_republishes_the_title_and_date_only(site, web):
    serve_amara(web)
    set_feed(site, "    show: link\n")
    output = build_here(site, fetch_here(site, web, PLANET_FULL_CONTENT=True))

    article = river_article(output, LINK)
    assert article.find(class_="e-content") is None and article.find(class_="e-summary") is None
    assert article.find("img", class_="river-entry__picture") is None
    assert article.find("time") is not None and "paragraph" not in article.get_text()
    atom = atom_entry_of(output, LINK)
    assert "summary" not in atom and "content" not in atom
    assert "description" not in rss_item_of(output, LINK) and "summary" not in rss_item_of(
        output, LINK
    )
    item = json_item_of(output, LINK)
    assert "content_html" not in item and item["content_text"] == "Open data in class"


def test_show_summary_keeps_to_an_excerpt_even_where_the_site_shows_full_text(site, web):
    serve_amara(web)
    set_feed(site, "    show: summary\n")
    output = build_here(site, fetch_here(site, web, PLANET_FULL_CONTENT=True))

    article = river_article(output, LINK)
    summary = article.find(class_="e-summary")
    assert article.find(class_="e-content") is None and summary is not None
    assert len(summary.get_text()) < len(WORDS)
    assert article.find(class_="river-entry__more") is not None  # continue reading there
    atom = atom_entry_of(output, LINK)
    assert "content" not in atom and len(atom.summary) < len(WORDS)
    assert len(
        BeautifulSoup(json_item_of(output, LINK)["content_html"], "html.parser").get_text()
    ) < len(WORDS)


def test_show_full_and_the_default_follow_planet_full_content(site, web):
    serve_amara(web)
    set_feed(site, "    show: full\n")
    output = build_here(site, fetch_here(site, web, PLANET_FULL_CONTENT=False))
    content = river_article(output, LINK).find(class_="e-content")
    assert content is not None and WORDS.strip() in content.get_text()
    assert (
        WORDS.strip()
        in BeautifulSoup(atom_entry_of(output, LINK).content[0].value, "html.parser").get_text()
    )

    set_feed(site, "")  # no choice: PLANET_FULL_CONTENT decides (False: an excerpt)
    member = site.network / f"{MEMBER}.yaml"
    member.write_text(member.read_text("utf-8").replace("    show: full\n", ""), "utf-8")
    output = build_here(site, str(site.write_settings(web.resolve, PLANET_FULL_CONTENT=False)))
    article = river_article(output, LINK)
    assert article.find(class_="e-summary") is not None and article.find(class_="e-content") is None


def serve_picture_post(web) -> str:
    link = "http://amara.example/posts/wall"
    entry = atom_entry(
        "tag:amara.example,2024:wall", "A wall of notes", days_ago(1), link=link,
        content='<p>The wall:</p><img src="/img/wall.jpg" alt="Sticky notes">' + f"<p>{WORDS}</p>",
    )  # fmt: skip
    web.site("amara.example", {
        "/feed.xml": Route.feed(atom_feed(entry, site="http://amara.example/")),
        "/img/wall.jpg": image_route(jpeg_with_metadata((1600, 1000))),
    })  # fmt: skip
    return link


def test_show_link_shows_no_picture_where_summary_shows_one(site, web):
    link = serve_picture_post(web)
    set_feed(site, "    show: summary\n")
    settings_file = fetch_here(site, web, PLANET_IMAGES=True)
    output = build_here(site, settings_file)
    assert river_article(output, link).find("img", class_="river-entry__picture") is not None

    member = site.network / f"{MEMBER}.yaml"
    member.write_text(member.read_text("utf-8").replace("show: summary", "show: link"), "utf-8")
    output = build_here(site, settings_file)
    article = river_article(output, link)
    pictures = [img for img in article.find_all("img") if "avatar" not in img.get("class", [])]
    assert pictures == [] and article.find(class_="e-summary") is None


def test_a_members_show_is_the_default_of_their_feeds_and_a_feeds_own_wins(site, web):
    serve_amara(web)
    set_feed(site, "")
    member = site.network / f"{MEMBER}.yaml"
    member.write_text(member.read_text("utf-8") + "show: link\n", "utf-8")
    settings = fetch_here(site, web, PLANET_FULL_CONTENT=True)

    article = river_article(build_here(site, settings), LINK)
    assert article.find(class_="e-content") is None and article.find(class_="e-summary") is None
    assert "content" not in atom_entry_of(site.root / "output", LINK)

    set_feed(site, "    show: summary\n")  # the feed says more than the member's default
    article = river_article(build_here(site, settings), LINK)
    assert article.find(class_="e-summary") is not None and article.find(class_="e-content") is None
