"""`invoke suggest`: the members' blogrolls read from a small web on 127.0.0.1, the people they
recommend ranked with their reasons, a second run asked conditionally, a broken blogroll
reported, and nothing published."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from pln_site.commands.suggest import run_suggest
from pln_site.store import Store
from tests.support.blogroll_web import blogroll_web, network_files
from tests.support.workflows import Site, Web, invoke


def _ready(site: Site, web: Web) -> dict:
    network_files(site.network)
    blogroll_web(web)
    return site.settings(web.resolve, SITEURL="https://owner.example")


def _suggest(settings: dict) -> tuple[int, dict]:
    out = io.StringIO()
    code = run_suggest(settings, as_json=True, out=out, err=io.StringIO())
    return code, json.loads(out.getvalue())


def test_twice_recommended_who_fills_a_gap_beats_thrice_recommended_who_does_not(
    site: Site, web: Web
) -> None:
    code, report = _suggest(_ready(site, web))
    assert code == 0
    ranked = [(s["name"], s["url"], s["score"]) for s in report["suggestions"]]
    # Rui: 2 x 3 + 4 (Portuguese, no member writes it) + 2 (wrote this month) = 12;
    # Bea: 3 x 3 + 2 = 11; Tomas: 3 (no feed).
    assert ranked == [
        ("Rui Costa", "http://rui.example/", 12),
        ("Bea Marsh", "http://bea.example/", 11),
        ("Tomas", "http://tomas.example/", 3),
    ]
    rui, bea = report["suggestions"][:2]
    assert rui["reasons"] == [
        "recommended by Amara and Kenji",
        "writes in Portuguese, which no member does",
        "posts weekly, latest post 3 days ago",
    ]
    assert bea["recommended_by"] == ["Amara", "Kenji", "Lucia"]
    assert rui["add"] == "invoke add-member http://rui.example/"


def test_members_the_owner_and_archived_or_draft_members_are_never_suggested(
    site: Site, web: Web
) -> None:
    _code, report = _suggest(_ready(site, web))
    hosts = {s["url"].split("/")[2] for s in report["suggestions"]}
    assert not hosts & {"kenji.example", "eli.example", "nadia.example", "owner.example"}


def test_a_broken_blogroll_is_reported_and_the_others_still_count(site: Site, web: Web) -> None:
    code, report = _suggest(_ready(site, web))
    assert code == 0
    assert report["unreadable"] == [
        {
            "member": "omar",
            "url": "http://omar.example/broken.opml",
            "error": "HTTP 500 Internal Server Error",
        }
    ]  # and no well-known file that is not there (404) is reported
    assert report["suggestions"]


def test_the_second_run_asks_conditionally_and_keeps_what_it_read(site: Site, web: Web) -> None:
    settings = _ready(site, web)
    _suggest(settings)
    amara = web.servers["amara.example"]
    asked_before = len(amara.requests)
    _code, again = _suggest(settings)
    second = amara.requests[asked_before:]
    opml_asks = [r for r in second if r.path == "/blogroll.opml"]
    assert len(opml_asks) == 1 and "If-None-Match" in opml_asks[0].headers
    with Store(site.store) as store:
        states = store.blogrolls()
    assert states["http://amara.example/blogroll.opml"].status == 304
    assert states["http://amara.example/"].status == 304
    # Unchanged blogrolls, read from the store: the same ranking.
    assert [s["name"] for s in again["suggestions"]] == ["Rui Costa", "Bea Marsh", "Tomas"]


def test_invoke_suggest_prints_the_table_and_the_add_member_lines(site: Site, web: Web) -> None:
    network_files(site.network)
    blogroll_web(web)
    settings_file = site.write_settings(web.resolve, SITEURL="https://owner.example")
    done = invoke("suggest", "-s", str(settings_file), cwd=site.root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    rows = [line.split("\t") for line in lines if line[:1].isdigit()]
    assert [row[1] for row in rows] == ["Rui Costa", "Bea Marsh", "Tomas"]
    assert "  invoke add-member http://rui.example/" in lines
    assert any("omar: http://omar.example/broken.opml: HTTP 500" in line for line in lines)
    assert not (site.root / "output").exists()  # nothing about candidates is published

    as_json = invoke("suggest", "-s", str(settings_file), "--json", cwd=site.root)
    assert as_json.returncode == 0, as_json.stderr
    parsed = json.loads(as_json.stdout)
    assert [s["rank"] for s in parsed["suggestions"]] == [1, 2, 3]

    command = [sys.executable, "-m", "pln_site.commands.cli", "suggest", "-s", str(settings_file)]
    by_cli = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=120)
    assert by_cli.returncode == 0, by_cli.stderr
    assert json.loads(by_cli.stdout)["suggestions"] == parsed["suggestions"]


def test_only_the_most_recommended_are_looked_up_under_the_cap(site: Site, web: Web) -> None:
    network_files(site.network)
    blogroll_web(web)
    settings = site.settings(
        web.resolve, SITEURL="https://owner.example", NETWORK_SUGGEST_LOOKUPS=1
    )
    _code, report = _suggest(settings)
    looked = {s["name"]: s["looked_up"] for s in report["suggestions"]}
    assert looked == {"Bea Marsh": True, "Rui Costa": False, "Tomas": False}
    assert web.hits("rui.example", "/") == 0 and web.hits("rui.example", "/feed.xml") == 0
    rui = next(s for s in report["suggestions"] if s["name"] == "Rui Costa")
    assert rui["reasons"][-1] == "not looked up (over the cap of this run)"
