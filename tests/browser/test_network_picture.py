"""The network's picture and growth, laid out at build time: unit checks of the layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.settings import DEFAULT_CONFIG

from pln_site.members.model import Member
from pln_site.site.avatars import resize_avatar, resized_name
from pln_site.site.network.charts import growth_chart
from pln_site.site.network.graph import network_graph
from pln_site.site.network.present import facets
from pln_site.site.network.stats import Row, network_stats
from pln_site.site.topics import group_topics as group_with_subs
from tests.support.requirements_check import require


def group_topics(members):
    """Topics slugged as a site with Pelican's default settings slugs them."""
    return group_with_subs(members, DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def member(member_id: str, topics: list[str], **extra) -> Member:
    return Member(
        id=member_id,
        name=member_id.replace("-", " ").title(),
        url=f"https://{member_id}.example/",
        why="Writes well.",
        since=extra.pop("since", "2020"),
        topics=topics,
        **extra,
    )


MEMBERS = [
    member("ada", ["python", "open data"]),
    member("bo", ["python"]),
    member("cy", ["oral history"]),
    member("di", ["open data", "oral history"]),
]


def test_every_member_topic_pair_is_one_line_between_the_right_rows():
    topics = group_topics(MEMBERS)
    graph = network_graph(MEMBERS, topics)
    pairs = {(e.member, e.topic) for e in graph.edges}
    assert pairs == {
        ("ada", "python"), ("ada", "open-data"), ("bo", "python"),
        ("cy", "oral-history"), ("di", "open-data"), ("di", "oral-history"),
    }  # fmt: skip
    member_y = {n.key: n.y for n in graph.members}
    topic_y = {n.key: n.y for n in graph.topics}
    for edge in graph.edges:
        assert (edge.y1, edge.y2) == (member_y[edge.member], topic_y[edge.topic])
    assert graph.member_x < graph.topic_x <= graph.width


def crossings(graph) -> int:
    edges = graph.edges
    return sum(
        1 for i, a in enumerate(edges) for b in edges[i + 1 :] if (a.y1 - b.y1) * (a.y2 - b.y2) < 0
    )


def test_the_order_uncrosses_a_chain_that_names_would_tangle():
    """zed-mango, amy-mango-kiwi, kim-kiwi-apple, bob-apple: drawn without a crossing."""
    chain = [
        member("zed", ["mango"]),
        member("amy", ["mango", "kiwi"]),
        member("kim", ["kiwi", "apple"]),
        member("bob", ["apple"]),
    ]
    assert crossings(network_graph(chain, group_topics(chain))) == 0


def test_the_order_never_tangles_more_than_alphabetical_order():
    graph = network_graph(MEMBERS, group_topics(MEMBERS))
    rows = {m.id: i for i, m in enumerate(sorted(MEMBERS, key=lambda m: m.id))}
    topic_rows = {t.slug: i for i, t in enumerate(group_topics(MEMBERS))}
    pairs = [(rows[e.member], topic_rows[e.topic]) for e in graph.edges]
    alphabetical = sum(
        1 for i, a in enumerate(pairs) for b in pairs[i + 1 :] if (a[0] - b[0]) * (a[1] - b[1]) < 0
    )
    assert crossings(graph) <= alphabetical


def test_long_names_widen_the_picture_rather_than_overlap():
    long = [member("x", ["a topic with a name that is far too long to fit"])]
    graph = network_graph(long, group_topics(long))
    assert graph.topics[0].label.endswith("…")
    assert graph.topic_x - graph.member_x >= 70


def test_the_same_members_and_topics_are_laid_out_once_and_a_rename_lays_out_again():
    """`invoke dev` builds after every save: a post edit leaves the picture as it was."""
    first = network_graph(MEMBERS, group_topics(MEMBERS))
    same = [member(m.id, m.topics) for m in MEMBERS]  # the files read again: equal members
    assert network_graph(same, group_topics(same)) is first
    renamed = [*same[:-1], same[-1].model_copy(update={"name": "Di Ng"})]
    redrawn = network_graph(renamed, group_topics(renamed))
    assert "Di Ng" in [node.full_label for node in redrawn.members]
    moved = [*same[:-1], member("di", ["python"])]
    assert {(e.member, e.topic) for e in network_graph(moved, group_topics(moved)).edges} >= {
        ("di", "python")
    }


def test_growth_is_the_running_total_per_year():
    chart = growth_chart([Row("2019", 2), Row("2020", 0), Row("2021", 3)])
    assert [(c.label, c.total, c.added) for c in chart.columns] == [
        ("2019", 2, 2), ("2020", 2, 0), ("2021", 5, 3),
    ]  # fmt: skip
    tallest = chart.columns[-1]
    assert tallest.y + tallest.height == chart.baseline
    assert chart.columns[0].height == pytest.approx(tallest.height * 2 / 5, abs=0.1)


def test_a_platform_with_one_member_is_named_as_a_gap():
    people = [
        member("ada", ["python"], profiles=[{"platform": "Mastodon", "url": "https://m.example/@a"}]),
        member("bo", ["python"], profiles=[{"platform": "GitHub", "url": "https://g.example/b"},
                                           {"platform": "github", "url": "https://g.example/b2"}]),
        member("cy", ["python"], profiles=[{"platform": "GitHub", "url": "https://g.example/c"}]),
    ]  # fmt: skip
    platform = next(d for d in network_stats(people, group_topics(people)) if d.key == "platform")
    assert platform.gaps == ["Only one member on Mastodon."]


def test_facets_count_members_per_value():
    people = [
        member("ada", ["x"], country="KE", role="mentor",
               profiles=[{"platform": "Mastodon", "url": "https://m.example/@a"}]),
        member("bo", ["x"], country="KE", status="dormant",
               profiles=[{"platform": "mastodon", "url": "https://m.example/@b"}]),
    ]  # fmt: skip
    found = facets(people)
    assert found["country"] == [("KE", "KE", 2)]
    assert found["platform"] == [("mastodon", "Mastodon", 2)]
    assert found["role"] == [("mentor", "mentor", 1)]
    assert found["status"] == [("active", "active", 1), ("dormant", "dormant", 1)]


def test_raster_avatars_become_small_squares(tmp_path: Path):
    image_module = require("PIL.Image", "pip install pillow")
    source = tmp_path / "ada.jpg"
    image_module.new("RGB", (900, 600), "teal").save(source)
    target = tmp_path / "out" / resized_name("ada.jpg")
    assert target.name == "ada-128.jpg"
    assert resize_avatar(source, target)
    with image_module.open(target) as small:
        assert small.size == (128, 128)
    assert target.stat().st_size < source.stat().st_size


def test_an_unreadable_avatar_is_reported_not_raised(tmp_path: Path, caplog):
    require("PIL", "pip install pillow")
    source = tmp_path / "broken.png"
    source.write_bytes(b"not a picture")
    assert resize_avatar(source, tmp_path / "broken-128.png") is False
    assert "could not be resized" in caplog.text
