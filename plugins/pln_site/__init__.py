"""A blog and a Personal Learning Network as one Pelican site: the member directory, the
reading feed of the members' own writing, and the commands that fetch, check and build them.

The layers, from the bottom up (docs/architecture.md has the map): plain helpers and settings;
the engine (`members`, `feeds`, `store`, `discover`), which never imports Pelican; `site`, the
Pelican plugins; `commands`, what `invoke` runs.
"""
