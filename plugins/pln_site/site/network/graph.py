"""A picture of the network, laid out at build time: members on the left, the topics they work
on at the right, a line for each member-topic pair. A template draws it as inline SVG, whose
labels hold nothing XML cannot carry (pln_site.xmltext).

The picture is narrow on purpose (WIDTH user units), so that a phone shows it at full size and
a wide screen caps it, instead of shrinking the text.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pln_site.members.model import Member
from pln_site.site.topics import Topic
from pln_site.xmltext import xml_text

WIDTH = 380
ROW = 30  # vertical distance between two names
TOP = 20
CHAR_WIDTH = 6.8  # average width of one character at the picture's font size (13)
DOT_ROOM = 22  # between a name and its dot, dot included
MIN_BAND = 70  # the least room for the lines between the two columns
MAX_CHARS = 22
SWEEPS = 4  # rounds of ordering by neighbours' mean position, to uncross lines
MAX_RADIUS = 11  # a topic's dot grows with its people up to this, inside its row (ROW)


@dataclass(frozen=True)
class Node:
    key: str  # member id or topic slug
    label: str  # as shown, maybe shortened
    full_label: str
    y: float
    degree: int

    @property
    def radius(self) -> int:
        """A topic's dot: larger when more people share it, never into the next row."""
        return min(4 + self.degree, MAX_RADIUS)


@dataclass(frozen=True)
class Edge:
    member: str  # member id
    topic: str  # topic slug
    y1: float
    y2: float


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    member_x: float  # where the member dots sit (their names end left of it)
    topic_x: float  # where the topic dots sit (their names start right of it)
    members: list[Node]
    topics: list[Node]
    edges: list[Edge]

    def edges_of(self, member_id: str) -> list[Edge]:
        return [edge for edge in self.edges if edge.member == member_id]


def network_graph(members: Sequence[Member], topics: Sequence[Topic]) -> Graph:
    """Members and topics ordered so that lines cross little, both columns centred."""
    return _laid_out(
        tuple((m.id, m.name) for m in members),
        tuple((t.slug, t.name, t.count, tuple(m.id for m in t.members)) for t in topics),
    )


# By what the layout reads alone: `invoke dev` builds again after every save, and a post edit
# changes no member or topic (at 500 members the layout is 0.15 s of each build).
@functools.lru_cache(maxsize=2)
def _laid_out(
    members: tuple[tuple[str, str], ...], topics: tuple[tuple[str, str, int, tuple[str, ...]], ...]
) -> Graph:
    member_topics: dict[str, list[str]] = {member_id: [] for member_id, _ in members}
    for slug, _, _, ids in topics:
        for member_id in set(ids) & member_topics.keys():
            member_topics[member_id].append(slug)
    topic_members = {slug: list(ids) for slug, _, _, ids in topics}
    member_order = [member_id for member_id, _ in members]
    by_rank = sorted(topics, key=lambda t: (-t[2], t[1].casefold()))
    topic_order = [slug for slug, *_ in by_rank]
    for _ in range(SWEEPS):
        member_order = _by_mean(member_order, member_topics, topic_order)
        topic_order = _by_mean(topic_order, topic_members, member_order)
        member_order = _swap_neighbours(member_order, member_topics, topic_order)
        topic_order = _swap_neighbours(topic_order, topic_members, member_order)
    rows = max(len(member_order), len(topic_order), 1)
    height = TOP * 2 + (rows - 1) * ROW

    def column(keys: list[str]) -> dict[str, float]:
        offset = TOP + (rows - len(keys)) * ROW / 2
        return {key: offset + index * ROW for index, key in enumerate(keys)}

    member_y, topic_y = column(member_order), column(topic_order)
    member_name = dict(members)
    topic_name = {slug: name for slug, name, _, _ in topics}
    topic_count = {slug: count for slug, _, count, _ in topics}
    member_room = _room(member_name.values())
    topic_room = _room(topic_name.values())
    member_nodes = [
        _node(key, member_name[key], member_y[key], len(member_topics[key])) for key in member_order
    ]
    topic_nodes = [
        _node(key, topic_name[key], topic_y[key], topic_count[key]) for key in topic_order
    ]
    edges = [
        Edge(member_id, slug, member_y[member_id], topic_y[slug])
        for member_id in member_order
        for slug in member_topics[member_id]
    ]
    width = max(WIDTH, round(member_room + MIN_BAND + topic_room))
    return Graph(
        width=width,
        height=height,
        member_x=member_room,
        topic_x=width - topic_room,
        members=member_nodes,
        topics=topic_nodes,
        edges=edges,
    )


def _node(key: str, name: str, y: float, degree: int) -> Node:
    label = xml_text(name)
    return Node(key, _shorten(label), label, y, degree)


def _by_mean(keys: list[str], neighbours: dict[str, list[str]], other: list[str]) -> list[str]:
    """`keys` sorted by the mean position of their neighbours in `other` (stable for ties)."""
    position = {key: index for index, key in enumerate(other)}

    def mean(key: str) -> float:
        places = [position[n] for n in neighbours.get(key, []) if n in position]
        return sum(places) / len(places) if places else len(other)

    return sorted(keys, key=mean)


def _swap_neighbours(
    keys: list[str], neighbours: dict[str, list[str]], other: list[str]
) -> list[str]:
    """Swap adjacent keys while that removes crossings (only their own lines can change)."""
    position = {key: index for index, key in enumerate(other)}
    places = {
        key: sorted(position[n] for n in neighbours.get(key, []) if n in position) for key in keys
    }

    def crossings(upper: str, lower: str) -> int:
        # Pairs of lines (a from upper, b from lower) with a > b. Counted by bisection in the
        # sorted places: a topic shared by hundreds of members made the pairwise count slow.
        below = places[lower]
        return sum(bisect_left(below, a) for a in places[upper])

    order = list(keys)
    improved = True
    while improved:
        improved = False
        for index in range(len(order) - 1):
            upper, lower = order[index], order[index + 1]
            if crossings(lower, upper) < crossings(upper, lower):
                order[index], order[index + 1] = lower, upper
                improved = True
    return order


def _room(labels) -> float:
    """Room for the longest (shortened) label and its dot."""
    longest = max((len(_shorten(label)) for label in labels), default=0)
    return round(longest * CHAR_WIDTH + DOT_ROOM, 1)


def _shorten(label: str) -> str:
    if len(label) <= MAX_CHARS:
        return label
    return label[: MAX_CHARS - 1].rstrip() + "…"
