"""``naql serve``: a web app and JSON API over an index (FastAPI; the ``web`` extra).

``app`` builds the application (:func:`create_app`), ``api`` holds the JSON routes and their
models, ``pages`` the HTML pages and their templates, ``served`` the index as the routes use it.
"""

from naql.server.app import create_app

__all__ = ["create_app"]
