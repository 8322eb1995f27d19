"""`make run` and `consult run` on a developer's machine: SQLite under instance/."""

DEBUG = False
