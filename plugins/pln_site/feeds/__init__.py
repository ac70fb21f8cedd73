"""The feed engine: fetch over HTTP (http/), read what came back (parse/), clean its HTML
(sanitize), decide and record each update (update). No Pelican here: the parse workers import
only this package."""
