"""Public pages for case procedural information (案件程序性信息查询).

A person given a query code by the procuratorate types the case number and the code; on a match
this browser's (signed) session remembers, for a while, which case and which grant it opened.
The case page checks on every view that the grant still works, so a revoked code shuts the page
at once. The code never travels in a URL.
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
    session,
    url_for,
)

from portal.cases import services
from portal.cases.forms import CaseQueryForm
from portal.cases.models import Case, Category
from portal.core import clock
from portal.core.forms import ConfirmForm
from portal.core.i18n import gettext as _
from portal.extensions import db, limiter

bp = Blueprint("cases", __name__)


@bp.app_template_filter("case_category")
def case_category_label(code: str):
    """The translated name of a case category code, for any template."""
    return Category(code).label


ACCESS_KEY = "case_access"


def lookup_limit():
    return current_app.config["LOOKUP_LIMIT"]


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def grant_access(access: services.QueryAccess) -> None:
    """Remember the case and the grant that opened it; entries expire after
    PROGRESS_ACCESS_MINUTES, as for the petition progress page."""
    now = clock.now().timestamp()
    entries = {k: v for k, v in session.get(ACCESS_KEY, {}).items() if v[1] > now}
    expires = now + current_app.config["PROGRESS_ACCESS_MINUTES"] * 60
    entries[str(access.case.id)] = [access.grant.id, expires]
    session[ACCESS_KEY] = entries


def case_with_access(case_id: int):
    """The case and the grant this session opened it with, else back to the query form."""
    entry = session.get(ACCESS_KEY, {}).get(str(case_id))
    grant = None
    if entry and entry[1] > clock.now().timestamp():
        grant = services.active_grant(case_id, entry[0])
    if grant is None:
        abort(redirect(url_for(".lookup")))
    return db.session.get(Case, case_id) or abort(404), grant


@bp.route("/cases/query", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"])
def lookup():
    form = CaseQueryForm()
    if form.validate_on_submit():
        try:
            access = services.find_for_query(form.case_number.data, form.query_code.data)
        except services.LookupLocked:
            access = None
            form.query_code.errors = [
                _(
                    "Too many wrong attempts for this case number. For your security it is locked "
                    "for a while; try again later or call the 12309 hotline."
                )
            ]
        else:
            if access is None:
                form.query_code.errors = [
                    _(
                        "We found no case with this case number and query code. Check both "
                        "against the slip the procuratorate gave you."
                    )
                ]
        db.session.commit()  # failures count even though nothing is shown
        if access is not None:
            grant_access(access)
            return redirect(url_for(".show_case", case_id=access.case.id))
    status = 400 if form.errors else 200
    return no_store(make_response(render_template("cases/lookup.html", form=form), status))


@bp.route("/cases/<int:case_id>")
def show_case(case_id: int):
    case, grant = case_with_access(case_id)
    return no_store(
        make_response(
            render_template(
                "cases/case.html",
                case=case,
                relation=grant.relation_enum,
                confirm_form=ConfirmForm(),
            )
        )
    )


@bp.route("/cases/end", methods=["POST"])
def end_access():
    if ConfirmForm().validate_on_submit():
        session.pop(ACCESS_KEY, None)
        flash(
            _("You have left the case. Use the case number and code to look at it again."),
            "success",
        )
    return redirect(url_for(".lookup"))
