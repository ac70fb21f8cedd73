"""`invoke import-opml FILE`: exports in the shapes real feed readers write them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pln_site.commands.check import check_members
from pln_site.commands.import_opml import import_opml, read_opml
from pln_site.commands.opml_people import group_by_site, name_from_title, site_key
from pln_site.members.loader import members_from_settings
from tests.support.workflows import invoke

SAMPLES = Path(__file__).resolve().parents[1] / "support" / "opml"

# Per export: the members it should create, as {feed URLs} -> topics.
EXPECTED = {
    "feedly.opml": {
        frozenset({"https://ada.example/feed.xml", "https://ada.example/podcast.xml"}): [
            "open education"
        ],
        frozenset({"https://feeds.feedburner.com/gracehopper"}): ["tech"],
        frozenset({"https://medium.com/feed/@linus"}): ["tech"],
        frozenset({"https://medium.com/feed/@margaret"}): ["tech"],
    },
    "inoreader.xml": {
        frozenset({"https://noor.example/index.xml", "https://noor.example/notes/index.xml"}): [
            "learning",
            "research",
        ],
        frozenset({"https://kenji.example/atom.xml"}): ["research"],
    },
    "netnewswire.opml": {
        frozenset({"https://sofia.example/feed/"}): ["TODO"],
        frozenset({"https://tomas.example/rss.xml"}): ["friends"],
        frozenset({"https://social.example/@tomas.rss"}): ["friends"],
        frozenset({"https://social.example/@lucia.rss"}): ["friends"],
    },
    "miniflux.opml": {
        frozenset({"https://priya.example/feed.xml"}): ["TODO"],  # "All" is no topic
        frozenset(
            {"https://hanakim.example/feeds/all.atom.xml", "https://links.hanakim.example/rss"}
        ): ["data & society"],
    },
    "freshrss.opml.xml": {
        frozenset({"https://jonas.example/feed.atom"}): ["TODO"],  # "Uncategorized" is no topic
        frozenset({"https://camille.example/rss"}): ["accessibility"],
        frozenset({"http://mateo.example/feed.xml"}): ["accessibility"],  # was feed://
    },
    "thunderbird.opml": {
        frozenset({"https://femi.example/feed.xml"}): ["TODO"],  # the account folder is no topic
        frozenset({"https://mateo.example/atom.xml"}): ["education", "open pedagogy"],
    },
}


def created_files(site, before):
    return sorted(site.network / name for name in site.member_files() - before)


def feeds_and_topics(paths):
    found = {}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[frozenset(feed["url"] for feed in data["feeds"])] = data["topics"]
    return found


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_each_reader_export_becomes_valid_member_files(site, sample, capsys):
    settings = site.settings()
    before = site.member_files()
    assert import_opml(SAMPLES / sample, settings) == 0
    out = capsys.readouterr().out
    created = created_files(site, before)
    assert feeds_and_topics(created) == EXPECTED[sample]
    assert f"Created {len(created)} member files" in out
    # Every file passes the member check and says what is left to do.
    assert check_members(settings) == 0
    for path in created:
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# Imported from {sample}")
        assert yaml.safe_load(text)["why"].startswith("TODO")


def test_a_site_with_two_feeds_is_one_member_with_its_html_url(site, capsys):
    settings = site.settings()
    import_opml(SAMPLES / "feedly.opml", settings)
    ada = next(m for m in members_from_settings(settings) if m.url == "https://ada.example/")
    assert ada.name == "Ada's notes"
    assert [(f.title, f.html_url) for f in ada.feeds] == [
        ("Ada's notes", "https://ada.example/"),
        ("Ada's podcast", "https://ada.example/podcast/"),
    ]


def test_importing_again_creates_nothing_and_says_skipped(site, capsys):
    settings = site.settings()
    import_opml(SAMPLES / "feedly.opml", settings)
    capsys.readouterr()
    before = site.member_files()
    assert import_opml(SAMPLES / "feedly.opml", settings) == 0
    out = capsys.readouterr().out
    assert site.member_files() == before
    assert "Created 0 member files, skipped 4" in out
    assert out.count("skipped: ") == 4 and out.count("in your network already") == 4


def test_a_feed_already_listed_by_a_member_is_skipped(site, tmp_path, capsys):
    export = tmp_path / "mine.opml"
    export.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Amara again" type="rss" xmlUrl="https://amara.example/feed.xml"/>'
        '<outline text="Someone new" type="rss" xmlUrl="https://new.example/feed.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert import_opml(export, site.settings()) == 0
    out = capsys.readouterr().out
    assert "Created 1 member files, skipped 1" in out
    assert "amara-okafor.yaml" in out
    assert (site.network / "someone-new.yaml").is_file()


def skipped_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip().startswith("skipped:")]


def test_outlines_that_are_not_imported_are_reported_with_their_lines(site, capsys):
    import_opml(SAMPLES / "freshrss.opml.xml", site.settings())
    out = capsys.readouterr().out
    assert skipped_lines(out) == [
        "skipped: line 14: Broken subscription: no feed URL (xmlUrl)",
        "skipped: line 15: Sneaky: 'javascript:alert(1)' is not an http(s) URL",
    ]
    assert "skipped 2 (each with its reason below), 0 failed" in out


def test_an_outline_without_xml_url_and_a_feed_listed_twice_are_reported(site, tmp_path, capsys):
    export = tmp_path / "mine.opml"
    export.write_text(
        '<?xml version="1.0"?>\n<opml version="2.0"><head/><body>\n'
        '<outline text="Just a bookmark" htmlUrl="https://bookmark.example/"/>\n'
        '<outline text="Empty folder"></outline>\n'
        '<outline text="Work">\n'
        '<outline text="Zoe" type="rss" xmlUrl="https://zoe.example/feed.xml"/>\n'
        "</outline>\n"
        '<outline text="Zoe again" type="rss" xmlUrl="http://www.zoe.example/feed.xml/"/>\n'
        "</body></opml>\n",
        encoding="utf-8",
    )
    assert import_opml(export, site.settings()) == 0
    out = capsys.readouterr().out
    assert skipped_lines(out) == [
        "skipped: line 3: Just a bookmark: no feed URL (xmlUrl)",
        "skipped: line 4: Empty folder: no feed URL (xmlUrl)",
        "skipped: line 8: Zoe again: the same feed as line 6, written differently; one member, "
        "with the folders of both as topics",
    ]
    (zoe,) = [m for m in members_from_settings(site.settings()) if m.url.startswith("https://zoe")]
    assert [feed.url for feed in zoe.feeds] == ["https://zoe.example/feed.xml"]


def test_people_on_one_host_stay_apart_and_one_persons_feeds_stay_together(site, tmp_path, capsys):
    export = tmp_path / "people.opml"
    outlines = [
        # Two people's sites on one server, side by side.
        ("Bo", "https://people.example/bo/feed.xml", "https://people.example/bo/"),
        ("Cy", "https://people.example/cy/feed.xml", "https://people.example/cy/"),
        # Cy's second feed names no site, but lies under Cy's.
        ("Cy's links", "https://people.example/cy/links/rss", None),
        # A university's ~user pages, without htmlUrl.
        ("Dee", "https://uni.example/~dee/feed.xml", None),
        ("Eve", "https://uni.example/~eve/feed.xml", None),
        # Mastodon accounts and Medium authors on one host each.
        ("Fay", "https://social.example/@fay.rss", None),
        ("Gus", "https://social.example/@gus.rss", "https://social.example/@gus"),
        ("Hal", "https://medium.com/feed/@hal", None),
        ("Ivy", "https://medium.com/feed/@ivy", "https://medium.com/@ivy"),
        # GitHub Pages: each project site of one host under its own path.
        ("Jo", "https://pages.github.io/jo/feed.xml", "https://pages.github.io/jo/"),
        ("Kai", "https://pages.github.io/kai/feed.xml", "https://pages.github.io/kai/"),
    ]
    lines = []
    for title, url, html in outlines:
        html_attribute = f' htmlUrl="{html}"' if html else ""
        lines.append(f'<outline text="{title}" type="rss" xmlUrl="{url}"{html_attribute}/>')
    export.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        + "\n".join(lines)
        + "</body></opml>",
        encoding="utf-8",
    )
    before = site.member_files()
    assert import_opml(export, site.settings()) == 0
    created = created_files(site, before)
    groups = {
        frozenset(feed["url"] for feed in yaml.safe_load(p.read_text())["feeds"]) for p in created
    }
    assert groups == {
        frozenset({"https://people.example/bo/feed.xml"}),
        frozenset({"https://people.example/cy/feed.xml", "https://people.example/cy/links/rss"}),
        *(frozenset({url}) for _, url, _ in outlines[3:]),
    }
    homes = {yaml.safe_load(p.read_text())["url"] for p in created}
    assert {"https://uni.example/~dee/", "https://social.example/@fay"} <= homes
    assert check_members(site.settings()) == 0


def test_topics_take_the_networks_spelling_and_names_lose_the_sites_name(site, tmp_path):
    export = tmp_path / "named.opml"
    export.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="Open Education"><outline text="Jeremy Keith — Adactio" type="rss" '
        'xmlUrl="https://adactio.example/journal/rss" htmlUrl="https://adactio.example/"/>'
        "</outline>"
        '<outline text="Design"><outline text="Uncategorised" type="rss" '
        'xmlUrl="https://zed.example/category/uncategorised/feed/"/></outline>'
        '<outline text="AI"><outline text="Ada | Blog" type="rss" '
        'xmlUrl="https://ada-l.example/feed.xml"/></outline>'
        "</body></opml>",
        encoding="utf-8",
    )
    network_topics = {
        topic.casefold(): topic
        for member in members_from_settings(site.settings())
        for topic in member.topics
    }
    assert "open education" in network_topics  # the fixture's own spelling
    before = site.member_files()
    import_opml(export, site.settings())
    files = {
        path.stem: (yaml.safe_load(path.read_text()), path.read_text())
        for path in created_files(site, before)
    }
    assert sorted(data["name"] for data, _ in files.values()) == [
        "Ada",
        "Jeremy Keith",
        "zed.example",
    ]
    by_name = {data["name"]: (data, text) for data, text in files.values()}
    assert by_name["Jeremy Keith"][0]["topics"] == [network_topics["open education"]]
    assert by_name["zed.example"][0]["topics"] == ["design"]
    assert by_name["Ada"][0]["topics"] == ["AI"]
    # Every name says where it came from, in a comment right above it.
    for _, text in by_name.values():
        lines = text.splitlines()
        name_line = next(n for n, line in enumerate(lines) if line.startswith("name:"))
        assert lines[name_line - 1].startswith("# check: ")
    assert "'Jeremy Keith — Adactio'" in by_name["Jeremy Keith"][1]


def test_a_file_that_is_not_opml_is_refused(site, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Not a list</p></body></html>", encoding="utf-8")
    before = site.member_files()
    assert import_opml(page, site.settings()) == 2
    assert "not OPML" in capsys.readouterr().err
    assert import_opml(tmp_path / "missing.opml", site.settings()) == 2
    assert site.member_files() == before


def test_an_opml_with_entities_and_a_doctype_is_read_as_data(site, tmp_path, capsys):
    # listparser reads with an HTML parser: no external entities, no entity expansion bombs.
    export = tmp_path / "evil.opml"
    export.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<opml version="2.0"><body><outline text="&x;&b;" type="rss" '
        'xmlUrl="https://evil.example/feed.xml"/></body></opml>',
        encoding="utf-8",
    )
    assert import_opml(export, site.settings()) == 0
    [path] = [p for p in site.network.glob("*.yaml") if "evil" in p.read_text()]
    assert "root:" not in path.read_text(encoding="utf-8")


def test_grouping_rules():
    assert site_key("https://www.Ada.example/blog/") == "ada.example"
    assert site_key("https://social.example/@ada.rss") == "social.example/@ada"
    assert site_key("https://medium.com/feed/@ada") == "medium.com/@ada"
    assert site_key("https://github.com/ada.atom") != site_key("https://github.com/bob.atom")
    feeds, _ = read_opml(SAMPLES / "netnewswire.opml")
    assert [len(group) for group in group_by_site(feeds)] == [1, 1, 1, 1]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Jeremy Keith — Adactio", "Jeremy Keith"),
        ("Ada Lovelace | Blog", "Ada Lovelace"),
        ("Blog | Ada Lovelace", "Ada Lovelace"),
        ("Hana Kim: notes", "Hana Kim"),
        ("Ada - Blog - Home", "Ada"),
        ("Linus on Medium", "Linus"),
        ("Don’t Panic – Zoë", "Don’t Panic – Zoë"),  # a dash inside a name stays
        ("Uncategorised", ""),  # a category's feed names no one
    ],
)
def test_a_name_from_a_feed_title_leaves_out_the_sites_name(title, name):
    assert name_from_title(title) == name


def test_the_invoke_task_imports_and_invoke_check_accepts_the_files(site):
    settings_file = str(site.write_settings())
    result = invoke("import-opml", str(SAMPLES / "inoreader.xml"), "-s", settings_file)
    assert result.returncode == 0, result.stderr
    assert (
        "Created 2 member files, skipped 1 (each with its reason below), 0 failed." in result.stdout
    )
    assert "skipped: line 12: Noor Haddad: the same feed as line 8" in result.stdout
    check = invoke("check", "-s", settings_file)
    assert check.returncode == 0, check.stderr
    drafts = check.stdout.split("Drafts to finish (not published, not fetched):")[1]
    assert "noor-haddad.yaml" in drafts and "kenji-sato.yaml" in drafts
