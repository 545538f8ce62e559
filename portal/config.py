"""Settings, read from environment variables in this one place.

`PORTAL_ENV` picks the profile: ``production`` (the default, so that a forgotten variable fails
safe), ``development`` (what `make run` uses: a generated secret kept under ``instance/``, cookies
without ``Secure`` because the demo is served over plain HTTP on localhost) or ``testing``.
Production refuses to start without ``SECRET_KEY`` and ``CODE_HASH_KEY``.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where Debian's fonts-noto-cjk puts its fonts.
NOTO_CJK = "/usr/share/fonts/opentype/noto"


# Shorter than this, a code hash key is a password, not a key (token_hex(32) gives 64).
MIN_CODE_HASH_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _templates(name: str) -> dict[str, str]:
    """ "kind=id,kind.lang=id,..." as a mapping; an entry without "=" is a mistake to report."""
    templates = {}
    for entry in (_env(name) or "").split(","):
        if not entry.strip():
            continue
        kind, equals, template_id = entry.partition("=")
        if not equals or not kind.strip() or not template_id.strip():
            raise ConfigurationError(
                f"{name} must list kind=template id pairs separated by commas, "
                f"e.g. received=SMS_1001,accepted=SMS_1002; got {entry.strip()!r}"
            )
        templates[kind.strip()] = template_id.strip()
    return templates


def _development_secret(instance_path: Path, name: str = "secret_key") -> str:
    """A random secret generated once per checkout, so `make run` needs no setup."""
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def instance_path(default: Path) -> Path:
    """This host's own folder (INSTANCE_PATH, else `instance/` in the checkout): the SQLite
    database and uploads by default, the segmenter's dictionary, the page cache's generations
    without Redis. Each host of a cluster has its own; what they share lives in PostgreSQL and
    Redis."""
    return Path(_env("INSTANCE_PATH", str(default)))


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment (and test overrides)."""
    env = (overrides or {}).get("PORTAL_ENV") or _env("PORTAL_ENV", "production")
    if env not in {"production", "development", "testing"}:
        raise ConfigurationError(
            f"PORTAL_ENV must be production, development or testing, got {env!r}"
        )
    is_production = env == "production"

    secret = _env("SECRET_KEY")
    if secret is None and not is_production:
        secret = _development_secret(instance_path)
    code_hash_key = _env("CODE_HASH_KEY")
    if code_hash_key is None and not is_production:
        code_hash_key = _development_secret(instance_path, "code_hash_key")

    default_db = f"sqlite:///{instance_path / 'portal.sqlite'}"
    database_url = _env("DATABASE_URL", default_db)
    if database_url.startswith("postgres://"):  # the spelling some hosts hand out
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    config = {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret,
        # Query, cancel and case codes are stored as HMACs under this key (portal/core/codes.py),
        # kept out of the database. To rotate it, set a new CODE_HASH_KEY and list the previous
        # ones, comma-separated, in CODE_HASH_OLD_KEYS: their hashes keep working and are
        # replaced at each code's next successful lookup.
        "CODE_HASH_KEY": code_hash_key,
        "CODE_HASH_OLD_KEYS": tuple(
            k.strip() for k in (_env("CODE_HASH_OLD_KEYS") or "").split(",") if k.strip()
        ),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A pooled connection is checked before each use and replaced if the server dropped it
        # (PostgreSQL restarted, connections killed), so the first request after needs no retry.
        # Not SQLite's: a file has no server to lose it, and a connection that fails is thrown
        # away by core/database.py.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        # Session cookies: signed, and carrying only the login session's id (core/sessions.py).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", is_production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", is_production),
        # Logins are server-side sessions (portal/core/sessions.py): one ends after this many
        # minutes without a request, and this many hours after the login whatever the activity,
        # for staff and lawyers alike. The cookie never outlives the absolute limit either.
        "IDLE_TIMEOUT_MINUTES": _env_int("IDLE_TIMEOUT_MINUTES", 30),
        "ABSOLUTE_TIMEOUT_HOURS": _env_int("ABSOLUTE_TIMEOUT_HOURS", 12),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("ABSOLUTE_TIMEOUT_HOURS", 12)),
        # A petition can take an elderly citizen a long time to type: the CSRF token lives as
        # long as the session rather than Flask-WTF's default hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_I18N_ENABLED": False,
        # Uploads: 5 files of at most 10 MB each; the request as a whole is capped a little above.
        "MAX_ATTACHMENTS": 5,
        "MAX_ATTACHMENT_BYTES": _env_int("MAX_ATTACHMENT_MB", 10) * 1024 * 1024,
        "MAX_CONTENT_LENGTH": (5 * _env_int("MAX_ATTACHMENT_MB", 10) + 1) * 1024 * 1024,
        "UPLOAD_DIR": _env("UPLOAD_DIR", str(instance_path / "uploads")),
        # Where uploaded files live (portal/core/filestore.py): "disk" (UPLOAD_DIR, one host) or
        # "database" (the stored_files table, which every host reads).
        "FILE_STORE": _env("FILE_STORE", "disk"),
        # Files accepted on a form that went back for correction are held this long for it
        # (core/attachments.py); then `flask check-files --remove-orphans` removes them.
        "HELD_UPLOAD_HOURS": _env_int("HELD_UPLOAD_HOURS", 24),
        # Virus scan of every upload by ClamAV's clamd (portal/core/clamd.py): a Unix socket
        # and/or a TCP address; neither (the default) means no scan. Once configured, a scanner
        # that does not answer within CLAMD_TIMEOUT seconds refuses the upload: nothing is
        # accepted unscanned. clamd's signatures are kept current by freshclam on that host.
        "CLAMD_SOCKET": _env("CLAMD_SOCKET"),
        "CLAMD_HOST": _env("CLAMD_HOST"),
        "CLAMD_PORT": _env_int("CLAMD_PORT", 3310),
        "CLAMD_TIMEOUT": _env_int("CLAMD_TIMEOUT", 30),
        # Languages: Simplified Chinese first.
        "LANGUAGES": ["zh_Hans_CN", "en"],
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": _env("PORTAL_TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        # The institution, as printed on pages and replies.
        "PROCURATORATE_NAME": _env("PROCURATORATE_NAME", "示例市人民检察院"),
        "PROCURATORATE_NAME_EN": _env(
            "PROCURATORATE_NAME_EN", "Example City People's Procuratorate"
        ),
        # The site's identity, in the header and footer of every page (portal/site/identity.py):
        # the emblem (a file under static/; empty for none), and the registrations a Chinese
        # government site shows in its footer, each shown only once set: the ICP filing number
        # (ICP备案号), the public security filing number (公安机关备案号, its digits link to the
        # filing record) and the government website code (政府网站标识码).
        "SITE_EMBLEM": _env("SITE_EMBLEM", "emblem.svg"),
        "SITE_ICP_NUMBER": _env("SITE_ICP_NUMBER", ""),
        "SITE_PSB_NUMBER": _env("SITE_PSB_NUMBER", ""),
        "SITE_GOV_CODE": _env("SITE_GOV_CODE", ""),
        # The procuratorate's service centre (检察服务中心), on the contact page and in the footer:
        # the demo procuratorate's until set. Phone numbers become tap-to-call links.
        "SERVICE_CENTRE_ADDRESS": _env(
            "SERVICE_CENTRE_ADDRESS", "示例市示例区人民路100号（邮编：100000）"
        ),
        "SERVICE_CENTRE_ADDRESS_EN": _env(
            "SERVICE_CENTRE_ADDRESS_EN",
            "100 Renmin Road, Example District, Example City (postcode 100000)",
        ),
        "SERVICE_CENTRE_PHONE": _env("SERVICE_CENTRE_PHONE", "010-12345678"),
        "SERVICE_CENTRE_HOTLINE": _env("SERVICE_CENTRE_HOTLINE", "12309"),
        "SERVICE_CENTRE_HOURS": _env(
            "SERVICE_CENTRE_HOURS",
            "周一至周五 9:00—12:00，13:30—17:30（法定节假日除外）",
        ),
        "SERVICE_CENTRE_HOURS_EN": _env(
            "SERVICE_CENTRE_HOURS_EN",
            "Monday to Friday, 9:00–12:00 and 13:30–17:30, except public holidays",
        ),
        "SERVICE_CENTRE_DIRECTIONS": _env(
            "SERVICE_CENTRE_DIRECTIONS",
            "地铁1号线人民路站B出口向北步行约300米；公交12路、35路在“市检察院”站下车。"
            "服务中心在大楼东侧一层，入口有无障碍坡道。",
        ),
        "SERVICE_CENTRE_DIRECTIONS_EN": _env(
            "SERVICE_CENTRE_DIRECTIONS_EN",
            "Metro line 1 to Renmin Road, exit B, then about 300 m north; buses 12 and 35 to "
            "the City Procuratorate stop. The service centre is on the ground floor of the east "
            "side of the building; the entrance has a ramp.",
        ),
        # Written notices (portal/petitions/documents.py): the prefix of their document numbers
        # (机关代字, e.g. 示检控告 gives 示检控告受〔2026〕12号), and the font embedded in the PDFs,
        # which must hold Chinese characters (a .ttc collection: its Simplified Chinese face).
        "NOTICE_NUMBER_PREFIX": _env("NOTICE_NUMBER_PREFIX", "示检控告"),
        "NOTICE_FONT": _env("NOTICE_FONT", f"{NOTO_CJK}/NotoSerifCJK-Regular.ttc"),
        # Deadlines (see portal/petitions/deadlines.py for the rules they encode).
        "ACK_DAYS": _env_int("ACK_DAYS", 7),
        "ACK_DAY_KIND": _env("ACK_DAY_KIND", "calendar"),
        "ANSWER_MONTHS": _env_int("ANSWER_MONTHS", 3),
        "FOLLOW_UP_MONTHS": _env_int("FOLLOW_UP_MONTHS", 1),
        "DUE_SOON_DAYS": _env_int("DUE_SOON_DAYS", 2),
        "AUTO_CLOSE_DAYS": _env_int("AUTO_CLOSE_DAYS", 15),
        # The deadline sweep commits every this many petitions: on SQLite each batch holds the
        # write lock that citizens' submissions wait for (portal/petitions/services.py).
        "SWEEP_BATCH_SIZE": _env_int("SWEEP_BATCH_SIZE", 200),
        # `flask worker` (portal/worker.py): a round of sending every
        # WORKER_POLL_SECONDS, the deadline sweep every SWEEP_EVERY_MINUTES.
        "WORKER_POLL_SECONDS": _env_int("WORKER_POLL_SECONDS", 5),
        "SWEEP_EVERY_MINUTES": _env_int("SWEEP_EVERY_MINUTES", 60),
        # Logins and lookups: failures per (account or number, client), per client, and per
        # account or number from all clients (the rule is in portal/core/throttle.py).
        "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _env_int("LOGIN_LOCK_MINUTES", 15),
        "LOGIN_CLIENT_MAX_FAILURES": _env_int("LOGIN_CLIENT_MAX_FAILURES", 30),
        "LOGIN_SLOW_AFTER": _env_int("LOGIN_SLOW_AFTER", 50),
        "LOGIN_SLOW_SECONDS": _env_int("LOGIN_SLOW_SECONDS", 60),
        "LOOKUP_MAX_FAILURES": _env_int("LOOKUP_MAX_FAILURES", 5),
        "LOOKUP_LOCK_MINUTES": _env_int("LOOKUP_LOCK_MINUTES", 30),
        "LOOKUP_CLIENT_MAX_FAILURES": _env_int("LOOKUP_CLIENT_MAX_FAILURES", 30),
        "LOOKUP_SLOW_AFTER": _env_int("LOOKUP_SLOW_AFTER", 50),
        "LOOKUP_SLOW_SECONDS": _env_int("LOOKUP_SLOW_SECONDS", 60),
        "PROGRESS_ACCESS_MINUTES": _env_int("PROGRESS_ACCESS_MINUTES", 30),
        # Rate limits (Flask-Limiter). Counts must be shared by all gunicorn workers: Redis when
        # REDIS_URL is set, otherwise a table every worker reads (portal/core/ratelimit_store.py).
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_HEADERS_ENABLED": False,
        # Public forms (core/submission_limits.py): successful submissions per client, and every
        # sending of the form, failed ones included, much higher, against scripts.
        "PUBLIC_FORM_LIMIT": _env("PUBLIC_FORM_LIMIT", "5 per minute;30 per hour"),
        "PUBLIC_FORM_ATTEMPT_LIMIT": _env(
            "PUBLIC_FORM_ATTEMPT_LIMIT", "30 per minute;300 per hour"
        ),
        "LOOKUP_LIMIT": _env("LOOKUP_LIMIT", "10 per minute;60 per hour"),
        "LOGIN_LIMIT": _env("LOGIN_LIMIT", "10 per minute;100 per hour"),
        "SEARCH_LIMIT": _env("SEARCH_LIMIT", "60 per minute;1000 per hour"),
        # PDFs of published documents: each copy is kept by the page cache, but a PDF that is
        # not (a new address) takes a CJK font's subsetting to make.
        "DOCUMENT_PDF_LIMIT": _env("DOCUMENT_PDF_LIMIT", "20 per minute;200 per hour"),
        # Mail: replies go out over SMTP from the outbox (`flask --app portal send-mail`).
        "MAIL_SERVER": _env("MAIL_SERVER"),
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_FROM": _env("MAIL_FROM", "noreply@procuratorate.example"),
        # A failed send is tried again after MAIL_RETRY_BASE_SECONDS, then twice as long each
        # time, never more than MAIL_RETRY_CAP_MINUTES apart, until MAIL_RETRY_HOURS after it
        # was queued; then it is given up, logged as an ERROR and listed for administrators
        # to retry. A message waiting longer than MAIL_STUCK_MINUTES counts as stuck: send-mail
        # warns, and the administrators' dashboard counts it (portal/core/outbox.py).
        "MAIL_RETRY_BASE_SECONDS": _env_int("MAIL_RETRY_BASE_SECONDS", 60),
        "MAIL_RETRY_CAP_MINUTES": _env_int("MAIL_RETRY_CAP_MINUTES", 60),
        "MAIL_RETRY_HOURS": _env_int("MAIL_RETRY_HOURS", 72),
        "MAIL_STUCK_MINUTES": _env_int("MAIL_STUCK_MINUTES", 60),
        # SMS: messages to petitioners go out from the outbox (`flask --app portal send-sms`)
        # through an HTTP gateway of the Aliyun/Tencent shape (portal/core/sms.py): a signed
        # request with an access key, an approved sign name, and a template id per kind of
        # message, SMS_TEMPLATES="received=SMS_1001,accepted=SMS_1002,received.en=SMS_2001,...".
        # Retries as for mail, with their own settings.
        "SMS_GATEWAY_URL": _env("SMS_GATEWAY_URL"),
        "SMS_ACCESS_KEY_ID": _env("SMS_ACCESS_KEY_ID"),
        "SMS_ACCESS_KEY_SECRET": _env("SMS_ACCESS_KEY_SECRET"),
        "SMS_SIGN_NAME": _env("SMS_SIGN_NAME"),
        "SMS_TEMPLATES": _templates("SMS_TEMPLATES"),
        "SMS_TIMEOUT_SECONDS": _env_int("SMS_TIMEOUT_SECONDS", 10),
        "SMS_RETRY_BASE_SECONDS": _env_int("SMS_RETRY_BASE_SECONDS", 60),
        "SMS_RETRY_CAP_MINUTES": _env_int("SMS_RETRY_CAP_MINUTES", 60),
        "SMS_RETRY_HOURS": _env_int("SMS_RETRY_HOURS", 24),
        # Recovering a lost query code (portal/petitions/recovery.py): a one-time code sent to
        # the petition's mobile (or e-mail) stays valid this many minutes; wrong codes are
        # throttled by the RECOVERY_... rule of portal/core/throttle.py, and one number gets at
        # most RECOVERY_CODES_PER_HOUR codes sent.
        "RECOVERY_CODE_MINUTES": _env_int("RECOVERY_CODE_MINUTES", 10),
        "RECOVERY_CODES_PER_HOUR": _env_int("RECOVERY_CODES_PER_HOUR", 3),
        "RECOVERY_MAX_FAILURES": _env_int("RECOVERY_MAX_FAILURES", 5),
        "RECOVERY_LOCK_MINUTES": _env_int("RECOVERY_LOCK_MINUTES", 30),
        "RECOVERY_CLIENT_MAX_FAILURES": _env_int("RECOVERY_CLIENT_MAX_FAILURES", 20),
        "RECOVERY_SLOW_AFTER": _env_int("RECOVERY_SLOW_AFTER", 30),
        "RECOVERY_SLOW_SECONDS": _env_int("RECOVERY_SLOW_SECONDS", 60),
        "RECOVERY_LIMIT": _env("RECOVERY_LIMIT", "5 per minute;20 per hour"),
        # The portal's public address: every link that leaves a page (e-mails, the Atom feed,
        # the API's "url" fields, printed notices) is built from it, never from the request's
        # Host header; in production its host is the one trusted host (see _production_guards).
        "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        # Lawyer services and appointments (portal/appointments/availability.py and services.py).
        # A slot can be booked from this many minutes before it starts, up to this many days
        # ahead; bookings can be moved or cancelled online until this many hours before.
        "BOOKING_MIN_NOTICE_MINUTES": _env_int("BOOKING_MIN_NOTICE_MINUTES", 30),
        "BOOKING_HORIZON_DAYS": _env_int("BOOKING_HORIZON_DAYS", 90),
        "BOOKING_CHANGE_CUTOFF_HOURS": _env_int("BOOKING_CHANGE_CUTOFF_HOURS", 24),
        # How long the e-mail confirmation link for a lawyer's account stays valid, and how many
        # times an hour a lawyer can have it sent again.
        "LAWYER_CONFIRM_HOURS": _env_int("LAWYER_CONFIRM_HOURS", 48),
        "CONFIRMATION_RESEND_PER_HOUR": _env_int("CONFIRMATION_RESEND_PER_HOUR", 3),
        # Lawyers' password reset by e-mail: the link's lifetime, how many links one account
        # (or one unknown address) gets within that time, and the limit per client.
        "PASSWORD_RESET_MINUTES": _env_int("PASSWORD_RESET_MINUTES", 30),
        "PASSWORD_RESET_PER_ACCOUNT": _env_int("PASSWORD_RESET_PER_ACCOUNT", 3),
        "PASSWORD_RESET_LIMIT": _env("PASSWORD_RESET_LIMIT", "5 per minute;20 per hour"),
        # How long a delivered electronic case file stays downloadable (互联网阅卷), by default.
        "CASE_FILE_ACCESS_DAYS": _env_int("CASE_FILE_ACCESS_DAYS", 15),
        # Deputies' and members' liaison (portal/deputies): the months within which a
        # suggestion is answered (services.py quotes the rule), how many days before that the
        # staff queue calls it due soon, how long the link to choose a password stays valid,
        # and the satisfaction target shown beside the rates (95%: the target of the seeds).
        "DEPUTY_ANSWER_MONTHS": _env_int("DEPUTY_ANSWER_MONTHS", 3),
        "DEPUTY_DUE_SOON_DAYS": _env_int("DEPUTY_DUE_SOON_DAYS", 10),
        "DEPUTY_LINK_HOURS": _env_int("DEPUTY_LINK_HOURS", 72),
        "DEPUTY_TARGET_PERCENT": _env_int("DEPUTY_TARGET_PERCENT", 95),
        # Number of reverse proxies in front whose X-Forwarded-For may be trusted.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # Redis, shared by every host: rate-limit counters and the page cache. Several hosts
        # need it; one host does without (a table for the counters, memory and a file under
        # instance/ for the pages).
        "REDIS_URL": _env("REDIS_URL"),
        # Public pages rendered once per language and served from a cache until what they show
        # changes (portal/core/pagecache.py); every stored page is re-rendered at least every
        # PAGE_CACHE_SECONDS. PAGE_CACHE_ENTRIES bounds each worker's store without Redis.
        "PAGE_CACHE_ENABLED": _env_bool("PAGE_CACHE_ENABLED", True),
        "PAGE_CACHE_SECONDS": _env_int("PAGE_CACHE_SECONDS", 600),
        "PAGE_CACHE_ENTRIES": _env_int("PAGE_CACHE_ENTRIES", 2000),
    }
    redis_url = config["REDIS_URL"]
    if redis_url:
        config["RATELIMIT_STORAGE_URI"] = redis_url
        # Redis down: each worker counts alone until it is back (not an outage; the same for
        # login throttling, core/throttle.py FailSafeStore).
        config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    else:
        # Without Redis there is one host: its workers share a SQLite file of counters, also
        # beside PostgreSQL, where each count would be a round trip (core/ratelimit_store.py).
        config["RATELIMIT_STORAGE_URI"] = "portal-sql://"
        limits_db = (
            _env("RATELIMIT_DATABASE_URL") or f"sqlite:///{instance_path / 'ratelimits.sqlite'}"
        )
        config["RATELIMIT_STORAGE_OPTIONS"] = {"database_url": limits_db}

    if env == "testing":
        config.update(TESTING=True, SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    config.update(overrides or {})
    validate(config)
    if is_production and "PUBLIC_BASE_URL" not in (overrides or {}) and not _env("PUBLIC_BASE_URL"):
        raise ConfigurationError(
            "PUBLIC_BASE_URL is not set. In production set it to the portal's public address, "
            "e.g. https://portal.example.org: links in e-mails, the feed and the API are built "
            "from it, and only its host is served."
        )
    _production_guards(config, is_production)
    return config


def _production_guards(config: dict, is_production: bool) -> None:
    """Hosts and cookie names, derived once the profile and any overrides are known.

    TRUSTED_HOSTS (Flask's setting): in production only the host of PUBLIC_BASE_URL, plus any
    named in the TRUSTED_HOSTS environment variable (comma-separated; ".example.org" admits its
    subdomains), is served; a request naming another Host gets 400 before any view runs. Links
    that leave the site are built from PUBLIC_BASE_URL (portal/core/urls.py), never from Host.
    Elsewhere every host is served unless TRUSTED_HOSTS is set.

    Cookies: with Secure on (production), the session, remember, language and display-mode
    cookies carry the `__Host-` prefix, so the browser accepts them only over HTTPS, for this
    exact host (no Domain) and Path=/; a sibling subdomain cannot plant or overwrite them. Development over
    plain HTTP keeps the plain names, which browsers accept without Secure.
    """
    extra = [h.strip() for h in (_env("TRUSTED_HOSTS") or "").split(",") if h.strip()]
    if "TRUSTED_HOSTS" not in config and (is_production or extra):
        base_host = urlsplit(config["PUBLIC_BASE_URL"]).hostname
        config["TRUSTED_HOSTS"] = [*([base_host] if base_host else []), *extra]
    prefix = "__Host-" if config["SESSION_COOKIE_SECURE"] else ""
    config.setdefault("SESSION_COOKIE_NAME", f"{prefix}session")
    config.setdefault("REMEMBER_COOKIE_NAME", f"{prefix}remember_token")
    config.setdefault("LOCALE_COOKIE_NAME", f"{prefix}locale" if prefix else "portal_locale")
    # The elderly mode (长辈版) is remembered like the language, in a cookie of its own.
    config.setdefault(
        "DISPLAY_MODE_COOKIE_NAME", f"{prefix}display" if prefix else "portal_display"
    )
    # A public page is rendered differently for each value of these cookies; the page cache
    # keeps a copy per combination (portal/core/pagecache.py).
    config.setdefault(
        "PAGE_VARIANT_COOKIES",
        (config["LOCALE_COOKIE_NAME"], config["DISPLAY_MODE_COOKIE_NAME"]),
    )
    # `__Host-` cookies must say Path=/ and carry no Domain, also under a script root.
    config.setdefault("SESSION_COOKIE_PATH", "/")
    config.setdefault("SESSION_COOKIE_DOMAIN", None)
    config.setdefault("REMEMBER_COOKIE_PATH", "/")
    config.setdefault("REMEMBER_COOKIE_DOMAIN", None)


def validate(config: dict) -> None:
    """Fail fast with a message an operator can act on."""
    if not config.get("SECRET_KEY"):
        raise ConfigurationError(
            "SECRET_KEY is not set. In production set the SECRET_KEY environment variable to a "
            "long random value (for example: python -c 'import secrets; print(secrets.token_hex(32))'); "
            "for a local demo set PORTAL_ENV=development."
        )
    _validate_code_hash_keys(config)
    try:
        base = urlsplit(config["PUBLIC_BASE_URL"])
        host = base.hostname
    except ValueError:
        base, host = None, None
    if not host or base.scheme not in {"http", "https"} or base.query or base.fragment:
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be the portal's public address, e.g. https://portal.example.org "
            f"(links in e-mails, the feed and the API are built from it), got {config['PUBLIC_BASE_URL']!r}"
        )
    gateway = config.get("SMS_GATEWAY_URL")
    if gateway and urlsplit(gateway).scheme not in {"http", "https"}:
        raise ConfigurationError(
            f"SMS_GATEWAY_URL must be the gateway's http(s) address, got {gateway!r}"
        )
    if config["FILE_STORE"] not in {"disk", "database"}:
        raise ConfigurationError("FILE_STORE must be 'disk' or 'database'")
    if config["FILE_STORE"] == "database" and not config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
        raise ConfigurationError(
            "FILE_STORE=database is for several hosts on PostgreSQL; with SQLite use 'disk'"
        )
    if config["ACK_DAY_KIND"] not in {"calendar", "working"}:
        raise ConfigurationError("ACK_DAY_KIND must be 'calendar' or 'working'")
    for key in (
        "ACK_DAYS",
        "ANSWER_MONTHS",
        "FOLLOW_UP_MONTHS",
        "SWEEP_BATCH_SIZE",
        "WORKER_POLL_SECONDS",
        "SWEEP_EVERY_MINUTES",
    ):
        if config[key] < 1:
            raise ConfigurationError(f"{key} must be at least 1")
    for key in ("BOOKING_MIN_NOTICE_MINUTES", "BOOKING_CHANGE_CUTOFF_HOURS"):
        if config[key] < 0:
            raise ConfigurationError(f"{key} must be 0 or more")
    for kind in ("LOGIN", "LOOKUP", "RECOVERY"):
        for suffix in (
            "MAX_FAILURES",
            "LOCK_MINUTES",
            "CLIENT_MAX_FAILURES",
            "SLOW_AFTER",
            "SLOW_SECONDS",
        ):
            if config[f"{kind}_{suffix}"] < 1:
                raise ConfigurationError(f"{kind}_{suffix} must be at least 1")
    for key in (
        "BOOKING_HORIZON_DAYS",
        "LAWYER_CONFIRM_HOURS",
        "CASE_FILE_ACCESS_DAYS",
        "DEPUTY_ANSWER_MONTHS",
        "DEPUTY_LINK_HOURS",
        "IDLE_TIMEOUT_MINUTES",
        "ABSOLUTE_TIMEOUT_HOURS",
        "CONFIRMATION_RESEND_PER_HOUR",
        "PASSWORD_RESET_MINUTES",
        "PASSWORD_RESET_PER_ACCOUNT",
        "MAIL_RETRY_BASE_SECONDS",
        "MAIL_RETRY_CAP_MINUTES",
        "MAIL_RETRY_HOURS",
        "MAIL_STUCK_MINUTES",
        "SMS_TIMEOUT_SECONDS",
        "SMS_RETRY_BASE_SECONDS",
        "SMS_RETRY_CAP_MINUTES",
        "SMS_RETRY_HOURS",
        "RECOVERY_CODE_MINUTES",
        "RECOVERY_CODES_PER_HOUR",
    ):
        if config[key] < 1:
            raise ConfigurationError(f"{key} must be at least 1")
    if not 1 <= config["CLAMD_PORT"] <= 65535 or config["CLAMD_TIMEOUT"] < 1:
        raise ConfigurationError("CLAMD_PORT must be a port number and CLAMD_TIMEOUT at least 1")
    if not config["NOTICE_NUMBER_PREFIX"].strip():
        raise ConfigurationError("NOTICE_NUMBER_PREFIX must not be empty")
    message = missing_notice_font(config)
    if message and config["PORTAL_ENV"] == "production":
        raise ConfigurationError(message)
    if message:  # development and tests start; only the PDFs fail, saying the same
        logging.getLogger(__name__).warning(message)
    if config["PORTAL_ENV"] == "production" and not (
        config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST")
    ):
        logging.getLogger(__name__).warning(
            "Uploads are not scanned for viruses: set CLAMD_SOCKET or CLAMD_HOST to the address "
            "of a clamd that freshclam keeps current."
        )


def _validate_code_hash_keys(config: dict) -> None:
    """The key must exist, be long enough to be a key, and not be SECRET_KEY (each is rotated on
    its own: a new SECRET_KEY must not turn every stored code into a wrong one)."""
    key = config.get("CODE_HASH_KEY")
    if not key:
        raise ConfigurationError(
            "CODE_HASH_KEY is not set. In production set the CODE_HASH_KEY environment variable "
            "to a long random value, different from SECRET_KEY and kept out of the database "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))'). Query "
            "codes are stored as HMACs under it; for a local demo set PORTAL_ENV=development."
        )
    for name, value in [("CODE_HASH_KEY", key)] + [
        ("CODE_HASH_OLD_KEYS", old) for old in config.get("CODE_HASH_OLD_KEYS", ())
    ]:
        if len(value) < MIN_CODE_HASH_KEY_LENGTH:
            raise ConfigurationError(
                f"{name} must be at least {MIN_CODE_HASH_KEY_LENGTH} characters of a random "
                "value (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if value == config.get("SECRET_KEY"):
            raise ConfigurationError(f"{name} must differ from SECRET_KEY.")


def missing_notice_font(config) -> str | None:
    """What to install when the font of printed notices is missing, else None."""
    if Path(config["NOTICE_FONT"]).is_file():
        return None
    return (
        f"The font for printed notices is missing: {config['NOTICE_FONT']}. Install "
        "fonts-noto-cjk (apt-get install fonts-noto-cjk) or set NOTICE_FONT to a TrueType or "
        "OpenType font with Chinese characters."
    )
