"""What the petitioner is told, and how: the texts of messages about a petition.

Messages go through the outbox (portal.core.mail) in the transaction of the change they report.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core import mail
from portal.core.urls import public_url


def enqueue_reply_notice(petition, reply) -> mail.OutboxMessage:
    """Tell the petitioner a reply is there. The text of the reply is in the mail; the query
    code never is (it was shown once, and mail is not a safe place for it)."""
    config = current_app.config
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reply to your petition %(number)s", number=petition.tracking_number)
        body = _(
            "Dear petitioner,\n\n%(procuratorate)s has replied to your petition %(number)s "
            "(%(kind)s):\n\n%(text)s\n\nYou can read every reply and tell us whether you are "
            "satisfied at %(url)s with your tracking number and query code.\n",
            procuratorate=config["PROCURATORATE_NAME"],
            number=petition.tracking_number,
            kind=reply.kind_enum.label,
            text=reply.body,
            url=public_url("petitions.lookup"),
        )
    return mail.enqueue(petition.email, subject, body)
