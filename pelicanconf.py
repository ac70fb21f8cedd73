"""Site settings for development. `publishconf.py` extends these for publishing."""

AUTHOR = "Robin Example"
SITENAME = "Robin's notebook"
SITESUBTITLE = "Notes on learning in the open, and the people I learn from"
SITEURL = ""
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "en"

PATH = "content"
OUTPUT_PATH = "output"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = "theme"

# The pln_site package (installed by `pip install -e .`), loaded by dotted name.
PLUGINS = [
    "pln_site.site.network",
    "pln_site.site.reading",
    "pln_site.site.mentions",
    "pln_site.site.search",
    "pln_site.site.buildcache",
]

# Clean URLs: every page is a folder with an index.html.
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
ARCHIVES_URL = "archives/"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DEFAULT_PAGINATION = 10
RELATIVE_URLS = True

# Feeds need absolute links; in development they point at `invoke serve`.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# The owner's own profiles: rendered with rel="me" so that they can verify this site.
SOCIAL = (
    ("Mastodon", "https://social.example/@robin"),
    ("GitHub", "https://code.example/robin"),
)

# The example members' feeds are served from 127.0.0.1 by `invoke demo`; a real site leaves
# this off so that a member file cannot point the fetcher at the owner's own network.
PLANET_ALLOW_PRIVATE_ADDRESSES = False

# Autoescape Pelican's own templates too: only the owner's rendered Markdown is marked safe.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives", "404"]
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"

# Posts whose files have not changed since the last build are not parsed again (Pelican's own
# cache of what its readers made, in CACHE_PATH). The buildcache plugin goes on from there.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
# Read back and written again on every build: compressing it cost 0.04 s of each at 200 posts.
GZIP_CACHE = False
