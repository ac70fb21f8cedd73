"""Members: the model of a member file, its loader and validation, and writing new files. No
Pelican here."""
