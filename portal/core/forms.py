"""The base form and validators shared by every domain.

Messages say what to do, in the user's language. Built-in WTForms messages are never shown:
each validator here carries its own lazily translated message.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import g, has_app_context
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from portal.core import clock
from portal.core.casenumbers import MAX_LENGTH as CASE_NUMBER_MAX_LENGTH
from portal.core.casenumbers import case_number_year, is_case_number, normalise_case_number
from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import ALLOWED_LABEL

CSRF_MESSAGE = _l(
    "This form has expired or was opened in another window. Check your entries and submit again."
)


CONTROL_CHARACTERS_MESSAGE = _l("Remove the invisible control characters from this text.")
# Control characters no field may hold; tabs and line breaks are left to each field's own rules.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def show_unsaved(message, *, if_files_kept=None) -> None:
    """From now on in this request, every PortalForm answers validation with `message` alone, as
    if nothing had been sent. core/errors.py calls it to draw a failed submission's page once
    more, after its transaction rolled back: the view then shows the same form with what was
    typed and `message` at the top, and cannot try to save it again. `if_files_kept` replaces
    `message` when the form holds the files sent (`files_kept`), so that it does not ask for
    them again."""
    g.unsaved_submission_message = message
    g.unsaved_message_if_files_kept = if_files_kept


def files_kept() -> None:
    """The form drawn again holds the files that were sent (core/attachments.py)."""
    replacement = g.get("unsaved_message_if_files_kept")
    if replacement is not None:
        g.unsaved_submission_message = replacement


def unsaved_message():
    """The message `show_unsaved` set in this request, or None."""
    return g.get("unsaved_submission_message") if has_app_context() else None


class PortalForm(FlaskForm):
    """A FlaskForm whose CSRF failure reads as a plain instruction and keeps the typed values.

    Every field of every form refuses control characters (a NUL byte would make PostgreSQL
    refuse the statement) before any other validator runs, since some validators query the
    database."""

    def validate(self, extra_validators=None) -> bool:
        unsaved = unsaved_message()
        if unsaved is not None:
            if str(unsaved) not in self.form_errors:
                self.form_errors.append(str(unsaved))
            return False
        if self._refuse_control_characters():
            return False
        valid = super().validate(extra_validators)
        if self.meta.csrf and self.csrf_token.errors:
            self.csrf_token.errors = [str(CSRF_MESSAGE)]
        return valid

    def _refuse_control_characters(self) -> bool:
        refused = False
        for field in self:
            values = [v for v in (field.raw_data or []) if isinstance(v, str)]
            if any(CONTROL_CHARACTERS.search(value) for value in values):
                field.errors = [str(CONTROL_CHARACTERS_MESSAGE)]
                refused = True
        return refused

    @property
    def error_fields(self):
        """Fields with errors, in display order, for the error summary."""
        return [field for field in self if field.errors]


class ConfirmForm(PortalForm):
    """A button that changes state: nothing to fill in but the CSRF token."""


class LoginForm(PortalForm):
    """Every kind of account logs in with an e-mail address and a password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class OnceOnlyForm(PortalForm):
    """A form whose every rendering carries a fresh one-time submission key.

    The key is stored under a UNIQUE constraint with what the submission created, so a
    double-click, a reload of the POST or two parallel posts of the same page create one record.
    """

    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(32)

    def validate_submission_key(self, field):
        if not re.fullmatch(r"[A-Za-z0-9_-]{40,50}", field.data or ""):
            raise ValidationError(CSRF_MESSAGE)


def submission_key_hash(submission_key: str) -> str:
    """What is stored of a form's one-time key (OnceOnlyForm), under a UNIQUE constraint: its
    SHA-256, so that the key the browser holds is never kept."""
    return hashlib.sha256(submission_key.encode()).hexdigest()


MOBILE_RE = re.compile(r"1[3-9]\d{9}")
RESIDENT_ID_RE = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    return digits.removeprefix("+86").removeprefix("0086")


def is_valid_resident_id(value: str) -> bool:
    """GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character."""
    if not RESIDENT_ID_RE.fullmatch(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


class MainlandMobile:
    """A mainland China mobile number: 11 digits starting 13–19 (+86 and spaces allowed)."""

    def __call__(self, form, field):
        if field.data:
            field.data = normalise_mobile(field.data)
            if not MOBILE_RE.fullmatch(field.data):
                raise ValidationError(
                    _l("Enter a mainland mobile number of 11 digits, like 13812345678.")
                )


class ResidentId:
    """An 18-character resident identity card number with a correct check digit."""

    def __call__(self, form, field):
        if field.data:
            field.data = field.data.strip().upper()
            if not RESIDENT_ID_RE.fullmatch(field.data):
                raise ValidationError(
                    _l("Enter an ID card number of 18 characters: 17 digits and a digit or X.")
                )
            if not is_valid_resident_id(field.data):
                raise ValidationError(
                    _l("This ID card number is not valid. Check it against the card and try again.")
                )


class NoControlCharacters:
    """Reject text with control characters other than newlines and tabs (pasted binary)."""

    def __call__(self, form, field):
        if field.data and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", field.data):
            raise ValidationError(_l("Remove the invisible control characters from this text."))


def clear_when_anonymous(form, field_names) -> list[str]:
    """An anonymous report keeps no personal details, even those a browser without JavaScript
    still sent (with it, ticking "anonymous" hides and empties them): the named fields are
    emptied, and the labels of those that held something are returned for the receipt."""
    if not form.is_anonymous.data:
        return []
    dropped = []
    for name in field_names:
        if (form[name].data or "").strip():
            dropped.append(str(form[name].label.text))
        form[name].data = ""
    return dropped


def max_length(n: int) -> Length:
    """The one length limit with a message that says what to do."""
    return Length(max=n, message=_l("Use at most %(max)d characters."))


# Dates as typed, as a browser's date picker sends them, and as Excel writes them into a CSV.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


class DayField(DateField):
    """A date in any of DATE_FORMATS, with our own message; empty input is left to the
    InputRequired or Optional validator, so that it gets one message, not two."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "invalid_value_message", _l("Enter the date as year-month-day, like 2026-03-05.")
        )
        super().__init__(label, validators, format=DATE_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        valuelist = [value.strip() for value in valuelist or []]
        if not "".join(valuelist):
            self.data = None
            return
        super().process_formdata(valuelist)


WHEN_MESSAGE = _l("Enter the date and time, like 2027-03-15 09:30.")


class LocalDateTimeField(DateTimeLocalField):
    """A date and time in Beijing time (naive, as typed; the view gives it the zone), with our
    message for what cannot be read. Shared by every form that schedules something."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(WHEN_MESSAGE) from None


class CaseNumber:
    """A case number in the procuratorate's format (see core.casenumbers), normalised in
    field.data: the one rule for staff entry, CSV import, lawyers' bookings, the public query
    and document numbers."""

    def __init__(self, *, check_year: bool = False, message=None):
        self.check_year = check_year
        self.message = message or _l(
            "Enter the case number as it is written on the case documents, like "
            "示检刑诉受〔2026〕1号: the office's abbreviation, the year in brackets, "
            "then the serial number and 号."
        )

    def __call__(self, form, field):
        if not field.data or len(field.data) > CASE_NUMBER_MAX_LENGTH:
            return  # nothing typed, or too long: DataRequired or Length says so
        field.data = normalise_case_number(field.data)
        if not is_case_number(field.data):
            raise ValidationError(self.message)
        if self.check_year and case_number_year(field.data) > clock.local_today().year:
            raise ValidationError(_l("The year in the case number cannot be later than this year."))


def case_number_field(label=None, *, description=None) -> StringField:
    return StringField(
        label or _l("Case number"),
        description=description or _l("As on the case papers, for example 示检刑诉受〔2026〕1号."),
        validators=[
            DataRequired(_l("Enter the case number.")),
            max_length(CASE_NUMBER_MAX_LENGTH),
            CaseNumber(),
        ],
    )


# Files attached to a form: at most MAX_FILES, each checked by core/uploads.py.
MAX_FILES = 5


def attachments_field(label):
    return MultipleFileField(
        label,
        description=_l(
            "Up to %(n)s files of %(types)s, each at most 10 MB.", n=MAX_FILES, types=ALLOWED_LABEL
        ),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx"},
    )


def at_most_max_files(form, field):
    files = [f for f in field.data or [] if f and getattr(f, "filename", True)]
    if len(files) > MAX_FILES:
        raise ValidationError(_l("Attach at most %(n)s files.", n=MAX_FILES))
