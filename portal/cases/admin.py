"""Back office for cases: entry, CSV import, stage changes and per-person query codes.

Clerks and handlers manage cases and query codes; leaders read. Who may open each view is
declared once, by its guard; templates ask `can_open(endpoint)` before showing a link or a form.
Every change goes through portal/cases/services.py, which records it in the audit trail in the
same transaction.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.cases import forms, queries, services
from portal.cases.models import Case, CaseQueryGrant, Category, Stage
from portal.core import audit, clock, codes, params
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.core.permissions import Role, can_open, roles_required
from portal.extensions import db

bp = Blueprint("cases_admin", __name__, url_prefix="/staff/cases")

CASE_STAFF = (Role.CLERK, Role.HANDLER, Role.LEADER)
CASE_EDITORS = (Role.CLERK, Role.HANDLER)


def get_case(case_id: int) -> Case:
    return db.session.get(Case, case_id) or abort(404)


def _place_error(form, error: services.CaseError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        form.form_errors.append(str(error))


@bp.route("/")
@roles_required(*CASE_STAFF)
def list_cases():
    query = request.args.get("q", "")[:100]
    stage = request.args.get("stage") if request.args.get("stage") in set(Stage) else None
    page = queries.search_cases(query, stage=stage, page=params.page_arg(request.args))
    return render_template(
        "cases/admin/list.html",
        page=page,
        query=query,
        stage=stage,
        stages=list(Stage),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_EDITORS)
def new_case():
    form = forms.CaseForm()
    if request.method == "GET":
        form.procuratorate.data = current_app.config["PROCURATORATE_NAME"]
        form.accepted_on.data = clock.local_today()
    if form.validate_on_submit():
        try:
            case = services.create_case(services.CaseData.from_form(form), current_user)
        except services.CaseError as error:
            _place_error(form, error)
        else:
            db.session.commit()
            flash(_("Case %(number)s entered.", number=case.case_number), "success")
            return redirect(url_for(".show_case", case_id=case.id))
    return render_template("cases/admin/form.html", form=form, case=None), (
        400 if form.errors or form.form_errors else 200
    )


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_EDITORS)
def edit_case(case_id: int):
    case = get_case(case_id)
    form = forms.CaseEditForm(obj=case)
    if form.validate_on_submit():
        try:
            changed = services.update_case(case, services.CaseData.from_form(form), current_user)
        except services.CaseError as error:
            db.session.rollback()
            _place_error(form, error)
        else:
            db.session.commit()
            if changed:
                flash(_("Case %(number)s updated.", number=case.case_number), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for(".show_case", case_id=case.id))
    return render_template("cases/admin/form.html", form=form, case=case), (
        400 if form.errors or form.form_errors else 200
    )


def render_case(case: Case, stage_form=None, status: int = 200):
    if stage_form is None and can_open("cases_admin.change_stage"):
        stage_form = forms.StageChangeForm(formdata=None)
        stage_form.changed_on.data = clock.local_today()
    events = audit.history(case)
    return render_template(
        "cases/admin/case.html",
        case=case,
        form=stage_form,
        events=events,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/<int:case_id>")
@roles_required(*CASE_STAFF)
def show_case(case_id: int):
    return render_case(get_case(case_id))


@bp.route("/<int:case_id>/stage", methods=["POST"])
@roles_required(*CASE_EDITORS)
def change_stage(case_id: int):
    case = get_case(case_id)
    form = forms.StageChangeForm()
    if not form.validate():
        return render_case(case, form, 400)
    try:
        services.change_stage(
            case,
            current_user,
            stage=form.stage.data,
            changed_on=form.changed_on.data,
            note=form.note.data,
        )
    except services.CaseError as error:
        _place_error(form, error)
        return render_case(case, form, 409)
    db.session.commit()
    flash(
        _(
            "%(number)s is now at the stage “%(stage)s”.",
            number=case.case_number,
            stage=case.stage_enum.label,
        ),
        "success",
    )
    return redirect(url_for(".show_case", case_id=case.id))


# ---- CSV import ------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*CASE_EDITORS)
def import_cases():
    form = forms.ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            cases = services.import_cases(
                form.file.data.read(services.MAX_IMPORT_BYTES + 1),
                current_user,
                default_procuratorate=current_app.config["PROCURATORATE_NAME"],
            )
        except services.ImportFailed as failure:
            db.session.rollback()
            errors = failure.errors
            form.file.errors = [
                _(
                    "The file was not imported: nothing was saved. Correct the %(count)s "
                    "problems listed below and import it again.",
                    count=len(errors),
                )
            ]
        else:
            db.session.commit()
            flash(_("%(count)s cases imported.", count=len(cases)), "success")
            return redirect(url_for(".list_cases"))
    return render_template(
        "cases/admin/import.html",
        form=form,
        errors=errors[: services.MAX_ERRORS_SHOWN],
        more_errors=max(len(errors) - services.MAX_ERRORS_SHOWN, 0),
        required=[str(services.column_labels()[name]) for name in services.REQUIRED_COLUMNS],
        stages=list(Stage),
        stage_aliases=services.STAGE_ALIASES,
        categories=list(Category),
    ), (400 if form.errors else 200)


@bp.route("/import/template.csv")
@roles_required(*CASE_EDITORS)
def download_template():
    response = make_response(services.template_csv())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=cases-template.csv"
    return response


# ---- query codes -----------------------------------------------------------------------------


@bp.route("/<int:case_id>/grants/new", methods=["GET", "POST"])
@roles_required(*CASE_EDITORS)
def issue_query_code(case_id: int):
    case = get_case(case_id)
    form = forms.IssueCodeForm()
    if form.validate_on_submit():
        issued = services.issue_query_code(
            case,
            current_user,
            person_name=form.person_name.data,
            relation=form.relation.data,
            verification=form.verification.data,
            verification_note=form.verification_note.data,
            submission_key=form.submission_key.data,
        )
        db.session.commit()  # durable before the code is handed over
        # The POST's own response, never a redirect: the code is in no URL, no later page and no
        # cache.
        response = make_response(
            render_template(
                "cases/admin/receipt.html",
                case=case,
                grant=issued.grant,
                query_code=codes.format_code(issued.code) if issued.code else None,
                is_repeat=issued.is_repeat,
            )
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("cases/admin/issue.html", form=form, case=case), (
        400 if form.errors else 200
    )


@bp.route("/<int:case_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@roles_required(*CASE_EDITORS)
def revoke_grant(case_id: int, grant_id: int):
    case = get_case(case_id)
    grant = db.session.get(CaseQueryGrant, grant_id)
    if grant is None or grant.case_id != case.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.revoke_grant(grant, current_user)
        except services.CaseError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                _("The query code of %(name)s no longer works.", name=grant.person_name), "success"
            )
    return redirect(url_for(".show_case", case_id=case.id))
