"""Issue 13: YAML escapes in member files. A double-quoted YAML string can write any character
("\\0", "\\e", "\\x07", "\\x0c"): the rule on what a member file may hold applies to the decoded
values, so `invoke check` and `invoke build` name each such value by file, line and field; a bidi
override in a name is refused; and nothing a file holds reaches the terminal as a control
sequence: an unknown key with ESC in it is shown as a visible escape.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.project import FIXTURE_SITE, run_invoke, site_paths, write_site_settings

VALID = (
    "name: Ada Example\nurl: https://ada.example/\nwhy: Writes well.\nsince: 2021-05\ntopics: [x]\n"
)

# File name -> (text, the "file:line: field:" each problem starts with).
FILES = {
    "nul.yaml": (VALID + 'org: "a\\0b"\n', ["nul.yaml:6: org:"]),
    "esc.yaml": (
        VALID.replace("why: Writes well.", 'why: "Writes \\e[31mred\\e[0m"'),
        ["esc.yaml:3: why:"],
    ),
    "bell.yaml": (VALID.replace("topics: [x]", 'topics: [x, "bell\\x07"]'), ["bell.yaml:5: topics[1]:"]),
    "formfeed.yaml": (VALID.replace("name: Ada Example", 'name: "Ada\\x0cExample"'), ["formfeed.yaml:1: name:"]),
    "feedurl.yaml": (
        VALID + 'feeds:\n  - url: "https://ada.example/feed\\x01.xml"\n',
        ["feedurl.yaml:7: feeds[0].url:"],
    ),
    "nonchar.yaml": (VALID + 'locality: "K\\uFFFEln"\n', ["nonchar.yaml:6: locality:"]),
    "bidi.yaml": (
        VALID.replace("name: Ada Example", 'name: "Invoice \\u202Efdp.exe"'),
        ["bidi.yaml:1: name:"],
    ),
    "bidi-topic.yaml": (
        VALID.replace("topics: [x]", 'topics: ["x \\u202E y"]'),
        ["bidi-topic.yaml:5: topics[0]:"],
    ),
    "unknown.yaml": (VALID + '"colour\\e[2J\\e]0;owned\\a": blue\n', ["unknown.yaml:6: colour"]),
}  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    for name, (text, _) in FILES.items():
        (content / "network" / name).write_text(text, encoding="utf-8")
    write_site_settings(tmp_path / "sitesettings.py", **site_paths(tmp_path, content))
    return tmp_path


def invoke(site: Path, *args: str) -> subprocess.CompletedProcess:
    return run_invoke(*args, "-s", str(site / "sitesettings.py"), cwd=site, timeout=120)


@pytest.mark.parametrize("command", ["check", "build"])
def test_every_escape_is_a_problem_with_file_line_and_field(site, command):
    result = invoke(site, command)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = output.splitlines()
    for _text, starts in FILES.values():
        for start in starts:
            assert any(start in line for line in lines), f"no {start!r} in:\n{output}"
    control = [line for line in lines if "control character (U+00" in line]
    assert {line.split(":", 1)[0].rsplit("/", 1)[-1] for line in control} >= {
        "nul.yaml", "esc.yaml", "bell.yaml", "formfeed.yaml", "feedurl.yaml",
    }  # fmt: skip
    assert any("override" in line and "U+202E" in line for line in lines if "bidi.yaml:1:" in line)
    # One mistake, one line: the URL's control character is not reported twice.
    assert sum("feedurl.yaml:" in line for line in lines) == 1, output
    assert f"{len(FILES)} problems in {len(FILES)} member files." in output
    assert not (site / "output" / "network").exists(), "nothing is built from bad files"


@pytest.mark.parametrize("command", ["check", "build"])
def test_nothing_reaches_the_terminal_as_a_control_sequence(site, command):
    result = invoke(site, command)
    output = result.stdout + result.stderr
    for char in ("\x1b", "\x07", "\x00", "\x0c", "\x01", "\u202e", "\x9b"):
        assert char not in output, f"{char!r} reached the terminal:\n{output!r}"
    (unknown,) = [line for line in output.splitlines() if "unknown.yaml:" in line]
    # The key is shown, as an escape a reader can see: "\x1b" (or "␛").
    assert "colour\\x1b[2J" in unknown or "colour\u241b[2J" in unknown, unknown
    assert "unknown field" in unknown


def test_the_same_site_passes_without_the_bad_files(site):
    for name in FILES:
        (site / "content" / "network" / name).unlink()
    # Tabs, newlines and a balanced bidi pair in prose are text, and stay allowed.
    (site / "content" / "network" / "prose.yaml").write_text(
        VALID.replace("name: Ada Example", "name: Prose Example").replace(
            "why: Writes well.", 'why: "Writes\\tclearly;\\nin \\u202bעברית\\u202c too."'
        ),
        encoding="utf-8",
    )
    result = invoke(site, "check")
    assert result.returncode == 0, result.stdout + result.stderr
