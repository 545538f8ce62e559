"""Getting a process ready to serve before the first request: called by wsgi.py, that is once in
gunicorn's master before the workers fork (gunicorn.conf.py preloads the app).

- The jieba dictionary (about 3 s and most of a worker's memory), every template and both
  message catalogues are loaded here, so no citizen's request waits for them and the workers
  share the memory (copy-on-write) instead of each loading its own.
- `gc.freeze()` moves everything loaded so far out of the collector's sight: a collection in a
  worker would otherwise touch (and so copy) every shared page.
- Database connections opened while loading (SQLite's settings are checked at start) are
  dropped, so that no two workers ever share one: each opens its own after the fork.
"""

from __future__ import annotations

import gc
import logging
import time

from flask import Flask
from flask_babel import force_locale, get_translations

from portal.core import segmenter
from portal.extensions import db

log = logging.getLogger(__name__)


def prepare_for_workers(app: Flask) -> None:
    started = time.perf_counter()
    segmenter.load()
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for locale in app.config["LANGUAGES"]:
            with force_locale(locale):
                get_translations()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    gc.collect()
    gc.freeze()
    log.info("ready to serve in %.2f s", time.perf_counter() - started)
