"""The Sunshine Procuratorate Portal (阳光检务).

create_app() only wires things together: configuration, extensions, blueprints, error pages,
template helpers and CLI commands. Rules live in each domain's services and workflow modules.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, request
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as portal_config
from portal.core import (  # noqa: F401  (registers the limiter store)
    assets,
    credentials,
    errors,
    i18n,
    logs,
    pagecache,
    ratelimit_store,
    security,
    widgets,
)
from portal.core.converters import register as register_converters
from portal.core.database import tune_sqlite
from portal.core.input_guard import register as register_input_guard
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(portal_config.instance_path(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(portal_config.load(Path(app.instance_path), overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1)
    logging.basicConfig(level=logging.INFO)
    logs.escape_control_characters()  # in every log record, gunicorn's access log included

    register_converters(app)  # before the blueprints add their rules
    widgets.install()  # WTForms' attributes drawn without string.Formatter
    _init_extensions(app)
    register_input_guard(app)
    _register_blueprints(app)
    errors.register(app)
    _register_template_helpers(app)
    _register_cli(app)

    # Security headers on every response; no-store on every page that is not the same for
    # everyone: these blueprints' public pages are (portal/core/security.py has the rule).
    security.init_app(
        app, cacheable_blueprints=("site", "disclosure", "api", "statistics", "statistics_api")
    )
    # Public pages stored once rendered, and served before Flask while current.
    pagecache.init_app(app, ROOT, is_logged_in=security.is_logged_in)
    assets.init_app(app)  # static URLs named by content, kept a year
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)

    login_manager.init_app(app)
    login_manager.user_loader(credentials.load_account)
    app.before_request(credentials.load_current_account)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page itself says what to do
    login_manager.session_protection = "strong"

    # Import every model so that metadata (and migrations) see all tables.
    from portal.accounts import models as _accounts  # noqa: F401
    from portal.appointments import models as _appointments  # noqa: F401
    from portal.calendar import models as _calendar  # noqa: F401
    from portal.cases import models as _cases  # noqa: F401
    from portal.certificates import models as _certificates  # noqa: F401
    from portal.core import audit as _audit  # noqa: F401
    from portal.core import filestore as _filestore  # noqa: F401
    from portal.core import outbox as _outbox  # noqa: F401
    from portal.core import submission_keys as _submission_keys  # noqa: F401
    from portal.deputies import models as _deputies  # noqa: F401
    from portal.disclosure import models as _disclosure  # noqa: F401
    from portal.lawyers import models as _lawyers  # noqa: F401
    from portal.leads import models as _leads  # noqa: F401
    from portal.openhouse import models as _openhouse  # noqa: F401
    from portal.petitions import models as _petitions  # noqa: F401
    from portal.statistics import models as _statistics  # noqa: F401
    from portal.statistics import services as _statistics_totals  # noqa: F401  (the flush hook)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import admin as users_admin
    from portal.accounts import views as accounts
    from portal.appointments import admin as appointments_admin
    from portal.appointments import views as appointments
    from portal.calendar import admin as calendar_admin
    from portal.cases import admin as cases_admin
    from portal.cases import views as cases
    from portal.certificates import admin as certificates_admin
    from portal.certificates import views as certificates
    from portal.deputies import admin as deputies_admin
    from portal.deputies import views as deputies
    from portal.disclosure import admin as disclosure_admin
    from portal.disclosure import api
    from portal.disclosure import views as disclosure
    from portal.lawyers import admin as lawyers_admin
    from portal.lawyers import views as lawyers
    from portal.leads import views as leads
    from portal.openhouse import admin as openhouse_admin
    from portal.openhouse import views as openhouse
    from portal.operations import admin as operations_admin
    from portal.petitions import admin as backoffice
    from portal.petitions import views as petitions
    from portal.site import views as site
    from portal.statistics import admin as statistics_admin
    from portal.statistics import api as statistics_api
    from portal.statistics import views as statistics

    for module in (
        site, petitions, accounts, backoffice, users_admin, calendar_admin,
        cases, cases_admin, disclosure, disclosure_admin, api,
        lawyers, lawyers_admin, appointments, appointments_admin, operations_admin, leads,
        statistics, statistics_admin, statistics_api,
        certificates, certificates_admin,
        deputies, deputies_admin,
        openhouse, openhouse_admin,
    ):  # fmt: skip
        app.register_blueprint(module.bp)


def _register_template_helpers(app: Flask) -> None:
    from portal.core.attachments import size_label
    from portal.core.clock import local_today
    from portal.core.fragments import kept_fragment
    from portal.core.i18n import (
        ReadersPunctuation,
        format_date,
        format_datetime,
        format_day,
        format_list,
        format_month,
        format_time_range,
        format_times,
        weekday_names,
    )
    from portal.core.permissions import can_open
    from portal.core.urls import public_url

    app.jinja_env.add_extension("jinja2.ext.do")
    i18n.install_template_gettext(app.jinja_env)
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    # Appointments: `slot.starts_at|time_range(slot.ends_at)`, `day|day`, `start|times(end)`.
    app.jinja_env.filters["time_range"] = format_time_range
    app.jinja_env.filters["times"] = format_times
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.globals["weekday_names"] = weekday_names

    app.jinja_env.filters["file_size"] = size_label
    app.jinja_env.filters["listed"] = format_list
    app.jinja_env.globals["punct"] = ReadersPunctuation()
    app.jinja_env.globals["can_open"] = can_open
    app.jinja_env.globals["kept_fragment"] = kept_fragment
    app.jinja_env.globals["public_url"] = public_url  # links printed or sent: PUBLIC_BASE_URL

    @app.context_processor
    def globals_for_templates():
        locale = get_locale()
        return {
            "html_lang": i18n.html_lang(locale),
            "current_locale": str(locale),
            "is_chinese": str(locale).startswith("zh"),
            "procuratorate_name": app.config["PROCURATORATE_NAME"]
            if str(locale).startswith("zh")
            else app.config["PROCURATORATE_NAME_EN"],
            "local_today": local_today,
            "request_path": request.full_path.rstrip("?") if request else "/",
            **i18n.page_gettext(),
        }


def _register_cli(app: Flask) -> None:
    from portal.accounts.cli import users_cli
    from portal.core.filecheck import check_files_command
    from portal.demo import demo_data
    from portal.disclosure.cli import search_cli
    from portal.operations.audit_cli import audit_cli
    from portal.operations.cli import send_mail, send_sms
    from portal.petitions.cli import index_duplicates, sweep_deadlines
    from portal.simulation.cli import simulate
    from portal.statistics.cli import statistics_cli
    from portal.worker import worker_command

    app.cli.add_command(users_cli)
    app.cli.add_command(sweep_deadlines)
    app.cli.add_command(index_duplicates)
    app.cli.add_command(send_mail)
    app.cli.add_command(send_sms)
    app.cli.add_command(worker_command)
    app.cli.add_command(demo_data)
    app.cli.add_command(check_files_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(statistics_cli)
    app.cli.add_command(simulate)
    app.cli.add_command(search_cli)
