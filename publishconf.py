"""Settings for publishing: pelicanconf plus absolute URLs and feeds."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# The site's address; a CI job can pass it in (the GitHub Pages workflow does).
SITEURL = os.environ.get("SITEURL") or "https://robin.example"
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True

# `invoke publish` uploads with rsync over ssh; `invoke gh-pages` pushes to a gh-pages branch.
# Leave a target empty and the task says how to set it.
SSH_TARGET = ""  # for example "robin@host.example:/var/www/site/"
GITHUB_PAGES_BRANCH = "gh-pages"
