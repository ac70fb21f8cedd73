"""The owner's weekly commands: add a member from a homepage, import a feed reader's OPML,
share a post from the reading feed back to the network.

tasks.py calls these; they are not a Pelican plugin (nothing here runs during a build).
"""
