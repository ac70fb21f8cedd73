"""Assertions the network tests share."""

from __future__ import annotations


def assert_card_matches(card: dict, member: dict) -> None:
    props = card["properties"]
    assert props["name"] == [member["name"]]
    assert props["url"][0] == member["url"]
    assert props["note"] == [member["why"]]
    assert props["category"] == member["topics"]
    for yaml_key, mf2_key in [
        ("org", "org"),
        ("job_title", "job-title"),
        ("locality", "locality"),
        ("country", "country-name"),
    ]:
        if member.get(yaml_key):
            assert props[mf2_key] == [member[yaml_key]], mf2_key
        else:
            assert mf2_key not in props, mf2_key
