"""Extension objects, created unbound and initialised in create_app()."""

import flask_login
from flask import session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects keep their loaded values after the request's commit, so rendering the page that
# follows a write does not open a second (on SQLite, write-locking) transaction just to reload.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=naming_convention),
    session_options={"expire_on_commit": False},
)


class LoginManager(flask_login.LoginManager):
    """Flask-Login's "strong" session protection for sessions that hold a login only. Flask-Login
    also ran it on an anonymous visitor's session (a form's CSRF token), where the missing
    identifier counted as a mismatch: it rewrote the session and cleared a remember cookie on
    every request, so after one form a citizen got two Set-Cookie headers on every public page
    and no page could be cached for them."""

    def _session_protection_failed(self) -> bool:
        return "_user_id" in session and super()._session_protection_failed()


migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
