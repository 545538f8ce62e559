"""WSGI entry point for gunicorn: `gunicorn wsgi:app` (settings in gunicorn.conf.py)."""

from portal import create_app
from portal.core.serving import prepare_for_workers

app = create_app()
prepare_for_workers(app)
