"""Moved to pln_site.site.avatars (the roster's avatars, which both page plugins show). This
name stays only for tests/browser/test_network_picture.py, until it imports from there."""

from pln_site.site.avatars import is_raster, resize_avatar, resized_name

__all__ = ["is_raster", "resize_avatar", "resized_name"]
