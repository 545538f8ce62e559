"""Keyword factories for documents and releases, through the services as production does."""

from __future__ import annotations

from datetime import date

from portal.core import audit
from portal.core.permissions import Role
from portal.disclosure import services
from portal.disclosure.models import Release
from portal.extensions import db
from tests.factories import make_user


def publisher():
    return make_user(Role.PUBLISHER)


def second_publisher():
    """Another publisher: whoever reviewed the redactions may not publish them."""
    return make_user(Role.PUBLISHER)


def make_document(user=None, *, text, doc_type="non_prosecution", procuratorate="示例市人民检察院",
                  case_number="示检刑不诉〔2024〕1号", document_date=date(2024, 5, 10),
                  involves_minor=False, commit=True, english_title="",
                  english_summary=""):  # fmt: skip
    document = services.create_document(
        services.DocumentData(
            doc_type=doc_type,
            procuratorate=procuratorate,
            case_number=case_number,
            document_date=document_date,
            text=text,
            involves_minor=involves_minor,
            english_title=english_title,
            english_summary=english_summary,
        ),
        user or publisher(),
    )
    if commit:
        db.session.commit()
    return document


def review_and_publish(record, user, *, by=None, **options):
    """Review (as `user`) and publish (as `by`, a second publisher by default): two people."""
    services.review(record, user)
    by = by or second_publisher()
    if isinstance(record, Release):
        services.publish_release(record, by, **options)
    else:
        if record.doc_type == "indictment":
            options.setdefault("judgment_in_force_on", date(2024, 6, 1))
        services.publish_document(record, by, **options)
    db.session.commit()
    return record


publish = review_and_publish


def make_published_document(user=None, **fields):
    user = user or publisher()
    return publish(make_document(user, **fields), user)


def make_release(user=None, *, title="示例市检察院依法对一起电信网络诈骗案提起公诉", body=None,
                 category="case_progress", procuratorate="示例市人民检察院",
                 released_on=date(2024, 6, 1), publish=True, by=None, english_title="",
                 english_summary=""):  # fmt: skip
    """A release, reviewed by `user` and published by `by` (a second publisher) unless
    publish=False."""
    user = user or publisher()
    release = services.create_release(
        services.ReleaseData(
            title=title,
            body=body or "近日，示例市人民检察院依法对犯罪嫌疑人张某等5人涉嫌诈骗罪一案提起公诉。",
            category=category,
            procuratorate=procuratorate,
            released_on=released_on,
            english_title=english_title,
            english_summary=english_summary,
        ),
        user,
    )
    db.session.commit()
    if publish:
        review_and_publish(release, user, by=by)
    return release


def audit_codes(record) -> list[str]:
    """The audit event codes of a document or a release, in the order they were written."""
    return [event.code for event in audit.history(record)]
