"""The SQLite store of fetched entries and of each feed's HTTP state. No Pelican here."""
