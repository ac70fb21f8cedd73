"""Posts that draw on members' work: `Mentions: ada, grace` in a post's metadata.

Each mentioned member is checked against the member files (an unknown id stops the build with
the file, the line of the Mentions header and the id), the post gets `article.mentioned_members`
for its "Draws on the work of" line, and the context gets `mentions_by_member` (member id ->
published posts, newest first) for the member pages.
"""

from __future__ import annotations

from pelican import signals

from pln_site.site.mentions.check import link_mentions
from pln_site.site.plugin import Plugin

PLUGIN = Plugin(__name__)  # no settings, no generators: only `is_on`


def article_generator_finalized(generator) -> None:
    if PLUGIN.is_on(generator):
        link_mentions(generator)


def register() -> None:
    PLUGIN.connect()  # the site-wide checks hold for a site that lists mentions alone, too
    signals.article_generator_finalized.connect(article_generator_finalized)
