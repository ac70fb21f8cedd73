"""The Pelican plugins: the network directory, the reading feed, mentions, search and the
build cache. The page plugins never import each other."""
