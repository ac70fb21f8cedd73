"""The roster: the members of a build, loaded and checked once, shared by every plugin.

Real Pelican builds of a copy of the fixture site, with one plugin or several.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pln_site.members.problems import MemberFilesInvalid
from pln_site.settings import NETWORK, READING
from pln_site.site import roster as roster_module
from tests.support.project import FIXTURE_SITE, build_site

MENTIONS = "pln_site.site.mentions"
BROKEN = "name: Zoe\nurl: not a url\nwhy: x\nsince: 2020\ntopics: [a]\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", folder)
    return folder


def build(content: Path, output: Path, plugins: list[str], **overrides) -> dict:
    return build_site(
        content,
        output,
        PLUGINS=plugins,
        PLANET_STORE_PATH=str(output.parent / "none.sqlite3"),
        **overrides,
    )


@pytest.mark.parametrize(
    "plugins", [[NETWORK], [READING], [NETWORK, READING]], ids=["network", "reading", "both"]
)
def test_a_broken_member_file_stops_the_build_before_anything_is_written(
    content: Path, tmp_path: Path, plugins: list[str]
) -> None:
    (content / "network" / "zoe-broken.yaml").write_text(BROKEN, encoding="utf-8")
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("the last good build", encoding="utf-8")
    with pytest.raises(MemberFilesInvalid) as error:
        build(content, output, plugins, DELETE_OUTPUT_DIRECTORY=True)
    assert "zoe-broken.yaml:2: url:" in str(error.value)
    assert sorted(p.name for p in output.iterdir()) == ["keep.html"]


def test_the_member_files_are_read_once_per_build(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (content / "posts" / "draws-on.md").write_text(
        "Title: Draws on\nDate: 2024-05-01\nMentions: amara-okafor\n\nText.\n", encoding="utf-8"
    )
    loads = []
    real = roster_module.members_from_settings

    def counting(settings: dict):
        loads.append(settings["PATH"])
        return real(settings)

    monkeypatch.setattr(roster_module, "members_from_settings", counting)
    output = tmp_path / "output"
    build(content, output, [NETWORK, READING, MENTIONS])
    assert loads == [str(content)]
    # Every plugin worked from it: the directory, the river's note, the mention.
    member = BeautifulSoup(
        (output / "network/amara-okafor/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert [a.get_text() for a in member.select(".network-mentions a")] == ["Draws on"]
    assert (output / "reading/index.html").is_file()
