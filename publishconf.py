"""Settings for publishing: pelicanconf plus absolute URLs and feeds."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# The site's address; a CI job can pass it in (the GitHub Pages workflow does).
SITEURL = os.environ.get("SITEURL") or "https://robin.example"
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

# Drafts are previews on the owner's machine: a publishing build writes none (no page in drafts/,
# nothing for the search index). Set PUBLISH_DRAFTS = True to write them all the same, for a
# reviewer who reads them at their unlisted address.
PUBLISH_DRAFTS = False
if not PUBLISH_DRAFTS:
    DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""

# The output folder is not emptied before a build (Pelican's DELETE_OUTPUT_DIRECTORY would also
# delete files put there by hand, and the search index and pages the next build can reuse): the
# buildcache plugin removes the files the last build wrote that no source makes any more.

# `invoke publish` uploads with rsync over ssh; `invoke gh-pages` pushes to a gh-pages branch.
# Leave a target empty and the task says how to set it.
SSH_TARGET = ""  # for example "robin@host.example:/var/www/site/"
GITHUB_PAGES_BRANCH = "gh-pages"
