"""`invoke init`: turn the example site of a fresh clone into the owner's own, in one command.

It writes the owner's name, site title, address and profiles into the settings, removes the
example content (the members on `.example` hosts, their avatars, the demo feeds, the posts and
pages marked `Example: yes`), empties the feed store and the output folder, and leaves one
short welcome post that says what to do next. Files the owner wrote are never touched: a member
file on a real host stays, and so does a post without the marker. Once no example content is
left, it refuses to run again, so it cannot be run over the owner's own site by mistake.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pln_site.commands.build import clean
from pln_site.commands.examples import ExampleContent, find_example_content
from pln_site.commands.settings_file import set_settings
from pln_site.discover.homepage import platform_name
from pln_site.errors import SiteError
from pln_site.messages import display_path, terminal_text
from pln_site.settings import store_path
from pln_site.urls import is_http_url

WELCOME_POST = "welcome.md"
PUBLISH_SETTINGS = "publishconf.py"


class InitRefused(SiteError):
    """`invoke init` would change the owner's own site, or was given values it cannot use."""

    exit_code = 2


@dataclass(frozen=True)
class Owner:
    name: str
    title: str
    url: str
    profiles: tuple[str, ...] = ()

    def social(self) -> tuple[tuple[str, str], ...]:
        """SOCIAL as the theme reads it: (label, URL) pairs, the label from the profile's host."""
        return tuple((platform_name(url), url) for url in self.profiles)


def owner_from(
    name: str | None,
    title: str | None,
    url: str | None,
    profiles: Sequence[str] = (),
    ask: Callable[[str], str] | None = None,
) -> Owner:
    """The owner's details from the options; what is missing is asked when `ask` is given (a
    terminal), else named in the error."""
    if ask is not None:
        name = name or ask("Your name (AUTHOR): ").strip()
        title = title or ask(f"Your site's title (SITENAME) [{name}]: ").strip() or name
        url = url or ask("Your site's address, e.g. https://you.example.org (SITEURL): ").strip()
        if not profiles:
            answer = ask("Your profiles (Mastodon, GitHub...), space-separated, or Enter: ")
            profiles = answer.split()
    missing = [option for option, value in (("--name", name), ("--url", url)) if not value]
    if missing:
        raise InitRefused(
            f"{' and '.join(missing)} missing",
            hint='invoke init --name "Your Name" --url https://you.example.org '
            '[--title "Site title"] [--profile URL ...]',
        )
    assert name and url
    for option, value in (("--name", name), ("--title", title or "")):
        if any(ord(char) < 32 for char in value):
            raise InitRefused(f"{option} holds a control character", hint="plain text only")
    for option, value in (("--url", url), *(("--profile", p) for p in profiles)):
        if not is_http_url(value):
            raise InitRefused(
                f"{option} {terminal_text(value)!r} is not an http(s) address",
                hint="give the whole address, starting with https://",
            )
    return Owner(name.strip(), (title or name).strip(), url.rstrip("/"), tuple(profiles))


def run_init(settings_file: Path, settings: dict, owner_details: Callable[[], Owner]) -> int:
    """Make the site at `settings_file` the owner's, with the details `owner_details()` gives
    (asked only once the site is known to be the example); returns an exit code."""
    examples = find_example_content(settings)
    if not examples:
        raise InitRefused(
            f"no example content is left in {display_path(settings['PATH'])}: this site is yours "
            "already, and init would only change it",
            hint=f"change AUTHOR, SITENAME and SOCIAL in {settings_file.name} by hand",
        )
    owner = owner_details()
    set_settings(
        settings_file,
        {"AUTHOR": owner.name, "SITENAME": owner.title, "SOCIAL": owner.social()},
    )
    publishing = settings_file.parent / PUBLISH_SETTINGS
    edited = [f"{display_path(settings_file)} (AUTHOR, SITENAME, SOCIAL)"]
    if publishing.is_file() and publishing.resolve() != settings_file.resolve():
        set_settings(publishing, {"SITEURL": owner.url})  # development builds keep their own
        edited.append(f"{display_path(publishing)} (SITEURL)")
    removed = _remove_examples(examples)
    store = _empty_store(settings)
    output = clean(settings)
    welcome = _write_welcome(settings, owner)
    print(f"Wrote your details into {' and '.join(edited)}.")
    print(f"Removed the example site: {removed}.")
    print(f"Emptied the feed store ({display_path(store)}) and removed {display_path(output)}.")
    print(f"Wrote {display_path(welcome)}: a first post that says what to do next.")
    print(
        "Next: add the first person of your network with `invoke add-member URL` (their "
        "homepage) or `invoke import-opml FILE` (a feed reader's export), then `invoke fetch`, "
        "`invoke build` and `invoke serve`."
    )
    return 0


def _remove_examples(examples: ExampleContent) -> str:
    for path in examples.files():
        path.unlink(missing_ok=True)
    if examples.demo_feeds is not None:
        shutil.rmtree(examples.demo_feeds)
    parts = [
        f"{len(examples.members)} members",
        f"{len(examples.avatars)} avatars",
        f"{len(examples.posts)} posts and pages",
    ]
    if examples.demo_feeds is not None:
        parts.append(f"the demo feeds ({display_path(examples.demo_feeds)})")
    return ", ".join(parts)


def _empty_store(settings: dict) -> Path:
    """Remove the store and its SQLite companions: the example members' entries go with it."""
    store = Path(store_path(settings))
    for path in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
        path.unlink(missing_ok=True)
    return store


def _write_welcome(settings: dict, owner: Owner) -> Path:
    posts = Path(settings["PATH"]) / (settings.get("ARTICLE_PATHS") or ["posts"])[0]
    posts.mkdir(parents=True, exist_ok=True)
    path = posts / WELCOME_POST
    today = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    path.write_text(WELCOME.format(date=today, name=owner.name), encoding="utf-8")
    return path


WELCOME = """\
Title: Welcome
Date: {date}
Slug: welcome
Summary: The first post of {name}'s site, and what comes next.

This is the new site of {name}: a blog, a directory of the people I learn from, and a reading
feed of what they write.

What to do next:

1. Add the first person of your network: `invoke add-member https://their.site/` reads their
   homepage and writes `content/network/ID.yaml` for you to complete. With a feed reader's
   export, `invoke import-opml FILE` adds everyone in it.
2. Read their feeds with `invoke fetch`, then `invoke build` and `invoke serve` to see the site
   at http://127.0.0.1:8000/.
3. Write your first real post with `invoke new-post "A title"`, and delete this one
   (`content/posts/welcome.md`).
"""


def interactive_ask() -> Callable[[str], str] | None:
    """`input`, when a person is at the terminal to answer; else None (the options must say)."""
    return input if sys.stdin.isatty() else None
