"""A command's inputs checked the one way: settings, member files, the store a fetch made; what
is wrong is printed in the same words by every command that checks it."""

from __future__ import annotations

import io

import pytest

from pln_site.commands.settings import (
    checked_inputs,
    checked_settings,
    fetched_store_or_report,
    members_or_report,
)
from pln_site.settings import SettingsInvalid
from tests.support.workflows import Site


def test_checked_settings_fills_in_every_default_and_names_every_problem(site: Site):
    settings = checked_settings(site.settings())
    assert settings["WEBMENTION_MAX_PER_RUN"] >= 1  # a default no site file sets
    with pytest.raises(SettingsInvalid) as refused:
        checked_settings({**site.settings(), "PLANET_TIMEOUT": "soon"}, "--after must be 1")
    assert "PLANET_TIMEOUT" in str(refused.value)
    assert refused.value.problems[-1] == "--after must be 1"


def test_checked_inputs_gives_the_checked_settings_and_every_member(site: Site):
    settings, members = checked_inputs(site.settings())
    assert settings == checked_settings(site.settings())
    assert sorted(m.id for m in members) == sorted(
        n.removesuffix(".yaml") for n in site.member_files()
    )


def test_members_or_report_prints_the_problems_and_gives_none(site: Site):
    err = io.StringIO()
    assert members_or_report(site.settings(), err) is not None
    assert err.getvalue() == ""
    (site.network / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    assert members_or_report(site.settings(), err) is None
    assert "broken.yaml:" in err.getvalue()
    assert "problem" in err.getvalue().splitlines()[-1]


def test_fetched_store_or_report_tells_to_fetch_first(site: Site):
    err = io.StringIO()
    settings = site.settings()
    assert fetched_store_or_report(settings, err) is None
    assert err.getvalue().startswith("No feed store at ")
    assert err.getvalue().endswith(" yet: run `invoke fetch` first.\n")
    store = site.root / "cache" / "planet.sqlite3"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"")
    settings["PLANET_STORE_PATH"] = str(store)
    assert fetched_store_or_report(settings, io.StringIO()) == store
