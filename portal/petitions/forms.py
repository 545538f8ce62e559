"""Forms for filing, looking up and working petitions."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.core.exports import ExportForm
from portal.core.forms import (
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    ResidentId,
    at_most_max_files,
    attachments_field,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l
from portal.petitions import wording
from portal.petitions.models import Channel, Grade, Kind, ReplyKind, Unreachable

SUBJECT_MAX, BODY_MIN, BODY_MAX = 100, 10, 10_000
OBJECTION_MIN, COMMENT_MAX = 5, 5000


def kind_choices():
    return [SelectChoice("", _l("Choose the kind of matter"))] + [
        SelectChoice(k.value, k.label) for k in Kind
    ]


class PetitionForm(OnceOnlyForm):
    """The public intake form, worded for the petitioner; staff intake (StaffIntakeForm) adds
    the channel and the date of receipt and speaks to the clerk. The fields and rules are one;
    only the words differ: `wording` replaces a field's label and hint, the `*_message`s and
    `details_*` (the legend of the contact details) are read by the rules and the template."""

    details_legend = _l("Your details")
    details_hint = _l(
        "Leave this empty for an anonymous report: nothing typed here is kept with it."
    )
    name_missing_message = _l("Enter your full name, or choose to report anonymously.")
    mobile_missing_message = _l("Enter your mobile number so that we can contact you.")
    # field name → (label, hint) replacing those declared below
    wording: dict = {}

    kind = SelectField(
        _l("What kind of matter is it?"),
        choices=kind_choices,
        validators=[DataRequired(_l("Choose what kind of matter it is."))],
    )
    is_anonymous = BooleanField(
        _l("Report anonymously"),
        description=_l(
            "Only for reports. We then keep no name or contact details and cannot reply by SMS, "
            "e-mail or letter: you follow the report with its tracking number and query code."
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
    attachments = attachments_field(_l("Supporting documents (optional)"))
    declaration = BooleanField(
        _l(
            "I declare that what I have written is true, and I understand that false accusations "
            "are punishable by law."
        ),
        validators=[InputRequired(_l("Confirm the declaration to submit."))],
    )

    # Staff intake requires only a name and some way to reach the person; online, a mobile.
    requires_mobile = True
    # Staff register every kind; online, a kind with a form of its own is filed there.
    offers_every_kind = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.offers_every_kind:
            self.kind.choices = [
                choice
                for choice in kind_choices()
                if not (choice.value and Kind(choice.value).has_form_of_its_own)
            ]
        for name, (label, hint) in self.wording.items():
            self[name].label.text = label
            self[name].description = hint

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
            raise ValidationError(self.name_missing_message)

    def validate_mobile(self, field):
        if self.is_anonymous.data or field.data:
            return
        if self.requires_mobile:
            raise ValidationError(self.mobile_missing_message)
        if not (self.email.data or self.address.data):
            raise ValidationError(_l("Enter a mobile number, an e-mail or a postal address."))

    def validate_attachments(self, field):
        at_most_max_files(self, field)


class StaffIntakeForm(PetitionForm):
    """A clerk registers a letter, a visit or a call: the same form, speaking to the clerk about
    the petitioner."""

    offers_every_kind = True

    channel = RadioField(
        _l("How did the petition come in?"),
        choices=[SelectChoice(c.value, c.label) for c in Channel if c is not Channel.WEB],
        validators=[DataRequired(_l("Choose how the petition came in."))],
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

    details_legend = _l("The petitioner's details")
    details_hint = _l(
        "Not needed for an anonymous report. Otherwise the name and at least one way to reach "
        "the petitioner: a mobile number, an e-mail or a postal address."
    )
    name_missing_message = _l("Enter the petitioner's name, or tick anonymous report.")
    wording = {
        "is_anonymous": (
            _l("Anonymous report"),
            _l(
                "Only for reports. The petitioner still gets a tracking number and a query code "
                "on the receipt; no contact details are kept."
            ),
        ),
        "name": (_l("The petitioner's name"), None),
        "id_number": (
            _l("The petitioner's resident ID card number (optional)"),
            _l("18 characters, as on the ID card."),
        ),
        "mobile": (
            _l("The petitioner's mobile number"),
            _l("The number the petitioner is called or sent text messages on."),
        ),
        "email": (
            _l("The petitioner's e-mail address (optional)"),
            _l("If given, every reply is also sent there."),
        ),
        "address": (
            _l("The petitioner's postal address (optional)"),
            _l("Where written notices are posted; give it for letters."),
        ),
        "body": (
            _l("What the petitioner reports and asks for"),
            _l(
                "From the letter, the visit or the call: who, when, where and what happened, and "
                "what the petitioner asks the procuratorate to do. Between %(min)s and %(max)s "
                "characters.",
                min=BODY_MIN,
                max=BODY_MAX,
            ),
        ),
        "attachments": (_l("Scans of the letter and of supporting documents (optional)"), None),
    }


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


class GradeForm(PortalForm):
    """The petitioner's one answer to a substantive reply: a grade, and a comment that is
    optional when satisfied and the reasons (required) when dissatisfied."""

    reply_id = HiddenField()  # the reply they read (workflow.grade_reply checks it is current)
    grade = RadioField(
        _l("How satisfied are you with this reply?"),
        choices=[SelectChoice(g.value, g.label) for g in Grade],
        validators=[DataRequired(_l("Choose how satisfied you are with the reply."))],
    )
    comment = TextAreaField(
        _l("Your comment"),
        validators=[
            Optional(),
            Length(max=COMMENT_MAX, message=_l("Use at most %(max)d characters.")),
            NoControlCharacters(),
        ],
        render_kw={"rows": 5},
    )

    def validate_comment(self, field):
        if self.grade.data != Grade.DISSATISFIED:
            return
        if len((field.data or "").strip()) < OBJECTION_MIN:
            raise ValidationError(
                _l(
                    "Say in a few words (at least %(n)s characters) why you are dissatisfied.",
                    n=OBJECTION_MIN,
                )
            )

    def for_reply(self, reply_id: int, *, concludes: bool) -> GradeForm:
        """Point the form at the reply shown, with the hint that says what a dissatisfied grade
        does to it: only a reply that concluded the petition goes to review."""
        self.reply_id.data = str(reply_id)
        self.comment.description = (
            _l(
                "Optional if you are satisfied. If you are dissatisfied, say why: the petition "
                "then goes back for review by a leader."
            )
            if concludes
            else _l(
                "Optional if you are satisfied. If you are dissatisfied, say why: the staff "
                "handling your petition read it with the petition."
            )
        )
        return self

    def reply_id_value(self) -> int | None:
        return int(self.reply_id.data) if (self.reply_id.data or "").isdigit() else None


class MaterialForm(OnceOnlyForm):
    """The petitioner adds text and files to their petition, perhaps answering a question.

    `open_requests` are the staff's unanswered questions; with none, the form has no choice of
    what it answers."""

    # Checked by services.add_material (one of this petition's requests), with its own message.
    answers = RadioField(_l("What are you answering?"), coerce=int, validate_choice=False)
    body = TextAreaField(
        _l("What do you want to add?"),
        description=_l(
            "Answer the question, or write what is new since you filed the petition. At most "
            "%(max)s characters.",
            max=BODY_MAX,
        ),
        validators=[
            Optional(),
            Length(max=BODY_MAX, message=_l("Use at most %(max)d characters.")),
            NoControlCharacters(),
        ],
        render_kw={"rows": 8},
    )
    attachments = attachments_field(_l("Files (optional)"))

    def __init__(self, *args, open_requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not open_requests:
            del self["answers"]
            return
        self.answers.choices = [
            SelectChoice(request.id, _l("My answer to: “%(text)s”", text=_excerpt(request.body)))
            for request in open_requests
        ] + [SelectChoice(0, _l("Something else, not an answer to a question"))]
        if self.answers.data is None:
            self.answers.data = open_requests[-1].id  # the latest question, most likely

    def validate_attachments(self, field):
        at_most_max_files(self, field)

    def request_id(self) -> int | None:
        return (self.answers.data or None) if "answers" in self else None


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MaterialRequestForm(PortalForm):
    body = TextAreaField(
        _l("Question or material requested"),
        description=_l(
            "The petitioner reads this on the progress page and is told of it. Say what is "
            "needed and why, in plain words."
        ),
        validators=[
            DataRequired(_l("Write what you ask the petitioner for.")),
            max_length(COMMENT_MAX),
            NoControlCharacters(),
        ],
        render_kw={"rows": 4},
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


class UnreachableForm(PortalForm):
    reason = RadioField(
        _l("Why the petitioner cannot be reached"),
        choices=[SelectChoice(reason.value, reason.label) for reason in Unreachable],
        validators=[DataRequired(_l("Choose why the petitioner cannot be reached."))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l(
            "For example when and how often you tried. Kept as an internal note; only staff see it."
        ),
        validators=[Optional(), max_length(COMMENT_MAX), NoControlCharacters()],
        render_kw={"rows": 3},
    )


class ContactRestoredForm(PortalForm):
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l("For example how contact was made. Kept as an internal note."),
        validators=[Optional(), max_length(COMMENT_MAX), NoControlCharacters()],
        render_kw={"rows": 3},
    )


class QueueExportForm(ExportForm):
    """Download a queue as a file, with the list's filters as hidden fields."""

    queue = HiddenField()
    kind = HiddenField()
    channel = HiddenField()
    state = HiddenField()
    personal_data = BooleanField(
        _l("Include the petitioners’ names, contact details and subjects"),
        description=_l("Only when the work needs them: the file leaves the portal's control."),
    )


def _valid_wording(form, field):
    """Only the placeholders petitions/wording.py fills in: an unknown one is refused here, when
    the administrator saves, not when a petition page fills it in."""
    errors = wording.wording_errors(field.data)
    if errors:
        raise ValidationError(" ".join(errors))


def _wording_field(label):
    return TextAreaField(
        label,
        validators=[max_length(5000), NoControlCharacters(), _valid_wording],
        render_kw={"rows": 8},
    )


class NoticeWordingForm(PortalForm):
    """An administrator's standard wording of one kind of notice, in both languages."""

    zh = _wording_field(_l("Wording in Chinese"))
    en = _wording_field(_l("Wording in English"))
