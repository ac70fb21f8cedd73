"""Finding a person on the web: their homepage's h-card, their feeds, their photo.

`invoke add-member` and `import-opml` use it; it imports no Pelican.
"""
