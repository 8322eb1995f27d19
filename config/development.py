"""`make run` and `consult run` on a developer's machine: SQLite under instance/."""

DEBUG = False
SECRET_KEY_FROM_INSTANCE = True  # instance/secret_key, made on first start
