"""What the `invoke` tasks run: each task in tasks.py is a thin call into one of these modules.

Nothing here runs during a Pelican build.
"""
