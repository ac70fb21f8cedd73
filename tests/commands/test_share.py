"""`invoke share URL`: a draft post from an entry of the reading feed, safe to build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bs4 import BeautifulSoup

from pln_site.commands.share import draft_post, markdown_text, share_entry
from pln_site.devserver import Route
from pln_site.entries import FeedSource, StoredEntry
from pln_site.feeds.update import fetch_all
from pln_site.store import Store
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.project import build_site
from tests.support.workflows import invoke

LINK = "http://amara.example/posts/open-notes"
HOSTILE_LINK = "http://amara.example/posts/tricky"
LIST_LINK = "http://amara.example/posts/three-things"
LONG_TEXT = " ".join(f"word{n}" for n in range(200))


def fill_store(site, web) -> dict:
    """Serve a feed of Amara's from 127.0.0.1 and fetch it into the site's store for real."""
    feed = atom_feed(
        atom_entry(
            "tag:amara.example,2024:1",
            "Open notes, in practice",
            days_ago(2),
            link=LINK,
            content=f"<p>Notes are better <em>shared</em>. {LONG_TEXT}</p>",
        ),
        atom_entry(
            "tag:amara.example,2024:2",
            "Lists <script>alert(1)</script> & [x](javascript:alert(2))",
            days_ago(3),
            link=HOSTILE_LINK,
            content=(
                "<p>Text with &lt;img src=x onerror=alert(3)&gt; and "
                "[a link](javascript:alert(4)) and *stars* and `code` # not a heading</p>"
            ),
        ),
        site="http://amara.example/",
    )
    web.site("amara.example", {"/feed.xml": Route.feed(feed)})
    settings = site.settings(web.resolve)
    with Store(site.store) as store:
        report = fetch_all(
            [FeedSource("amara-okafor", "http://amara.example/feed.xml")], store, settings
        )
    assert report.counts["ok"] == 1
    return settings


def drafts(site):
    return sorted(p for p in site.posts.glob("*.md") if p.name != "hello-network.md")


def metadata(text: str) -> dict[str, str]:
    header = text.split("\n\n", 1)[0]
    return dict(
        line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
        for line in header.splitlines()
    )


def build_drafts(site, tmp_path) -> Path:
    output = tmp_path / "output"
    build_site(
        site.content,
        output,
        PLUGINS=["pln_site.site.network", "pln_site.site.reading", "pln_site.site.mentions"],
        PLANET_STORE_PATH=str(site.store),
    )
    return output


def test_share_writes_a_draft_that_quotes_links_and_credits(site, web, tmp_path, capsys):
    settings = fill_store(site, web)
    assert share_entry(LINK, settings, now=dt.datetime(2024, 6, 1, 9, 30)) == 0
    assert "Status: draft" in capsys.readouterr().out
    [path] = drafts(site)
    assert path.name == "open-notes-in-practice.md"
    text = path.read_text(encoding="utf-8")
    meta = metadata(text)
    assert meta["Title"] == "Open notes, in practice"
    assert meta["Status"] == "draft"
    assert meta["Mentions"] == "amara-okafor"
    assert meta["Date"] == "2024-06-01 09:30"

    output = build_drafts(site, tmp_path)
    page = BeautifulSoup(
        (output / "drafts" / "open-notes-in-practice.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    body = page.find(class_="e-content")
    links = {a.get_text(): a["href"] for a in body.find_all("a")}
    assert links["Open notes, in practice"] == LINK
    assert links["Amara Okafor"] == "https://amara.example/"
    quote = body.blockquote.get_text(" ", strip=True)
    assert quote.startswith("Notes are better shared. word0 word1")
    assert quote.endswith("…") and len(quote) <= 280
    credit = page.find(class_="post-mentions")
    assert [a.get_text() for a in credit.find_all("a")] == ["Amara Okafor"]


def test_feed_text_stays_text_in_the_built_draft(site, web, tmp_path, capsys):
    settings = fill_store(site, web)
    assert share_entry(HOSTILE_LINK, settings) == 0
    output = build_drafts(site, tmp_path)
    [html_file] = list((output / "drafts").glob("*.html"))
    page = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    body = page.find(class_="e-content")
    assert body.find("script") is None and body.find("img") is None
    assert body.find(["h1", "h2", "h3", "em", "code"]) is None
    hrefs = [a["href"] for a in body.find_all("a")]
    assert hrefs == [HOSTILE_LINK, "https://amara.example/"]
    title_link = body.find("a")
    assert title_link.get_text() == "Lists <script>alert(1)</script> & [x](javascript:alert(2))"
    assert "[a link](javascript:alert(4)) and *stars* and `code` # not a heading" in (
        body.blockquote.get_text()
    )
    assert page.title.get_text().startswith("Lists <script>")


def test_sharing_an_entry_again_points_to_its_draft_instead_of_writing_a_copy(site, web, capsys):
    settings = fill_store(site, web)
    assert share_entry(LINK, settings) == 0
    [first] = drafts(site)
    capsys.readouterr()
    assert share_entry(LINK + "/", settings) == 0  # the same link written a little differently
    assert share_entry(LINK, settings) == 0
    assert drafts(site) == [first]
    out = capsys.readouterr().out
    assert out.count(f"{first.name} is a draft about this entry already") == 2


def test_a_draft_never_replaces_a_post_of_the_same_name(site, web, capsys):
    settings = fill_store(site, web)
    (site.posts / "open-notes-in-practice.md").write_text(
        "Title: Open notes, in practice\nDate: 2024-01-01\n\nMy own post.\n", encoding="utf-8"
    )
    assert share_entry(LINK, settings) == 0
    assert [p.name for p in drafts(site)] == [
        "open-notes-in-practice-2.md",
        "open-notes-in-practice.md",
    ]
    assert "My own post." in (site.posts / "open-notes-in-practice.md").read_text()


def test_the_quote_keeps_the_entrys_paragraphs_and_lists(site, web, tmp_path, capsys):
    feed = atom_feed(
        atom_entry(
            "tag:amara.example,2024:3",
            "Three things",
            days_ago(1),
            link=LIST_LINK,
            content=(
                "<p>Three things I learned:</p><ul><li>share early</li><li>ask <em>why</em></li>"
                "</ul><p>And in order:</p><ol><li>read</li><li>write</li></ol><p>That is all.</p>"
            ),
        ),
        site="http://amara.example/",
    )
    web.site("amara.example", {"/feed.xml": Route.feed(feed)})
    settings = site.settings(web.resolve)
    with Store(site.store) as store:
        fetch_all([FeedSource("amara-okafor", "http://amara.example/feed.xml")], store, settings)
    assert share_entry(LIST_LINK, settings) == 0
    output = build_drafts(site, tmp_path)
    page = BeautifulSoup(
        (output / "drafts" / "three-things.html").read_text(encoding="utf-8"), "html.parser"
    )
    quote = page.find(class_="e-content").blockquote
    assert [p.get_text() for p in quote.find_all("p")] == [
        "Three things I learned:",
        "And in order:",
        "That is all.",
    ]
    assert [li.get_text() for li in quote.find("ul").find_all("li")] == ["share early", "ask why"]
    assert [li.get_text() for li in quote.find("ol").find_all("li")] == ["read", "write"]


def test_an_unknown_link_or_a_missing_store_writes_nothing(site, web, capsys):
    assert share_entry(LINK, site.settings()) == 1
    assert "invoke fetch" in capsys.readouterr().err
    settings = fill_store(site, web)
    assert share_entry("http://amara.example/nope", settings) == 1
    assert "No entry" in capsys.readouterr().err
    assert drafts(site) == []


def test_markdown_text_escapes_markup():
    assert markdown_text("a <b> & *c* [d](e)") == r"a &lt;b&gt; &amp; \*c\* \[d\]\(e\)"
    assert markdown_text("two\nlines") == "two lines"


def test_a_titleless_note_gets_a_stand_in_title():
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    entry = StoredEntry(
        key="k",
        feed_url="u",
        member_id="ghost",
        link="https://x.example/1",
        title="",
        author="Ghost Writer",
        content_html="<p>Hi</p>",
        summary_html="",
        date=now,
        first_seen=now,
    )
    text = draft_post(entry, None, now)
    assert metadata(text)["Title"] == "A note by Ghost Writer"
    assert "Mentions" not in metadata(text)


def test_the_invoke_task_writes_the_draft(site, web):
    fill_store(site, web)
    result = invoke("share", LINK, "-s", str(site.settings_file))
    assert result.returncode == 0, result.stderr
    assert "open-notes-in-practice.md" in result.stdout
    assert [p.name for p in drafts(site)] == ["open-notes-in-practice.md"]
    again = invoke("share", LINK, "-s", str(site.settings_file))
    assert again.returncode == 0, again.stderr
    assert "open-notes-in-practice.md is a draft about this entry already" in again.stdout
    assert [p.name for p in drafts(site)] == ["open-notes-in-practice.md"]
