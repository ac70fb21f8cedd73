"""Fetching feeds: the guarded HTTP client (guard), one fetch with its limits (fetch), and the
clients shared across a run (clients)."""
