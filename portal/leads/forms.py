"""The public form for reporting a lead.

Its contact fields are worded for a reporter, who may stay anonymous and still be told of each
step (petitions.services.submit_petition keeps only the mobile or e-mail chosen for messages
then); the rules on them are core's validators, as on the petition form."""

from __future__ import annotations

import math
import unicodedata

from wtforms import (
    BooleanField,
    EmailField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.core.forms import MainlandMobile, NoControlCharacters, OnceOnlyForm, max_length
from portal.core.i18n import lazy_gettext as _l
from portal.core.images import ACCEPTED_LABEL as PHOTO_TYPES
from portal.core.uploads import ALLOWED_LABEL as DOCUMENT_TYPES
from portal.leads import services
from portal.leads.models import HarmField

SUBJECT_MAX, BODY_MIN, BODY_MAX, LOCATION_MAX = 100, 10, 10_000, 300
MAX_PHOTOS, MAX_DOCUMENTS = 5, 5


def _chosen(field) -> list:
    return [f for f in field.data or [] if f and getattr(f, "filename", True)]


def _at_most(n: int):
    def check(form, field):
        if len(_chosen(field)) > n:
            raise ValidationError(_l("Attach at most %(n)s files.", n=n))

    return check


def _coordinate(label, hint):
    # Text, parsed by `degrees`: a number field's browser rules and WTForms' own message differ
    # from ours, and a typed "39,9" must come back as typed.
    return StringField(
        label,
        description=hint,
        validators=[max_length(20), NoControlCharacters()],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"},
    )


def degrees(text: str | None) -> float | None:
    """A coordinate as typed ("39.9042", "+116.4074", full-width digits), or None when empty;
    raises ValueError when it is not a finite number."""
    text = unicodedata.normalize("NFKC", text or "").strip().replace("°", "")
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class LeadForm(OnceOnlyForm):
    harm_field = SelectField(
        _l("What is harmed?"),
        choices=lambda: (
            [SelectChoice("", _l("Choose a field"))]
            + [SelectChoice(f.value, f.label) for f in HarmField]
        ),
        validators=[DataRequired(_l("Choose the field of the harm."))],
    )
    subject = StringField(
        _l("Subject"),
        description=_l("A short title, at most %(n)s characters.", n=SUBJECT_MAX),
        validators=[
            DataRequired(_l("Enter a subject.")),
            Length(min=2, max=SUBJECT_MAX, message=_l("Use between 2 and %(max)d characters.")),
            NoControlCharacters(),
        ],
    )
    body = TextAreaField(
        _l("What is happening?"),
        description=_l(
            "What you saw, since when, who is doing it if you know, and the harm it does. "
            "Between %(min)s and %(max)s characters.",
            min=BODY_MIN,
            max=BODY_MAX,
        ),
        validators=[
            DataRequired(_l("Describe the harm.")),
            Length(
                min=BODY_MIN,
                max=BODY_MAX,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
            NoControlCharacters(),
        ],
        render_kw={"rows": 8},
    )
    location = StringField(
        _l("Where is it?"),
        description=_l(
            "An address, a landmark, a stretch of river, or the website or app, so that we can "
            "find it."
        ),
        validators=[
            DataRequired(_l("Say where the harm is.")),
            max_length(LOCATION_MAX),
            NoControlCharacters(),
        ],
    )
    latitude = _coordinate(
        _l("Latitude (optional)"), _l("In degrees, WGS-84 as a phone's GPS gives it, like 39.9042.")
    )
    longitude = _coordinate(_l("Longitude (optional)"), _l("In degrees, WGS-84, like 116.4074."))
    photos = MultipleFileField(
        _l("Photos (optional)"),
        description=_l(
            "Up to %(n)s photos of %(types)s, each at most 10 MB. We remove the location and "
            "all other hidden data from every photo before anyone sees it.",
            n=MAX_PHOTOS,
            types=PHOTO_TYPES,
        ),
        validators=[_at_most(MAX_PHOTOS)],
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic"},
    )
    documents = MultipleFileField(
        _l("Documents (optional)"),
        description=_l(
            "Up to %(n)s files of %(types)s, each at most 10 MB.",
            n=MAX_DOCUMENTS,
            types=DOCUMENT_TYPES,
        ),
        validators=[_at_most(MAX_DOCUMENTS)],
        render_kw={"accept": ".pdf,.docx"},
    )
    is_anonymous = BooleanField(
        _l("Report anonymously"),
        description=_l(
            "We then keep no name or contact details and cannot reply by SMS, e-mail or letter: "
            "you follow the report with its tracking number and query code."
        ),
    )
    name = StringField(
        _l("Full name"),
        validators=[max_length(50), NoControlCharacters()],
        render_kw={"autocomplete": "name"},
    )
    mobile = StringField(
        _l("Mobile number"),
        description=_l("We call or text this number about your report."),
        validators=[MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address like name@example.com.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "email"},
    )
    notify_by_sms = BooleanField(
        _l("Send me a text message (SMS) at each step"),
        default=True,
        description=_l("To the mobile number above: received, accepted, replied, closed."),
    )
    notify_by_email = BooleanField(
        _l("Send me an e-mail at each step"),
        default=True,
        description=_l("Only if you give an e-mail address. The e-mail includes each reply."),
    )
    declaration = BooleanField(
        _l(
            "I declare that what I have written is true, and I understand that false accusations "
            "are punishable by law."
        ),
        validators=[InputRequired(_l("Confirm the declaration to submit."))],
    )

    def validate_name(self, field):
        if not self.is_anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter your full name, or choose to report anonymously."))

    def validate_mobile(self, field):
        if not self.is_anonymous.data and not field.data:
            raise ValidationError(_l("Enter your mobile number so that we can contact you."))

    def validate_latitude(self, field):
        self._parsed(field, _l("Enter the latitude as a number of degrees, like 39.9042."))

    def validate_longitude(self, field):
        longitude = self._parsed(
            field, _l("Enter the longitude as a number of degrees, like 116.4074.")
        )
        if self.latitude.errors:
            return
        problem = services.coordinates_problem(degrees(self.latitude.data), longitude)
        if problem is not None:
            raise ValidationError(problem)

    @staticmethod
    def _parsed(field, message) -> float | None:
        try:
            return degrees(field.data)
        except ValueError:
            raise ValidationError(message) from None

    def coordinates(self) -> tuple[float | None, float | None]:
        """The coordinates of a validated form."""
        return degrees(self.latitude.data), degrees(self.longitude.data)
