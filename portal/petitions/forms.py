"""Forms for filing, looking up and working petitions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.core.forms import (
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    ResidentId,
    max_length,
)
from portal.core.uploads import ALLOWED_LABEL
from portal.petitions.models import Channel, Kind, ReplyKind

SUBJECT_MAX, BODY_MIN, BODY_MAX = 100, 10, 10_000


def kind_choices():
    return [SelectChoice("", _l("Choose the kind of matter"))] + [
        SelectChoice(k.value, k.label) for k in Kind
    ]


class PetitionForm(OnceOnlyForm):
    """The public intake form; staff intake adds the channel and the date of receipt."""

    kind = SelectField(
        _l("What kind of matter is it?"),
        choices=kind_choices,
        validators=[DataRequired(_l("Choose what kind of matter it is."))],
    )
    is_anonymous = BooleanField(
        _l("Report anonymously"),
        description=_l(
            "Only for reports. You still get a tracking number and a query code, but we cannot "
            "contact you, so keep the code safe."
        ),
    )
    # Required unless anonymous: checked in validate_name, so no Optional() that would skip it.
    name = StringField(
        _l("Full name"),
        validators=[max_length(50), NoControlCharacters()],
        render_kw={"autocomplete": "name"},
    )
    id_number = StringField(
        _l("Resident ID card number (optional)"),
        description=_l("18 characters, as on your ID card."),
        validators=[Optional(), ResidentId()],
        render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"},
    )
    mobile = StringField(
        _l("Mobile number"),
        description=_l("We call or text this number about your petition."),
        validators=[MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("E-mail address (optional)"),
        description=_l("If you give one, we e-mail you every reply."),
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address like name@example.com.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "email"},
    )
    address = StringField(
        _l("Postal address (optional)"),
        validators=[Optional(), max_length(300), NoControlCharacters()],
        render_kw={"autocomplete": "street-address"},
    )
    # Ticked by default: most petitioners give only a mobile, and SMS is how they hear of it.
    # A channel without its address (no e-mail given) simply sends nothing.
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
        _l("What happened, and what do you ask for?"),
        description=_l(
            "Say who, when, where and what happened, and what you want the procuratorate to do. "
            "Between %(min)s and %(max)s characters.",
            min=BODY_MIN,
            max=BODY_MAX,
        ),
        validators=[
            DataRequired(_l("Describe your matter.")),
            Length(
                min=BODY_MIN,
                max=BODY_MAX,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
            NoControlCharacters(),
        ],
        render_kw={"rows": 10},
    )
    attachments = MultipleFileField(
        _l("Supporting documents (optional)"),
        description=_l("Up to 5 files of %(types)s, each at most 10 MB.", types=ALLOWED_LABEL),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx"},
    )
    declaration = BooleanField(
        _l(
            "I declare that what I have written is true, and I understand that false accusations "
            "are punishable by law."
        ),
        validators=[InputRequired(_l("Confirm the declaration to submit."))],
    )

    # Staff intake requires only a name and some way to reach the person; online, a mobile.
    requires_mobile = True

    def validate_is_anonymous(self, field):
        kind = self.kind.data if self.kind.data in set(Kind) else None  # else the choice errs
        if field.data and kind and not Kind(kind).allows_anonymity:
            raise ValidationError(
                _l(
                    "Only reports can be made anonymously. Untick this box or "
                    "choose a kind of report."
                )
            )

    def validate_name(self, field):
        if not self.is_anonymous.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter your full name, or choose to report anonymously."))

    def validate_mobile(self, field):
        if self.is_anonymous.data or field.data:
            return
        if self.requires_mobile:
            raise ValidationError(_l("Enter your mobile number so that we can contact you."))
        if not (self.email.data or self.address.data):
            raise ValidationError(_l("Enter a mobile number, an e-mail or a postal address."))

    def validate_attachments(self, field):
        files = [f for f in field.data or [] if f and getattr(f, "filename", True)]
        if len(files) > 5:
            raise ValidationError(_l("Attach at most 5 files."))


class StaffIntakeForm(PetitionForm):
    channel = RadioField(
        _l("How did it arrive?"),
        choices=[SelectChoice(c.value, c.label) for c in Channel if c is not Channel.WEB],
        validators=[DataRequired(_l("Choose how the petition arrived."))],
    )
    received_on = DateField(
        _l("Date of receipt"),
        description=_l("The day the letter arrived, the visit took place or the call was taken."),
        validators=[InputRequired(_l("Enter the date of receipt as year-month-day."))],
    )
    locale = SelectField(
        _l("Language of the messages to the petitioner"),
        choices=[SelectChoice("zh_Hans_CN", "中文"), SelectChoice("en", "English")],
        default="zh_Hans_CN",
    )
    declaration = None
    requires_mobile = False


class ProgressLookupForm(PortalForm):
    tracking_number = StringField(
        _l("Tracking number"),
        description=_l("For example XF2026-000123."),
        validators=[DataRequired(_l("Enter your tracking number.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    query_code = StringField(
        _l("Query code"),
        description=_l("12 letters and digits, as printed on your receipt. Dashes are optional."),
        validators=[DataRequired(_l("Enter your query code.")), max_length(40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class RecoveryRequestForm(PortalForm):
    tracking_number = ProgressLookupForm.tracking_number
    contact = StringField(
        _l("Mobile number or e-mail address"),
        description=_l("The one you gave when you filed the petition."),
        validators=[
            DataRequired(_l("Enter the mobile number or e-mail address you filed with.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RecoveryCodeForm(PortalForm):
    tracking_number = ProgressLookupForm.tracking_number
    one_time_code = StringField(
        _l("One-time code"),
        description=_l("The 6 digits we sent you."),
        validators=[DataRequired(_l("Enter the one-time code we sent you.")), max_length(20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ObjectionForm(PortalForm):
    objection = TextAreaField(
        _l("What do you disagree with?"),
        validators=[
            DataRequired(_l("Say what you disagree with in the reply.")),
            Length(min=5, max=5000, message=_l("Use between %(min)d and %(max)d characters.")),
            NoControlCharacters(),
        ],
        render_kw={"rows": 5},
    )


def _text(label, message, rows=6, limit=5000, description=None):
    return TextAreaField(
        label,
        description=description,
        validators=[DataRequired(message), max_length(limit), NoControlCharacters()],
        render_kw={"rows": rows},
    )


class AcknowledgeForm(PortalForm):
    notice = _text(
        _l("Notice of acceptance"),
        _l("Write the notice of acceptance."),
        description=_l("The petitioner reads this. Say what is missing, if anything."),
    )


class TransferForm(PortalForm):
    authority = StringField(
        _l("Authority it goes to"),
        validators=[
            DataRequired(_l("Name the authority the petition is transferred to.")),
            max_length(200),
        ],
    )
    notice = _text(
        _l("Notice of transfer"),
        _l("Write the notice of transfer."),
        description=_l("The petitioner reads this: where it went and how to reach them."),
    )


class NotAcceptForm(PortalForm):
    reason = _text(
        _l("Reason for not accepting"),
        _l("Give the reason."),
        description=_l("The petitioner reads this, with what they can do next."),
    )


class MergeForm(PortalForm):
    into_number = StringField(
        _l("Tracking number of the earlier petition"),
        validators=[
            DataRequired(_l("Enter the tracking number of the earlier petition.")),
            max_length(30),
        ],
    )
    notice = _text(_l("Notice of joint handling"), _l("Write the notice."))


class AssignForm(PortalForm):
    handler_id = SelectField(
        _l("Handler"), coerce=int, validators=[DataRequired(_l("Choose a handler."))]
    )


class DraftReplyForm(PortalForm):
    kind = RadioField(
        _l("Kind of reply"),
        choices=[SelectChoice(k.value, k.label) for k in (ReplyKind.RESULT, ReplyKind.PROGRESS)],
        default=ReplyKind.RESULT.value,
        validators=[DataRequired(_l("Choose the kind of reply."))],
    )
    body = _text(_l("Reply"), _l("Write the reply."), rows=10, limit=10_000)


class ReturnDraftForm(PortalForm):
    comment = _text(_l("What should change"), _l("Say what should change in the draft."), rows=4)


class ReviewForm(PortalForm):
    handler_id = SelectField(
        _l("Handler for the review"), coerce=int, validators=[DataRequired(_l("Choose a handler."))]
    )


class CloseForm(PortalForm):
    reason = _text(_l("Reason for closing"), _l("Give the reason for closing."), rows=3)


class NoteForm(PortalForm):
    body = _text(
        _l("Internal note"), _l("Write the note."), rows=3, description=_l("Only staff see notes.")
    )
