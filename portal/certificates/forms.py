"""Forms of the bribery-record inquiry: the application, the two lookups (status and
verification), staff answers and the records."""

from __future__ import annotations

from wtforms import (
    EmailField,
    FileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from portal.certificates import services
from portal.certificates.models import HolderKind
from portal.core.forms import (
    DayField,
    MainlandMobile,
    NoControlCharacters,
    OnceOnlyForm,
    PortalForm,
    max_length,
)
from portal.core.i18n import lazy_gettext as _l


def _holder_kind_field(label):
    return RadioField(
        label,
        choices=[SelectChoice(kind.value, kind.label) for kind in HolderKind],
        validators=[InputRequired(_l("Choose whether it is a company or a person."))],
    )


def _identifier_field(label, description):
    return StringField(
        label,
        description=description,
        validators=[
            DataRequired(_l("Enter the ID card number or the credit code.")),
            max_length(40),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "class": "input--medium"},
    )


class _IdentifierRule:
    """The identifier is normalised in field.data and checked for the holder kind chosen."""

    def validate_identifier(self, field):
        field.data = services.normalise_identifier(field.data)
        kind = self.holder_kind.data
        if kind in set(HolderKind):
            problem = services.identifier_problem(kind, field.data)
            if problem:
                raise ValidationError(problem)


def _text(label, message, limit, *, description=None):
    return StringField(
        label,
        description=description,
        validators=[DataRequired(message), max_length(limit), NoControlCharacters()],
    )


class ApplicationForm(_IdentifierRule, OnceOnlyForm):
    holder_kind = _holder_kind_field(_l("Who is the inquiry about?"))
    holder_name = _text(
        _l("Name of the company or person"),
        _l("Enter the name of the company or person."),
        200,
        description=_l("As on the business licence or the ID card."),
    )
    identifier = _identifier_field(
        _l("Unified social credit code or resident ID card number"),
        _l(
            "18 characters: the company's code from its business licence, or the person's ID "
            "card number. Records are found by this number, not by the name."
        ),
    )
    purpose = _text(
        _l("Purpose of the inquiry"),
        _l("Say what the certificate is for."),
        500,
        description=_l("For example: a tender, a government procurement, a qualification review."),
    )
    project_name = StringField(
        _l("Project name (optional)"),
        description=_l("For a tender: the project as the tender notice names it."),
        validators=[Optional(), max_length(200), NoControlCharacters()],
    )
    tendering_party = StringField(
        _l("Tendering party (optional)"),
        description=_l("For a tender: who invites the tenders (招标人)."),
        validators=[Optional(), max_length(200), NoControlCharacters()],
    )
    contact_name = _text(_l("Contact person"), _l("Enter the name of the person we contact."), 100)
    mobile = StringField(
        _l("Mobile number"),
        description=_l("We text this number when the application is received and answered."),
        validators=[DataRequired(_l("Enter your mobile number so that we can contact you.")),
                    MainlandMobile()],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "class": "input--medium"},
    )  # fmt: skip
    email = EmailField(
        _l("E-mail address (optional)"),
        description=_l("If you give one, we e-mail you when the certificate is ready."),
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address like name@example.com.")),
            max_length(254),
        ],
        render_kw={"autocomplete": "email"},
    )
    letter = FileField(
        _l("Authorisation letter"),
        description=_l(
            "The signed and stamped letter authorising this inquiry (授权委托书), as a PDF, JPEG "
            "or PNG of at most 10 MB."
        ),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png"},
    )


class StatusLookupForm(PortalForm):
    number = StringField(
        _l("Application number"),
        description=_l("As on your receipt, like XC2026-000001."),
        validators=[DataRequired(_l("Enter the application number.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    query_code = StringField(
        _l("Query code"),
        description=_l("12 letters and digits, as on your receipt."),
        validators=[DataRequired(_l("Enter the query code.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class VerificationForm(PortalForm):
    number = StringField(
        _l("Certificate number"),
        description=_l("As printed under the certificate's title, like XCZ2026-000001."),
        validators=[DataRequired(_l("Enter the certificate number.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    code = StringField(
        _l("Verification code"),
        description=_l("12 letters and digits, printed on the certificate."),
        validators=[DataRequired(_l("Enter the verification code.")), max_length(30)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ReasonForm(PortalForm):
    """A refusal or a revocation: the reason is what the applicant, or the verifier, reads."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason.")), max_length(2000), NoControlCharacters()],
        render_kw={"rows": 3},
    )


class RecordForm(_IdentifierRule, PortalForm):
    """A record as staff type it in; the CSV import checks each row with the same form."""

    holder_kind = _holder_kind_field(_l("Convicted party"))
    name = _text(_l("Name"), _l("Enter the name of the company or person."), 200)
    identifier = _identifier_field(
        _l("Credit code or ID card number"),
        _l("Records are matched by this number: copy it from the judgment."),
    )
    judgment_number = _text(
        _l("Judgment number"),
        _l("Enter the judgment's number."),
        100,
        description=_l("For example （2025）示刑初字第12号."),
    )
    court = _text(_l("Court"), _l("Enter the court that gave the judgment."), 200)
    judgment_on = DayField(
        _l("Date of judgment"), validators=[InputRequired(_l("Enter the date of the judgment."))]
    )
    offence = _text(
        _l("Offence"),
        _l("Enter the offence."),
        200,
        description=_l("For example 行贿罪, 单位行贿罪, 对单位行贿罪, 介绍贿赂罪."),
    )
    sentence = _text(_l("Sentence"), _l("Enter the sentence."), 500)


class ImportForm(PortalForm):
    file = FileField(
        _l("CSV file of records"),
        description=_l("UTF-8 or GB18030, with the template's header row."),
        render_kw={"accept": ".csv,text/csv"},
    )

    def validate_file(self, field):
        if not getattr(field.data, "filename", None):
            raise ValidationError(_l("Choose the CSV file to import."))
