"""gunicorn's settings for the portal; gunicorn reads this file from the directory it starts in
(`make run`, the browser tests and the benchmarks all start it here). Anything on the command
line wins over it.

The app is loaded once, in the master, before the workers fork (preload_app): wsgi.py then
loads what would otherwise make some early request wait (the jieba dictionary, every template,
both catalogues) and freezes it out of the garbage collector's reach, so that the workers share
those pages of memory instead of each copying them.
"""

preload_app = True
