"""Issue item 10: hostile member files. The real commands (`invoke check`, `invoke build`,
`invoke fetch`) stop with one report that names every bad file, its line and field, without a
traceback, reading no local file and running no code; template syntax that is valid data is
shown literally on every built page, never evaluated.

Already proven one by one at the loader level in tests/network/test_validation.py: YAML syntax
errors, wrong types, unknown and duplicate keys, duplicate ids and feeds, alias bombs, object
tags, non-UTF-8 bytes, a 50 MB file, non-http URLs, avatars that climb out or link out, template
syntax kept as text. Here they all arrive at once, through the commands a user runs, and the
template syntax is followed into the built HTML, JSON and OPML.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.effort import cpu_seconds
from tests.support.hostile_sites import member_file
from tests.support.project import (
    FIXTURE_SITE,
    build_site,
    run_invoke,
    site_paths,
    write_site_settings,
)

VALID = (
    "name: Ada Example\nurl: https://ada.example/\nwhy: Writes well.\nsince: 2021-05\ntopics: [x]\n"
)


def hostile_files(marker: Path, secret: Path) -> dict[str, bytes]:
    """File name -> bytes; each one is wrong in its own way."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        bomb += f"{level}: &{level} [{','.join(['*' + chr(ord(level) - 1)] * 9)}]\n"
    files = {
        "syntax.yaml": VALID + "org: [unclosed\nlocality: Kyiv\n",
        "types.yaml": VALID.replace("topics: [x]", "topics: 42") + "languages: {a: 1}\n",
        "unknown.yaml": VALID + "favourite_colour: blue\nemail: ada@example.org\n",
        "dupkey.yaml": VALID + "name: Ada Again\n",
        "bomb.yaml": bomb,
        "pytag.yaml": f'name: !!python/object/apply:os.system ["touch {marker}"]\n',
        "pyname.yaml": "name: !!python/name:os.system\n",
        "jsurl.yaml": VALID.replace("https://ada.example/", "javascript:alert(1)")
        + "profiles:\n  - platform: Web\n    url: 'JaVaScRiPt:alert(1)'\n"
        + "feeds:\n  - url: 'data:text/xml,<rss/>'\n    html_url: 'vbscript:x'\n"
        + "met:\n  - kind: conference\n    name: X\n    url: 'file:///etc/passwd'\n",
        "climb.yaml": VALID + "avatar: ../../etc/passwd\n",
        "absolute.yaml": VALID + f"avatar: {secret}\n",
        "linked.yaml": VALID + "avatar: linked.png\n",
        "list.yaml": "- just\n- a list\n",
        "empty.yaml": "",
        "nulls.yaml": "~\n",
        "dupfeed.yaml": VALID.replace("ada.example", "other.example")
        + "feeds:\n  - url: https://amara.example/feed.xml\n",
        "Bad Name.yaml": VALID,
    }
    data = {name: text.encode() for name, text in files.items()}
    data["latin1.yaml"] = VALID.encode() + "locality: K\xf6ln\n".encode("latin-1")
    return data


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    network = content / "network"
    marker, secret = tmp_path / "code-ran", tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not yours")
    os.symlink(secret, content / "images" / "avatars" / "linked.png")
    for name, data in hostile_files(marker, secret).items():
        (network / name).write_bytes(data)
    with (network / "huge.yaml").open("wb") as handle:  # 50 MB
        handle.write(VALID.encode())
        handle.truncate(50 * 1024 * 1024)
    (network / "folder.yaml").mkdir()  # a folder where a file should be
    (network / "amara-okafor.yml").write_text(VALID)  # the id amara-okafor twice
    write_site_settings(
        tmp_path / "sitesettings.py",
        **site_paths(tmp_path, content),
    )
    return tmp_path


def invoke(site: Path, *args: str) -> subprocess.CompletedProcess:
    return run_invoke(*args, "-s", str(site / "sitesettings.py"), cwd=site, timeout=120)


EXPECTED_NAMES = [
    "syntax.yaml", "types.yaml", "unknown.yaml", "dupkey.yaml", "bomb.yaml", "pytag.yaml",
    "pyname.yaml", "jsurl.yaml", "climb.yaml", "absolute.yaml", "linked.yaml", "list.yaml",
    "dupfeed.yaml", "Bad Name.yaml", "latin1.yaml", "huge.yaml", "amara-okafor.yml",
]  # fmt: skip


@pytest.mark.parametrize("command", ["check", "build", "fetch"])
def test_every_bad_file_is_named_by_the_real_command(hostile_site, command):
    with cpu_seconds() as effort:  # the bomb.yaml is refused without expanding it
        result = invoke(hostile_site, command)
    output = result.stdout + result.stderr
    assert result.returncode in (1, 2), output
    assert "Traceback" not in output
    missing = [name for name in EXPECTED_NAMES if name not in output]
    assert missing == [], f"{command} did not name {missing}:\n{output}"
    assert not (hostile_site / "code-ran").exists()
    assert "not yours" not in output
    assert not (hostile_site / "output" / "network").exists(), "nothing is built from bad files"
    assert effort.seconds < 60, f"{command} took {effort.seconds:.1f} s of CPU"


def test_each_problem_names_a_line_and_field(hostile_site):
    output = invoke(hostile_site, "check").stderr + invoke(hostile_site, "check").stdout
    lines = [line for line in output.splitlines() if "jsurl.yaml:" in line]
    fields = " ".join(lines)
    for field in ("url", "profiles[0].url", "feeds[0].url", "feeds[0].html_url", "met[0].url"):
        assert f" {field}:" in fields, f"{field} missing in {lines}"
    assert all(line.split("jsurl.yaml:", 1)[1].split(":", 1)[0].isdigit() for line in lines)


def test_a_control_character_is_a_problem_not_a_traceback(hostile_site):
    network = hostile_site / "content" / "network"
    for path in network.iterdir():
        if path.is_file() and path.name not in ("amara-okafor.yaml",):
            path.unlink()
    (network / "nul.yaml").write_bytes(VALID.encode() + b"org: a\x00b\n")
    result = invoke(hostile_site, "check")
    output = result.stdout + result.stderr
    assert result.returncode in (1, 2) and "Traceback" not in output
    assert "nul.yaml:6:" in output


# --- template syntax shown literally -------------------------------------------------------

TEMPLATE_TEXT = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {{ SITEURL }} ${HOME} #{7*7}"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data):
        self.chunks.append(data)

    def handle_starttag(self, tag, attrs):
        self.chunks += [value or "" for _, value in attrs]


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.chunks)


def test_template_syntax_is_shown_literally_on_every_page(tmp_path):
    content = tmp_path / "content"
    (content / "network").mkdir(parents=True)
    (content / "posts").mkdir()
    (content / "posts" / "p.md").write_text("Title: P\nDate: 2024-01-01\n\nP\n")
    (content / "network" / "tmpl.yaml").write_text(
        member_file(
            "Tem {{ 7*7 }} Plate",
            [("https://tmpl.example/feed.xml", "Feed {% raw %}{{ 7*7 }}{% endraw %}")],
            why=TEMPLATE_TEXT,
            topics=["{{ 7*7 }}", "{% if 1 %}t{% endif %}"],
            org="{{ config }}",
            locality="{{ self.__init__.__globals__ }}",
        ),
        encoding="utf-8",
    )
    build_site(content, tmp_path / "output")
    output = tmp_path / "output"
    member = page_text(output / "network" / "tmpl" / "index.html")
    assert "Tem {{ 7*7 }} Plate" in member
    assert TEMPLATE_TEXT in member
    assert "{{ config }}" in member and "{{ self.__init__.__globals__ }}" in member
    assert "Feed {% raw %}{{ 7*7 }}{% endraw %}" in member
    directory = page_text(output / "network" / "index.html")
    assert "Tem {{ 7*7 }} Plate" in directory and "{{ 7*7 }}" in directory
    for page in output.rglob("*.html"):
        text = page_text(page)
        for evaluated in ("Tem 49 Plate", "Feed 49", " xxx ", "<Config", "__builtins__"):
            assert evaluated not in text, f"{page} evaluated template syntax: {evaluated!r}"
    members = json.loads((output / "network" / "members.json").read_text(encoding="utf-8"))
    assert "Tem {{ 7*7 }} Plate" in json.dumps(members, ensure_ascii=False)
    opml = ElementTree.parse(output / "network" / "blogroll.opml")
    texts = [value for el in opml.iter() for value in el.attrib.values()]
    assert "Feed {% raw %}{{ 7*7 }}{% endraw %}" in texts
    assert any("{{ 7*7 }}" in value for value in texts if value.startswith("{{"))
