"""`invoke add-member URL`: homepages served from 127.0.0.1, with and without h-cards and feeds."""

from __future__ import annotations

import io

import yaml
from PIL import Image

from pln_site.commands.add_member import add_member
from pln_site.commands.check import check_members
from pln_site.devserver import LocalFeedServer, Route
from pln_site.members.loader import members_from_settings
from tests.support.fetching import simple_feed
from tests.support.workflows import (
    html_page,
    image_route,
    invoke,
    jpeg_with_metadata,
)

ADA_HEAD = (
    '<link rel="alternate" type="application/atom+xml" href="/feed.atom" title="Ada\'s posts">'
    '<link rel="alternate" type="application/rss+xml" href="/comments/feed/" title="Comments">'
    '<link rel="me" href="https://social.example/@ada">'
    '<link rel="me" href="https://github.com/ada">'
)
ADA_CARD = """
<div class="h-card">
  <a class="p-name u-url u-uid" href="/">Ada Lovelace</a>
  <img class="u-photo" src="/images/me.jpg" alt="">
  <p class="p-note">Writes about <b>engines</b> and poetry.</p>
  <span class="p-job-title">Analyst</span>
  <span class="p-org h-card"><span class="p-name">Analytical Society</span></span>
  <span class="p-locality">London</span>, <span class="p-country-name">United Kingdom</span>
</div>
"""


def ada_site(web, **extra_routes):
    routes = {
        "/": html_page(ADA_HEAD, ADA_CARD, title="Ada | Home"),
        "/feed.atom": Route.feed(simple_feed(3, site="http://ada.example/")),
        "/images/me.jpg": image_route(jpeg_with_metadata()),
        **extra_routes,
    }
    # Her profiles' hosts answer from 127.0.0.1 too (no feed there): the search for their
    # feeds never leaves the machine.
    web.site("social.example", {})
    web.site("github.com", {})
    return web.site("ada.example", routes)


def run(url, settings, capsys, **options):
    code = add_member(url, settings, **options)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_homepage_with_an_h_card_and_a_feed_becomes_a_valid_member_file(site, web, capsys):
    url = ada_site(web)
    settings = site.settings(web.resolve)
    code, out, err = run(url, settings, capsys)
    assert code == 0, err
    data = read(site.network / "ada-lovelace.yaml")
    assert data["name"] == "Ada Lovelace"
    assert data["url"] == url
    assert data["org"] == "Analytical Society"
    assert data["job_title"] == "Analyst"
    assert data["locality"] == "London"
    assert data["country"] == "GB"
    assert data["why"].startswith("TODO") and data["topics"] == ["TODO"]
    assert [f["url"] for f in data["feeds"]] == ["http://ada.example/feed.atom"]  # no comments feed
    assert {p["url"]: p["platform"] for p in data["profiles"]} == {
        "https://social.example/@ada": "Mastodon",
        "https://github.com/ada": "GitHub",
    }
    assert data["avatar"] == "ada-lovelace.jpg"
    # The report says what it found and what to do next.
    assert "ada-lovelace.yaml" in out and "why" in out and "topics" in out
    # The file passes the member check, and the member loads as written.
    assert check_members(settings) == 0
    member = next(m for m in members_from_settings(settings) if m.id == "ada-lovelace")
    assert member.feeds[0].title == "Notes"


def test_the_avatar_is_small_square_and_keeps_no_metadata(site, web, capsys):
    url = ada_site(web)
    code, _, err = run(url, site.settings(web.resolve), capsys)
    assert code == 0, err
    data = (site.avatars / "ada-lovelace.jpg").read_bytes()
    with Image.open(io.BytesIO(data)) as avatar:
        assert avatar.format == "JPEG"
        assert avatar.size == (256, 256)
        assert not avatar.getexif()
        assert "comment" not in avatar.info and "exif" not in avatar.info
    assert b"SecretCam" not in data and b"PhotoTool" not in data


def test_the_h_card_note_is_offered_as_a_comment_not_published(site, web, capsys):
    url = ada_site(web)
    run(url, site.settings(web.resolve), capsys)
    text = (site.network / "ada-lovelace.yaml").read_text(encoding="utf-8")
    comment_lines = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Writes about engines and poetry." in line for line in comment_lines)
    assert "engines" not in yaml.dump(read(site.network / "ada-lovelace.yaml"))


def test_a_page_without_h_card_or_feed_links_falls_back_to_title_and_usual_paths(site, web, capsys):
    url = web.site(
        "plain.example",
        {
            "/": html_page(body="<p>Just a page.</p>", title="Grace's garden"),
            "/index.xml": Route.feed(simple_feed(2, site="http://plain.example/")),
        },
    )
    settings = site.settings(web.resolve)
    code, out, err = run(url, settings, capsys)
    assert code == 0, err
    data = read(site.network / "grace-s-garden.yaml")
    assert data["name"] == "Grace's garden"
    assert [f["url"] for f in data["feeds"]] == ["http://plain.example/index.xml"]
    assert "avatar" not in data
    assert "no h-card" in out and "page's title" in out
    assert "usual path" in out
    assert check_members(settings) == 0


def test_a_site_with_no_feed_anywhere_is_written_without_feeds_and_says_so(site, web, capsys):
    url = web.site("quiet.example", {"/": html_page(body="<p>Hi</p>", title="Quiet")})
    settings = site.settings(web.resolve)
    code, out, err = run(url, settings, capsys)
    assert code == 0, err
    assert "feeds" not in read(site.network / "quiet.yaml")
    assert "no feed" in out
    assert web.hits("quiet.example", "/feed.xml") == 1  # the usual paths were tried
    assert check_members(settings) == 0


def test_rss_and_atom_of_the_same_posts_give_one_feed(site, web, capsys):
    feed = simple_feed(3, site="http://twin.example/")
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Twin</title>'
        b"<link>http://twin.example/</link>"
        + b"".join(
            f"<item><title>Post {n}</title><link>http://twin.example/post-{n}</link></item>".encode()
            for n in range(3)
        )
        + b"</channel></rss>"
    )
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="alternate" type="application/feed+json" href="/missing.json">'
    )
    url = web.site(
        "twin.example",
        {
            "/": html_page(head, "<p class='h-card'>Twin Peaks</p>"),
            "/rss.xml": Route.feed(rss),
            "/atom.xml": Route.feed(feed),
        },
    )
    code, out, err = run(url, site.settings(web.resolve), capsys)
    assert code == 0, err
    data = read(site.network / "twin-peaks.yaml")
    assert [f["url"] for f in data["feeds"]] == ["http://twin.example/rss.xml"]
    assert "atom.xml" in out and "same posts" in out
    assert "missing.json" in out  # a declared feed that does not work is reported


def test_a_json_feed_is_discovered(site, web, capsys):
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Micro", '
        '"home_page_url": "http://micro.example/", '
        '"items": [{"id": "1", "url": "http://micro.example/1", "content_text": "Hello"}]}'
    )
    url = web.site(
        "micro.example",
        {
            "/": html_page(
                '<link rel="alternate" type="application/feed+json" href="feed.json">',
                '<div class="h-card"><span class="p-name">Mi Cro</span></div>',
            ),
            "/feed.json": Route.feed(body, content_type="application/feed+json"),
        },
    )
    code, _, err = run(url, site.settings(web.resolve), capsys)
    assert code == 0, err
    assert read(site.network / "mi-cro.yaml")["feeds"][0]["url"] == "http://micro.example/feed.json"


def test_it_never_overwrites_and_knows_who_is_in_already(site, web, capsys):
    url = ada_site(web)
    settings = site.settings(web.resolve)
    assert run(url, settings, capsys)[0] == 0
    path = site.network / "ada-lovelace.yaml"
    before = path.read_bytes()
    code, _, err = run(url, settings, capsys)
    assert code == 1
    assert "already" in err and "ada-lovelace.yaml" in err
    assert path.read_bytes() == before
    # Asking for an id that is taken writes nothing either.
    code, _, err = run("http://other.example/", settings, capsys, member_id="ada-lovelace")
    assert code == 1 and "exists already" in err
    assert path.read_bytes() == before


def test_the_same_name_on_another_site_gets_a_new_id(site, web, capsys):
    card = '<div class="h-card"><span class="p-name">Amara Okafor</span></div>'
    url = web.site("other-amara.example", {"/": html_page(body=card)})
    settings = site.settings(web.resolve)
    code, out, err = run(url, settings, capsys)
    assert code == 0, err
    assert read(site.network / "amara-okafor-2.yaml")["name"] == "Amara Okafor"
    assert (site.network / "amara-okafor.yaml").read_text().startswith("# Every field")
    assert check_members(settings) == 0


def test_hostile_h_card_text_is_written_as_plain_strings(site, web, capsys):
    name = 'Eve: "#1" &amp; <b>bold</b> - [x] {y}'
    card = (
        f'<div class="h-card"><span class="p-name">{name}</span>'
        '<span class="p-org">*anchor</span><span class="p-locality">!!python/object</span>'
        '<img class="u-photo" src="javascript:alert(1)"></div>'
    )
    url = web.site("eve.example", {"/": html_page(body=card)})
    settings = site.settings(web.resolve)
    code, _, err = run(url, settings, capsys)
    assert code == 0, err
    [path] = [p for p in site.network.glob("eve*.yaml")]
    data = read(path)
    assert data["name"] == 'Eve: "#1" & bold - [x] {y}'
    assert data["org"] == "*anchor" and data["locality"] == "!!python/object"
    assert "avatar" not in data
    assert check_members(settings) == 0


def test_a_photo_that_is_not_an_image_is_reported_and_skipped(site, web, capsys):
    card = '<div class="h-card"><span class="p-name">Svg Person</span><img class="u-photo" src="/me.svg"></div>'
    url = web.site(
        "svg.example",
        {
            "/": html_page(body=card),
            "/me.svg": Route(
                body=b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
            ),
        },
    )
    settings = site.settings(web.resolve)
    code, out, err = run(url, settings, capsys)
    assert code == 0, err
    assert "avatar" not in read(site.network / "svg-person.yaml")
    assert "me.svg" in out and "PNG, JPEG, GIF or WebP" in out
    assert not list(site.avatars.glob("svg-person.*"))


def test_a_homepage_that_cannot_be_fetched_writes_nothing(site, web, capsys):
    url = web.site("gone.example", {"/": Route(status=404, body=b"no", content_type="text/plain")})
    before = site.member_files()
    code, _, err = run(url, site.settings(web.resolve), capsys)
    assert code == 1
    assert "404" in err
    assert site.member_files() == before


def test_private_addresses_are_refused_unless_allowed(site, web, capsys):
    url = ada_site(web)
    settings = site.settings(web.resolve, PLANET_ALLOW_PRIVATE_ADDRESSES=False)
    code, _, err = run(url, settings, capsys)
    assert code == 1
    assert "refused" in err
    assert web.hits("ada.example", "/") == 0


def test_not_a_url_is_refused(site, capsys):
    code, _, err = run("file:///etc/passwd", site.settings(), capsys)
    assert code == 2 and "http" in err


def test_the_invoke_task_writes_a_file_that_invoke_check_accepts(site, web):
    url = ada_site(web)
    settings_file = str(site.write_settings(web.resolve))
    result = invoke("add-member", url, "-s", settings_file)
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and "ada-lovelace.yaml" in result.stdout
    check = invoke("check", "-s", settings_file)
    assert check.returncode == 0, check.stderr
    again = invoke("add-member", url, "-s", settings_file)
    assert again.returncode == 1 and "already" in again.stderr


def test_allow_private_lets_add_member_read_a_local_test_page_and_is_off_by_default(site, web):
    # A page served straight from 127.0.0.1, with no made-up host name to resolve: a private
    # address, refused unless asked for.
    server = web.servers["local"] = LocalFeedServer(
        routes={
            "/": html_page(body='<p class="h-card"><a class="p-name u-url" href="/">Lo Cal</a>')
        }
    ).start()
    settings = str(site.write_settings(PLANET_ALLOW_PRIVATE_ADDRESSES=False))
    before = site.member_files()
    refused = invoke("add-member", server.url("/"), "-s", settings)
    assert refused.returncode == 1
    assert "--allow-private" in refused.stderr and site.member_files() == before
    allowed = invoke("add-member", server.url("/"), "--allow-private", "-s", settings)
    assert allowed.returncode == 0, allowed.stderr
    (name,) = site.member_files() - before
    data = read(site.network / name)
    assert (data["name"], data["status"]) == ("Lo Cal", "draft")
    assert "--allow-private" in invoke("--help", "add-member").stdout


def test_an_id_written_as_a_name_gets_the_id_it_makes(site):
    settings = str(site.write_settings())
    result = invoke("add-member", "https://ada.example/", "--id", "Ada Lovelace", "-s", settings)
    assert result.returncode == 2
    assert "'Ada Lovelace' is not a valid member id" in result.stderr
    assert "did you mean 'ada-lovelace'?" in result.stderr
