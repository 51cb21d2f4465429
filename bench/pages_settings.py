"""Settings of bench_pages.py's gunicorn: the application's, with the bench's trivial view added."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "pages_urls"
