"""Load and validate `content/network/<id>.yaml` files into `Member` objects.

Every file is read, checked and reported on before anything fails, so one run shows every
problem. YAML is parsed with PyYAML's safe loader, with anchors and aliases refused (no alias
bombs), duplicate keys refused, and the line of every key remembered for the report. Every
value, once decoded, holds only what an XML file can carry: YAML escapes ("\\0", "\\e",
"\\x07") can write any character, and the value goes into the OPML, the feeds and the pages.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pln_site.members.model import ID_PATTERN, MEMBER_KEYS, NESTED_KEYS, Member, Status
from pln_site.members.problems import MemberFilesInvalid, Problem
from pln_site.messages import did_you_mean
from pln_site.settings import with_defaults
from pln_site.urls import same_url_key
from pln_site.xmltext import first_non_xml_char

log = logging.getLogger(__name__)

MEMBER_FILE_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 64 * 1024  # a member file is a few hundred bytes; this is generous
AVATAR_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")

Location = tuple[str | int, ...]
# A feed URL as written: (member file, line, index in `feeds`, url), for the duplicate check.
FeedAt = tuple[Path, int, int, str]
# What YAML's reader refuses in the file as written (C0 controls other than tab and newlines,
# DEL, C1 controls), found first so that the report names the line. The rule on what a value
# may hold is applied after decoding (`_character_problems`): escapes write these too.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


class _YamlProblem(Exception):
    def __init__(self, line: int, field: str, message: str):
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


# libyaml's parser when PyYAML has it: member files are read on every build, and the pure-Python
# parser was most of the cost of loading 500 of them (bench/).
if TYPE_CHECKING:  # the stubs declare CSafeLoader always; at run time libyaml may be missing
    _SafeLoader = yaml.CSafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MemberYamlLoader(_SafeLoader):
    """Safe loader that refuses duplicate keys and keeps dates as text.

    Dates stay strings so the model checks them with a message of ours (YAML's own timestamp
    reader fails on 2021-02-30 with no line number). Anchors and aliases are refused before
    this loader sees the text (`_refuse_anchors`).
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Hashable, Any]:  # Any: a YAML value is of any type
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _YamlProblem(
                    line,
                    str(key),
                    f"duplicate key; it is already set on line {seen[key]} "
                    "(hint: keep one of the two)",
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def members_from_settings(settings: Mapping[str, Any]) -> list[Member]:
    """Load the members of the site that `settings` (a Pelican settings dict) describes."""
    content = Path(settings["PATH"])
    settings = with_defaults(settings)
    return load_members(
        content / settings["NETWORK_PATH"], content / settings["NETWORK_AVATARS_PATH"]
    )


def load_members(network_dir: Path, avatars_dir: Path) -> list[Member]:
    """Every member file in `network_dir`, validated, sorted by id.

    Raises MemberFilesInvalid listing every problem in every file. A build reads the files twice
    (the check, then the pages), and `invoke dev` after every save: a file whose bytes did not
    change is not parsed again (at 500 members, parsing them all is 0.5 s of a member edit).
    """
    paths = _member_files(network_dir)
    avatars = _avatars_state(avatars_dir)
    kept = _loaded.get(network_dir.resolve())
    known = kept.files if kept is not None and kept.avatars == avatars else {}
    files: dict[str, tuple[bytes, _FileLoad]] = {}
    problems: list[Problem] = []
    members: list[Member] = []
    feeds: list[FeedAt] = []
    problems += _check_ids(paths)
    for path in paths:
        digest = _file_digest(path)
        found = known.get(path.name)
        if found is None or found[0] != digest:
            found = (digest, _load_one(path, avatars_dir))
        files[path.name] = found
        member, file_feeds, file_problems = found[1]
        problems += file_problems
        feeds += file_feeds
        if member is not None:
            members.append(member)
    _loaded[network_dir.resolve()] = _LoadedFolder(avatars, files)
    problems += _check_duplicate_feeds(feeds)
    if problems:
        raise MemberFilesInvalid(problems)
    log.debug("loaded %d members from %s", len(members), network_dir)
    members.sort(key=lambda m: m.id)
    return members


# What one file gave: its member (None if broken), its feed URLs with lines, its problems; all
# of them immutable (members are frozen), so a file loaded again may give the same objects.
_FileLoad = tuple[Member | None, list[FeedAt], list[Problem]]


@dataclass
class _LoadedFolder:
    """A network folder as last loaded: the avatars folder's state, and by file name its bytes'
    digest and what the file gave."""

    avatars: tuple[str, int | None]
    files: dict[str, tuple[bytes, _FileLoad]]


_loaded: dict[Path, _LoadedFolder] = {}


def _file_digest(path: Path) -> bytes:
    """A file by its bytes, not its size and time: a file rewritten within one tick of the
    clock, at the same size, keeps both, and reading 500 small files costs a few milliseconds."""
    try:
        data = path.read_bytes()
    except OSError as error:  # reported by the loading itself, with the file's name
        data = f"unreadable: {error}".encode()
    return hashlib.blake2b(data).digest()


def _avatars_state(avatars_dir: Path) -> tuple[str, int | None]:
    """The avatars folder and its time of change (a picture added or removed): a member's
    `avatar` is checked against it."""
    changed = avatars_dir.stat().st_mtime_ns if avatars_dir.is_dir() else None
    return (str(avatars_dir.resolve()), changed)


def _member_files(network_dir: Path) -> list[Path]:
    if not network_dir.is_dir():
        return []
    return sorted(
        p for p in network_dir.iterdir() if p.suffix in MEMBER_FILE_SUFFIXES and not p.is_dir()
    )


def _check_ids(paths: list[Path]) -> list[Problem]:
    problems = []
    first_seen: dict[str, Path] = {}
    for path in paths:
        member_id = path.stem
        if not ID_PATTERN.fullmatch(member_id):
            problems.append(
                Problem(
                    path,
                    1,
                    "id",
                    f"the file name {path.name!r} is not a valid member id "
                    "(hint: use lowercase letters, digits and hyphens, e.g. ada-lovelace.yaml)",
                )
            )
        key = member_id.lower()
        if key in first_seen:
            problems.append(
                Problem(
                    path,
                    1,
                    "id",
                    f"duplicate member id {member_id!r}: {first_seen[key].name} has it too "
                    "(hint: rename or remove one of the files)",
                )
            )
        first_seen.setdefault(key, path)
    return problems


def _load_one(path: Path, avatars_dir: Path) -> tuple[Member | None, list[FeedAt], list[Problem]]:
    """The member in `path` (None if broken), its feed URLs with lines, and its problems."""
    try:
        data, lines = _read_yaml(path)
    except _YamlProblem as problem:
        return None, [], [Problem(path, problem.line, problem.field, problem.message)]
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        return (
            None,
            [],
            [
                Problem(
                    path,
                    1,
                    "-",
                    f"the file is {what}, not a mapping of fields "
                    "(hint: start from `invoke new-member ID`)",
                )
            ],
        )
    bad_keys = [key for key in data if not isinstance(key, str)]
    if bad_keys:
        return (
            None,
            [],
            [
                Problem(
                    path,
                    lines.get((key,), 1),
                    str(key),
                    "field names must be text (hint: check the indentation)",
                )
                for key in bad_keys
            ],
        )
    feeds = list(_raw_feed_urls(path, data, lines))
    problems = list(_character_problems(path, data, lines))
    if data.get("status") != Status.draft:
        problems += _unfinished(path, data, lines)
    avatar = data.get("avatar")
    if isinstance(avatar, str):
        reason = _avatar_problem(avatar, avatars_dir)
        if reason:
            problems.append(
                Problem(
                    path,
                    lines.get(("avatar",), 1),
                    "avatar",
                    f"{avatar!r} {reason} (hint: put the image in content/images/avatars/ "
                    f"and write its file name, e.g. avatar: {path.stem}.png)",
                )
            )
    try:
        member = Member(id=path.stem, **data)
    except ValidationError as error:
        # A value already reported for the character it holds is not reported again.
        said = {(problem.line, problem.field) for problem in problems}
        problems += [
            problem
            for problem in (_problem_from_pydantic(path, err, lines) for err in error.errors())
            if (problem.line, problem.field) not in said
        ]
        return None, feeds, problems
    return (None if problems else member), feeds, problems


def _character_problems(path: Path, data: Any, lines: dict[Location, int]) -> Iterator[Problem]:
    """A problem for every decoded value that holds a character no XML file can carry (or that
    the site refuses with them): a control character, a lone surrogate, a noncharacter."""
    for location, text in _strings(data):
        char = first_non_xml_char(text)
        if char is None:
            continue
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            what = "a lone surrogate"
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            what = "a control character"
        else:
            what = "a noncharacter"
        escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04X}"
        yield Problem(
            path,
            _line_of(location, lines),
            _field_name(location),
            f"holds {what} (U+{code:04X}) (hint: remove it, or the escape in quotes that "
            f'writes it, such as "{escape}"; member files hold plain text)',
        )


# The mark the commands leave in what the owner has to write (why, topics, the scaffold's url).
_TODO = re.compile(r"\bTODO\b")
_TODO_HINTS = {
    "why": "write why they are in your network and what you learn from them",
    "topics": "name what they work on, e.g. [open education, podcasts]",
    "url": "write the address of their home on the web",
}


def _unfinished(path: Path, data: dict[str, Any], lines: dict[Location, int]) -> Iterator[Problem]:
    """A problem for every value of a published member that still says TODO: the commands
    write it where only the owner knows what to say, and it must not reach a page."""
    for location, text in _strings(data):
        if _TODO.search(text):
            hint = _TODO_HINTS.get(str(location[0]), "write the real value or remove the field")
            yield Problem(
                path,
                _line_of(location, lines),
                _field_name(location),
                f"still says TODO (hint: {hint}; or keep `status: draft` until the file is "
                "finished, and it stays off the site)",
            )


def _strings(value: Any, location: Location = ()) -> Iterator[tuple[Location, str]]:
    """Every string in a decoded YAML document, with its location (keys are names: unknown
    ones are reported as unknown fields)."""
    if isinstance(value, str):
        yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*location, key if isinstance(key, (str, int)) else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*location, index))


def member_file_of(network_dir: Path, member_id: str) -> Path:
    """The file a member was loaded from (`<id>.yaml`, else `<id>.yml`)."""
    for suffix in MEMBER_FILE_SUFFIXES:
        path = network_dir / f"{member_id}{suffix}"
        if path.is_file():
            return path
    return network_dir / f"{member_id}{MEMBER_FILE_SUFFIXES[0]}"


def key_lines(path: Path) -> dict[Location, int]:
    """The line of every key and list item of a member file, by its location (`("feeds", 0,
    "url")`), as the check reports them; empty for a file that does not parse."""
    try:
        return _read_yaml(path)[1]
    except (_YamlProblem, OSError):
        return {}


def _raw_feed_urls(
    path: Path, data: dict[str, Any], lines: dict[Location, int]
) -> Iterator[FeedAt]:
    feeds = data.get("feeds")
    if not isinstance(feeds, list):
        return
    for index, feed in enumerate(feeds):
        if isinstance(feed, dict) and isinstance(feed.get("url"), str):
            yield path, lines.get(("feeds", index, "url"), 1), index, feed["url"]


def _read_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _YamlProblem(
            1,
            "-",
            f"the file is {size:,} bytes; a member file may be at most "
            f"{MAX_FILE_BYTES:,} (hint: is this really a member file?)",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _YamlProblem(
            line, "-", "the file is not valid UTF-8 (hint: save it as UTF-8)"
        ) from None
    control = _CONTROL_CHARACTER.search(text)
    if control:
        raise _YamlProblem(
            text.count("\n", 0, control.start()) + 1,
            "-",
            f"the file holds a control character (U+{ord(control.group()):04X}) "
            "(hint: remove it; member files are plain text)",
        )
    loader = _MemberYamlLoader(text)
    try:
        _refuse_anchors(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
        return data, dict(_key_lines(node))
    except _YamlProblem:
        raise
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise _YamlProblem(
            line,
            _top_level_key_at(text, line),
            f"{error.problem} (hint: member files hold plain text, lists and mappings only; "
            "remove the !tag)",
        ) from None
    except yaml.MarkedYAMLError as error:
        line, message = _syntax_error(error)
        raise _YamlProblem(
            line,
            _top_level_key_at(text, line),
            f"YAML syntax error: {message} "
            "(hint: check indentation, colons and quotes on this line)",
        ) from None
    except yaml.YAMLError as error:
        raise _YamlProblem(1, "-", f"YAML syntax error: {error}") from None
    finally:
        loader.dispose()


# What YAML was reading when it failed, for errors about something opened and never closed: a
# quote, a key without its colon, a "[" or "{". YAML notices at the end of the file or on a
# later line; the context mark is where the broken token starts, which is what to fix.
_UNCLOSED = ("quoted scalar", "simple key", "flow sequence", "flow mapping")


def _syntax_error(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to show for a YAML syntax error, and what to say there."""
    problem = error.problem or str(error)
    found = error.problem_mark.line + 1 if error.problem_mark else 1
    if error.context_mark and error.context and error.context.endswith(_UNCLOSED):
        line = error.context_mark.line + 1
        where = "" if found == line else f" on line {found}"
        return line, f"{error.context} that starts here: {problem}{where}"
    return found, problem


_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def _top_level_key_at(text: str, line: int) -> str:
    """The field a broken line belongs to, read from the text (it did not parse): the key that
    starts the line, or for an indented line the nearest key above it; "-" if none."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        current = lines[number - 1]
        if key := _TOP_LEVEL_KEY.match(current):
            return key.group(1)
        if number == line and not current.startswith((" ", "-")) and current.strip():
            return "-"  # neither a key nor a continuation (a tab, say): no field to name
    return "-"


def _refuse_anchors(text: str) -> None:
    """Stop at the first anchor or alias (&name, *name): no alias bomb is ever composed."""
    if "&" not in text and "*" not in text:  # neither can be written without these
        return
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark  # the parser marks every event; the type allows none
            raise _YamlProblem(
                mark.line + 1 if mark else 1,
                "-",
                "YAML anchors and aliases (&name, *name) are not allowed in member files "
                "(hint: write the value out in full)",
            )


def _key_lines(node: yaml.Node, path: Location = ()) -> Iterator[tuple[Location, int]]:
    """The line of every key and list item, by its location in the document."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            location = (*path, key_node.value)
            yield location, key_node.start_mark.line + 1
            yield from _key_lines(value_node, location)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            location = (*path, index)
            yield location, item.start_mark.line + 1
            yield from _key_lines(item, location)


def _line_of(location: Location, lines: dict[Location, int]) -> int:
    """The line of the deepest part of `location` that the file has (1 if none)."""
    for end in range(len(location), 0, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


def _field_name(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "-"


def _problem_from_pydantic(path: Path, err: ErrorDetails, lines: dict[Location, int]) -> Problem:
    # pydantic adds the union branch or validator name to some locations; keep only real keys.
    location: Location = tuple(
        part
        for part in err["loc"]
        if isinstance(part, int) or not str(part).startswith("function-")
    )
    location = tuple(p for p in location if p not in ("str", "none", "is-instance[date]"))
    kind = err["type"]
    line = _line_of(location, lines)
    field = _field_name(location)
    if kind == "extra_forbidden":
        # The keys of the mapping the unknown one is in: named by the nearest key above it.
        parents = [str(part) for part in location[:-1] if not isinstance(part, int)]
        allowed = NESTED_KEYS.get(parents[-1], MEMBER_KEYS) if parents else MEMBER_KEYS
        hint = did_you_mean(str(location[-1]), allowed) or (
            f" (hint: the fields are {', '.join(allowed)}; e-mail, phone and street address have "
            "no field on purpose: they are private)"
        )
        return Problem(path, line, field, f"unknown field{hint}")
    if kind == "missing":
        return Problem(
            path,
            line if len(location) > 1 else 1,
            field,
            f"required field is missing (hint: add `{location[-1]}: ...`)",
        )
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(err.get("input")), choices)
        return Problem(
            path, line, field, f"{err['input']!r} is not one of {', '.join(choices)}{hint}"
        )
    message = _PLAIN_MESSAGES.get(kind) or err["msg"].removeprefix("Value error, ")
    return Problem(path, line, field, message)


# pydantic's wording for the common type slips, said the way a person editing YAML needs it.
_PLAIN_MESSAGES = {
    "string_type": "must be text (hint: put the value in quotes)",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long (hint: keep it to a sentence or three)",
    "list_type": "must be a list (hint: write [a, b] or one '- item' per line)",
    "too_short": "must list at least one item (hint: e.g. [open education])",
    "model_type": "must be a mapping of fields (hint: check the indentation)",
    "dict_type": "must be a mapping of fields (hint: check the indentation)",
}


def _avatar_problem(name: str, avatars_dir: Path) -> str | None:
    """Why `name` is not a usable avatar; an avatar never points outside the avatars folder."""
    candidate = avatars_dir / name
    if Path(name).is_absolute() or ".." in Path(name).parts or "\\" in name or ":" in name:
        return "must be a file name inside the avatars folder, not a path that leaves it"
    if Path(name).suffix.lower() not in AVATAR_SUFFIXES:
        return f"must be an image ({', '.join(AVATAR_SUFFIXES)})"
    if candidate.is_symlink() or not candidate.resolve().is_relative_to(avatars_dir.resolve()):
        return "must be a real file inside the avatars folder, not a link"
    if not candidate.is_file():
        return f"no such file in {avatars_dir.name}/"
    return None


def _check_duplicate_feeds(feeds: list[FeedAt]) -> list[Problem]:
    problems = []
    first: dict[str, tuple[Path, int]] = {}
    for path, line, index, url in feeds:
        normal = same_url_key(url)
        if normal not in first:
            first[normal] = (path, line)
            continue
        other_path, other_line = first[normal]
        where = "earlier in this file" if other_path == path else f"in {other_path.name}"
        problems.append(
            Problem(
                path,
                line,
                f"feeds[{index}].url",
                f"duplicate feed {url}: already listed {where} on line {other_line} "
                "(hint: a feed belongs to one member; remove one)",
            )
        )
    return problems
