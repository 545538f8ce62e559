"""The state machine of a bribery-record application, in the one idiom of portal/core/workflow.py.

    received ──issue (a certificate: no record found, or the records found)──▶ answered
        └──────refuse (with the reason the applicant reads)──────────────────▶ refused

Intake clerks and handlers check the records and answer (DECIDERS; the back-office routes carry
the same roles); leaders read the queue. Both end states are final: a refused applicant applies
again, and a certificate issued in error is revoked (services.revoke_certificate), which is a
fact about the certificate, not a state of the application.

What happens besides the state (the certificate, who decided and when, the reason, the message
to the applicant) is in portal/certificates/services.py, which calls `APPLICATION.apply`.
"""

from __future__ import annotations

import enum

from portal.certificates.models import ApplicationStatus
from portal.core import audit
from portal.core.audit import EventType
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import Transition, Workflow

audit.register_event_types(
    {
        "record_application.answered": EventType(_l("Record inquiry answered"), public=True),
        "record_application.refused": EventType(_l("Record inquiry refused"), public=True),
    }
)

# Who checks the records and answers applications, and maintains the records.
DECIDERS = (Role.CLERK, Role.HANDLER)
# Who may read the queue, the applications and the records.
READERS = (Role.CLERK, Role.HANDLER, Role.LEADER)


class Action(enum.StrEnum):
    ISSUE = "issue"
    REFUSE = "refuse"

    @property
    def label(self):
        return (
            _l("issue a certificate for this application")
            if self is Action.ISSUE
            else _l("refuse this application")
        )


DECIDED = _l("This application has been answered already.")

APPLICATION = Workflow(
    states=ApplicationStatus,
    transitions={
        Action.ISSUE: Transition.of(
            [ApplicationStatus.RECEIVED],
            ApplicationStatus.ANSWERED,
            DECIDERS,
            "record_application.answered",
            refusal=DECIDED,
        ),
        Action.REFUSE: Transition.of(
            [ApplicationStatus.RECEIVED],
            ApplicationStatus.REFUSED,
            DECIDERS,
            "record_application.refused",
            refusal=DECIDED,
        ),
    },
)
