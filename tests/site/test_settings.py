"""Every plugin's settings: one table of defaults, filled in one way whether Pelican runs the
plugins (the `initialized` handlers) or a command reads the settings file, and one check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from pln_site.commands.settings import load_settings
from pln_site.settings import (
    BUILDCACHE,
    DEFAULTS,
    NETWORK,
    READING,
    SEARCH,
    SettingsInvalid,
    validate,
    with_defaults,
)
from tests.support.project import FIXTURE_SITE, PROJECT, build_site, write_site_settings
from tests.support.workflows import Site, invoke

ALL = [NETWORK, READING, "pln_site.site.mentions", SEARCH, BUILDCACHE]


def raw_settings(tmp_path: Path, **overrides) -> dict:
    """The project's settings as Pelican reads them, before any plugin fills anything in."""
    return read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(FIXTURE_SITE / "content"),
            "OUTPUT_PATH": str(tmp_path / "output"),
            **overrides,
        },
    )


def ours(settings: dict) -> dict:
    """The plugins' settings among `settings`."""
    return {name: settings[name] for name in DEFAULTS if name in settings}


def after_initialized(settings: dict) -> dict:
    """The settings once Pelican has loaded the plugins and sent `initialized`."""
    return Pelican(dict(settings)).settings


@pytest.mark.parametrize(
    "plugins",
    [ALL, [NETWORK], [READING], [SEARCH], [BUILDCACHE], []],
    ids=["all", "network", "reading", "search", "buildcache", "none"],
)
def test_with_defaults_gives_what_the_initialized_handlers_give(tmp_path, plugins) -> None:
    raw = raw_settings(tmp_path, PLUGINS=plugins)
    assert ours(with_defaults(raw, plugins)) == ours(after_initialized(raw))


def test_with_every_plugin_the_engine_and_the_commands_get_what_pelican_gets(tmp_path) -> None:
    raw = raw_settings(tmp_path, PLUGINS=ALL)
    expected = ours(after_initialized(raw))
    assert sorted(expected) == sorted(DEFAULTS)  # every setting is someone's
    assert ours(with_defaults(raw)) == expected
    settings_file = write_site_settings(
        tmp_path / "site.py", PATH=str(FIXTURE_SITE / "content"), PLUGINS=ALL
    )
    loaded = ours(load_settings(settings_file))
    # The one difference: commands take the store's path from the settings file's folder.
    assert loaded.pop("PLANET_STORE_PATH") == str(tmp_path / DEFAULTS["PLANET_STORE_PATH"])
    assert loaded == {k: v for k, v in expected.items() if k != "PLANET_STORE_PATH"}


def test_a_plugin_that_is_off_fills_in_none_of_its_settings(tmp_path) -> None:
    settings = after_initialized(raw_settings(tmp_path, PLUGINS=[READING]))
    assert settings["PLANET_INDEX_URL"] == "reading/"
    assert "NETWORK_INDEX_URL" not in settings
    assert "SEARCH_URL" not in settings


def test_a_site_keeps_what_it_sets_and_gets_its_own_copy_of_a_default(tmp_path) -> None:
    raw = raw_settings(tmp_path, PLUGINS=ALL, NETWORK_INDEX_URL="people/", PLANET_PER_PAGE=7)
    settings = after_initialized(raw)
    assert (settings["NETWORK_INDEX_URL"], settings["PLANET_PER_PAGE"]) == ("people/", 7)
    settings["PLANET_RESOLVE"]["a.example"] = "127.0.0.1:1"
    assert DEFAULTS["PLANET_RESOLVE"] == {}
    assert with_defaults(raw)["PLANET_RESOLVE"] == {}


def test_search_off_empties_the_search_urls_either_way(tmp_path) -> None:
    raw = raw_settings(tmp_path, PLUGINS=ALL, SEARCH_ENABLED=False)
    for settings in (after_initialized(raw), with_defaults(raw)):
        assert (settings["SEARCH_URL"], settings["SEARCH_SAVE_AS"]) == ("", "")


@pytest.mark.parametrize(
    "setting, value, message",
    [
        (
            "NETWORK_MEMBER_URL",
            "people/{slug}/",
            "NETWORK_MEMBER_URL = 'people/{slug}/' can only name {id} (hint: 'network/{id}/')",
        ),
        (
            "PLANET_TOPIC_SAVE_AS",
            "reading/{topic}.html",
            "PLANET_TOPIC_SAVE_AS = 'reading/{topic}.html' can only name {slug} "
            "(hint: 'reading/topics/{slug}/index.html')",
        ),
        ("PLANET_PER_PAGE", 0, "PLANET_PER_PAGE must be a whole number, 1 or more, not 0"),
        ("PLANET_HOT_DAYS", 0, "PLANET_HOT_DAYS must be a whole number, 1 or more, not 0"),
        (
            "NETWORK_QUIET_DAYS",
            "180",
            "NETWORK_QUIET_DAYS must be a whole number, 0 or more, not '180'",
        ),
    ],
)
def test_a_setting_a_build_cannot_use_stops_it_before_anything_is_written(
    tmp_path, setting, value, message
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("the last good build", encoding="utf-8")
    with pytest.raises(SettingsInvalid) as error:
        build_site(
            FIXTURE_SITE / "content", output, DELETE_OUTPUT_DIRECTORY=True, **{setting: value}
        )
    assert str(error.value) == f"The site's settings have problems:\n{message}"
    assert sorted(p.name for p in output.iterdir()) == ["keep.html"]


def test_invoke_build_reports_bad_settings(tmp_path) -> None:
    site = Site(tmp_path)
    result = invoke("build", "-s", str(site.write_settings(NETWORK_NEW_COUNT=-1)))
    assert result.returncode != 0
    assert "NETWORK_NEW_COUNT must be a whole number, 0 or more, not -1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output" / "network").exists()


def test_a_build_does_not_check_what_only_fetch_reads(tmp_path) -> None:
    output = tmp_path / "output"
    build_site(
        FIXTURE_SITE / "content",
        output,
        PLANET_CONCURRENCY=0,
        PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
    )
    assert (output / "reading" / "index.html").is_file()


def test_validate_names_every_problem_with_the_fetch_ones_first() -> None:
    settings = with_defaults(
        {
            "PLANET_CONCURRENCY": 0,
            "PLANET_TIMEOUT": True,
            "PLANET_PARSE_TIMEOUT": "soon",
            "PLANET_MAX_AGE_DAYS": -1,
            "PLANET_RESOLVE": {"a.example": "a.example:80"},
            "PLANET_SEARCH_TEXT_PAGES": "all",
            "NETWORK_SORTED_URL": "people/{sort}/",
        }
    )
    assert validate(settings) == [
        "PLANET_CONCURRENCY must be a positive number, not 0",
        "PLANET_TIMEOUT must be a positive number, not True",
        "PLANET_PARSE_TIMEOUT must be a positive number, not 'soon'",
        "PLANET_MAX_AGE_DAYS must be a whole number, 0 or more, not -1",
        "PLANET_RESOLVE['a.example'] = 'a.example:80' is not 'ip:port' (hint: '127.0.0.1:8000')",
        "PLANET_SEARCH_TEXT_PAGES must be a whole number, 0 or more, or None, not 'all'",
        "NETWORK_SORTED_URL = 'people/{sort}/' can only name {order} (hint: 'network/by/{order}/')",
    ]
    assert validate(settings, [NETWORK]) == validate(settings)[-1:]
    assert validate(with_defaults({})) == []
    assert validate(with_defaults({"PLANET_RESOLVE": []}), [READING])[0] == (
        "PLANET_RESOLVE must be a dict of host -> 'ip:port', not []"
    )


def test_the_settings_module_needs_no_pelican() -> None:
    # The engine (fetch, store) imports it, and never imports Pelican.
    code = (
        "import json, sys, pln_site.settings; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'pelican')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
