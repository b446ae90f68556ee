"""HTTP conventions shared by every route: the table helper, lists, versions."""
