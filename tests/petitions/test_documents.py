"""Written notices and receipts: numbered, printed with the petitioner's address for a window
envelope, read back from the PDF (text with pypdf, the QR code rendered by PDFium and decoded by
ZXing), posted to those who wrote or came in person, downloadable only with the progress page's
access. No PDF ever carries the query code."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

import pypdf
import pytest
import sqlalchemy as sa

from portal.accounts import queries as accounts
from portal.core import clock
from portal.core.audit import AuditEvent
from portal.core.permissions import Role
from portal.core.urls import public_url
from portal.extensions import db
from portal.petitions import documents, services, workflow
from portal.petitions.models import Petition, WrittenNotice
from tests.factories import login, make_petition, make_user, open_progress
from tests.pdfs import compact, embedded_fonts, pdf_text, qr_codes, viewer_text

ADDRESS = "100000 北京市东城区示例路1号"
LETTER = {"channel": "letter", "mobile": None, "address": ADDRESS, "name": "张某某"}


@pytest.fixture
def team(frozen_now):
    team = {role: make_user(role) for role in (Role.CLERK, Role.HANDLER, Role.LEADER)}
    return team


def numbers(petition) -> list[str]:
    return [notice.document_number for notice in documents.notices_of(petition)]


def answer(petition, team, *, progress_first=False):
    """Accept, assign, and send the result (after a progress reply if asked)."""
    workflow.acknowledge(petition, team[Role.CLERK], notice="你的控告材料已收到，本院已依法受理。")
    workflow.assign(petition, team[Role.CLERK], handler=team[Role.HANDLER])
    if progress_first:
        workflow.draft_reply(petition, team[Role.HANDLER], kind="progress", body="正在调查核实。")
        workflow.approve(petition, team[Role.LEADER])
    workflow.draft_reply(petition, team[Role.HANDLER], kind="result", body="经审查，答复如下。")
    workflow.approve(petition, team[Role.LEADER])
    db.session.commit()


# ---- numbers ---------------------------------------------------------------------------------


def test_every_reply_sent_makes_a_notice_numbered_per_year_and_kind(team):
    clerk = team[Role.CLERK]
    first, _ = make_petition()
    answer(first, team, progress_first=True)
    second, _ = make_petition()
    workflow.acknowledge(second, clerk, notice="已受理。")
    transferred, _ = make_petition()
    workflow.transfer(transferred, clerk, authority="示例市公安局", notice="已转送。")
    refused, _ = make_petition()
    workflow.not_accept(refused, clerk, reason="不属于检察机关管辖。")
    repeat, _ = make_petition()
    workflow.merge(repeat, clerk, into=second, notice="与前次来信合并办理。")
    db.session.commit()
    assert numbers(first) == [
        "示检控告受〔2026〕1号",
        "示检控告进〔2026〕1号",
        "示检控告复〔2026〕1号",
    ]
    assert numbers(second) == ["示检控告受〔2026〕2号"]
    assert numbers(transferred) == ["示检控告转〔2026〕1号"]
    assert numbers(refused) == ["示检控告不受〔2026〕1号"]
    assert numbers(repeat) == ["示检控告并〔2026〕1号"]


def test_a_draft_makes_no_notice_until_it_is_sent(team):
    petition, _ = make_petition()
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    workflow.assign(petition, team[Role.CLERK], handler=team[Role.HANDLER])
    workflow.draft_reply(petition, team[Role.HANDLER], kind="result", body="草稿")
    workflow.return_draft(petition, team[Role.LEADER], comment="请补充依据")
    db.session.commit()
    assert numbers(petition) == ["示检控告受〔2026〕1号"]


def test_numbers_start_again_each_year_and_take_the_configured_prefix(app, team, monkeypatch):
    monkeypatch.setitem(app.config, "NOTICE_NUMBER_PREFIX", "京检控")
    december, _ = make_petition()
    workflow.acknowledge(december, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    # Midnight in Beijing on New Year's Day is still 31 December in UTC: the local year counts.
    with clock.frozen(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)):
        january, _ = make_petition()
        workflow.acknowledge(january, team[Role.CLERK], notice="已受理。")
        db.session.commit()
    assert numbers(december) == ["京检控受〔2026〕1号"]
    assert numbers(january) == ["京检控受〔2027〕1号"]


def test_concurrent_replies_get_sequential_numbers_and_never_the_same(app, team):
    """Eight clerks accept eight petitions at the same moment, each in its own thread with its
    own session and connection, as several gunicorn workers would."""
    ids = [make_petition()[0].id for _ in range(8)]
    clerk_id = team[Role.CLERK].id
    db.session.commit()  # ends this thread's transaction (on SQLite it would hold the lock)
    start, failures = threading.Barrier(len(ids), timeout=30), []

    def acknowledge(petition_id):
        with app.app_context():
            try:
                start.wait()
                petition = db.session.get(Petition, petition_id)
                workflow.acknowledge(petition, accounts.find_user(clerk_id), notice="已受理。")
                db.session.commit()
            except Exception as failure:  # noqa: BLE001  (reported below)
                failures.append(failure)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=acknowledge, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    issued = db.session.scalars(sa.select(WrittenNotice.document_number)).all()
    assert sorted(issued) == sorted(f"示检控告受〔2026〕{n}号" for n in range(1, len(ids) + 1))


# ---- the paper -------------------------------------------------------------------------------


def test_the_notice_carries_its_facts_the_address_block_and_a_qr_code_to_the_lookup(app, team):
    petition, _ = make_petition(**LETTER, subject="反映派出所不予立案")
    workflow.acknowledge(petition, team[Role.CLERK], notice="你的控告材料已收到，本院已依法受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        content = documents.notice_pdf(notice, "zh_Hans_CN")
    text = pdf_text(content)
    for expected in (
        app.config["PROCURATORATE_NAME"],
        "受理告知书",
        "示检控告受〔2026〕1号",
        compact(ADDRESS),
        "张某某",
        "反映派出所不予立案",
        petition.tracking_number,
        "你的控告材料已收到，本院已依法受理。",
        "2026年11月23日",
    ):
        assert expected in text, expected
    with app.test_request_context():
        lookup = public_url("petitions.lookup", number=petition.tracking_number)
    assert qr_codes(content) == [lookup]
    (font,) = embedded_fonts(content)
    assert font.endswith("+NotoSerifCJKSC")  # a subset of the Simplified Chinese face


def test_a_viewer_reads_the_same_text(app, team):
    petition, _ = make_petition(**LETTER)
    workflow.acknowledge(petition, team[Role.CLERK], notice="你的控告材料已收到。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        content = documents.notice_pdf(notice, "zh_Hans_CN")
    assert "\x00" not in viewer_text(content)
    assert viewer_text(content) == pdf_text(content)


def test_the_notice_of_a_transfer_names_where_it_went(app, team):
    petition, _ = make_petition()
    workflow.transfer(petition, team[Role.CLERK], authority="示例市公安局", notice="已转送。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        text = pdf_text(documents.notice_pdf(notice, "zh_Hans_CN"))
    assert "转送告知书" in text and "示例市公安局" in text


def test_an_anonymous_report_has_no_name_or_address_block(app, team):
    petition, _ = make_petition(kind="report", is_anonymous=True)
    workflow.acknowledge(petition, team[Role.CLERK], notice="你的举报已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    assert notice.by_post is False
    with app.test_request_context():
        text = pdf_text(documents.notice_pdf(notice, "zh_Hans_CN"))
    assert "你的举报已受理。" in text and "刘某某" not in text
    with app.test_request_context():
        english = pdf_text(documents.notice_pdf(notice, "en"))
    assert "Tothepersonwhomadethereport:" in english and "(addressee)" not in english


def test_the_notice_in_english_for_a_petitioner_who_reads_english(app, team):
    petition, _ = make_petition(**LETTER)
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        text = pdf_text(documents.notice_pdf(notice, "en"))
    assert compact(app.config["PROCURATORATE_NAME_EN"]) in text
    assert "Noticeofacceptance" in text and "示检控告受〔2026〕1号" in text
    assert "张某某(addressee)" in text and "张某某:" in text
    assert f"(trackingnumber{petition.tracking_number})" in text
    assert "November23,2026" in text


def test_the_same_notice_renders_to_the_same_bytes(app, team):
    petition, _ = make_petition(**LETTER)
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        first = documents.notice_pdf(notice, "zh_Hans_CN")
    with app.test_request_context(), clock.frozen(datetime(2027, 3, 1, tzinfo=UTC)):
        again = documents.notice_pdf(notice, "zh_Hans_CN")
    assert first == again


def test_the_receipt_has_the_facts_and_deadlines(app):
    petition, _ = make_petition(received_on=None)
    with app.test_request_context():
        content = documents.receipt_pdf(petition, "zh_Hans_CN")
        lookup = public_url("petitions.lookup", number=petition.tracking_number)
    text = pdf_text(content)
    for expected in (
        petition.tracking_number,
        "控告",
        petition.subject,
        "程序性回复期限",
        "办理过程或结果答复期限",
    ):
        assert expected in text, expected
    assert qr_codes(content) == [lookup]


def test_a_long_reply_runs_onto_more_pages_and_keeps_all_its_text(app, team):
    petition, _ = make_petition()
    body = "\n".join(f"第{i}段：经审查，本院认为该案事实清楚。" for i in range(1, 80))
    workflow.acknowledge(petition, team[Role.CLERK], notice=body)
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with app.test_request_context():
        content = documents.notice_pdf(notice, "zh_Hans_CN")
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) > 1
    assert "第79段：经审查，本院认为该案事实清楚。" in pdf_text(content)


def test_no_notice_or_receipt_carries_the_query_code(app, team):
    petition, code = make_petition(**LETTER)
    answer(petition, team, progress_first=True)
    with app.test_request_context():
        papers = [documents.receipt_pdf(petition, locale) for locale in ("zh_Hans_CN", "en")]
        papers += [
            documents.notice_pdf(notice, locale)
            for notice in documents.notices_of(petition)
            for locale in ("zh_Hans_CN", "en")
        ]
    assert len(papers) == 8
    for content in papers:
        text = pdf_text(content)
        for written in {code, services.format_code(code)}:
            assert compact(written) not in text
            assert written.encode() not in content
            assert all(written not in found for found in qr_codes(content))


# ---- who gets paper --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "by_post"),
    [
        (LETTER, True),
        ({"channel": "visit", "address": ADDRESS}, True),  # came in person: paper too
        ({"channel": "web", "address": ADDRESS}, False),  # online, reachable by mobile
        ({"channel": "phone", "mobile": None, "address": ADDRESS}, True),  # only an address
        ({"channel": "letter", "mobile": "13800000001"}, False),  # no address to post to
        ({"kind": "report", "is_anonymous": True, "channel": "letter"}, False),
    ],
)
def test_letters_visits_and_the_unreachable_get_their_notices_by_post(team, fields, by_post):
    petition, _ = make_petition(**fields)
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    assert [notice.by_post for notice in documents.notices_of(petition)] == [by_post]


def test_a_reply_to_a_petition_others_were_merged_into_reaches_each_petitioner(app, team):
    earlier, _ = make_petition(name="王某某", mobile="13900000000")
    repeat, _ = make_petition(**LETTER)
    workflow.merge(repeat, team[Role.CLERK], into=earlier, notice="与前次来信合并办理。")
    workflow.acknowledge(earlier, team[Role.CLERK], notice="两件来信一并受理。")
    db.session.commit()
    assert numbers(earlier) == ["示检控告受〔2026〕1号"]
    assert numbers(repeat) == ["示检控告并〔2026〕1号", "示检控告受〔2026〕2号"]
    notice = documents.notices_of(repeat)[-1]
    assert notice.by_post is True
    with app.test_request_context():
        text = pdf_text(documents.notice_pdf(notice, "zh_Hans_CN"))
    assert "张某某" in text and repeat.tracking_number in text and "两件来信一并受理。" in text
    assert "王某某" not in text and earlier.tracking_number not in text


# ---- posting, in the back office -------------------------------------------------------------


def to_post(client_request) -> list[str]:
    page = client_request.get("backoffice.list_notices_to_post")
    return [link.get_text(strip=True) for link in page.select("td a[download]")]


def events(code: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.code == code)).all()


def test_notices_to_post_are_listed_until_a_clerk_marks_them_posted(client_request, team):
    clerk = team[Role.CLERK]
    letter, _ = make_petition(**LETTER)
    online, _ = make_petition(address=ADDRESS)
    for petition in (letter, online):
        workflow.acknowledge(petition, clerk, notice="已受理。")
    db.session.commit()
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, clerk)
    dashboard = client_request.get("backoffice.dashboard")
    assert "1 Notices to be posted" in " ".join(dashboard.get_text(" ", strip=True).split())
    assert to_post(client_request) == ["示检控告受〔2026〕1号"]
    page = client_request.get("backoffice.show_petition", number=letter.tracking_number)
    assert "To be posted" in page.get_text()
    (notice,) = documents.notices_of(letter)
    client_request.post(
        "backoffice.mark_notice_posted",
        notice_id=notice.id,
        _data={"back": "petition"},
        _expected_redirect="backoffice.show_petition",
        _redirect_values={"number": letter.tracking_number},
    )
    assert to_post(client_request) == []
    page = client_request.get("backoffice.show_petition", number=letter.tracking_number)
    assert f"by {clerk.name}" in page.get_text()
    posted = [(e.subject_id, e.actor_id, e.details) for e in events("petition.notice_posted")]
    assert posted == [(str(letter.id), clerk.id, {"document": "示检控告受〔2026〕1号"})]

    client_request.post(  # a second click, or a colleague a moment later
        "backoffice.mark_notice_posted",
        notice_id=notice.id,
        _expected_redirect="backoffice.list_notices_to_post",
    )
    page = client_request.get("backoffice.list_notices_to_post")
    assert "was already marked posted" in page.get_text()
    assert len(events("petition.notice_posted")) == 1


def test_a_notice_read_online_cannot_be_marked_posted(team):
    petition, _ = make_petition()
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    with pytest.raises(documents.NoticeError):
        documents.mark_posted(notice, team[Role.CLERK])
    assert notice.posted_at is None


def test_a_leader_sees_the_list_but_does_not_keep_the_post(client_request, team):
    petition, _ = make_petition(**LETTER)
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    login(client_request.client, team[Role.LEADER])
    page = client_request.get("backoffice.list_notices_to_post")
    assert page.select("td a[download]") and not page.select("td form")
    client_request.post("backoffice.mark_notice_posted", notice_id=notice.id, _expected_status=403)


def test_staff_print_the_notice_in_chinese_and_the_copy_is_on_the_record(client_request, team):
    petition, _ = make_petition(**LETTER)
    workflow.acknowledge(petition, team[Role.CLERK], notice="已受理。")
    db.session.commit()
    (notice,) = documents.notices_of(petition)
    client_request.client.set_cookie("portal_locale", "en")
    login(client_request.client, team[Role.HANDLER])
    client_request.get(
        "backoffice.download_notice", number=petition.tracking_number, notice_id=notice.id
    )
    response = client_request.response
    assert_private_pdf(response)
    assert "受理告知书" in pdf_text(response.data)
    copies = [(e.actor_id, e.details) for e in events("petition.notice_downloaded")]
    assert copies == [(team[Role.HANDLER].id, {"document": "示检控告受〔2026〕1号"})]
    other, _ = make_petition()
    client_request.get(
        "backoffice.download_notice",
        number=other.tracking_number,
        notice_id=notice.id,
        _expected_status=404,
    )


# ---- downloads on the progress page ----------------------------------------------------------


def assert_private_pdf(response):
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data.startswith(b"%PDF-")


def test_the_petitioner_downloads_the_receipt_and_each_notice_from_the_progress_page(
    client_request, team
):
    petition, code = make_petition()
    answer(petition, team)
    client_request.client.set_cookie("portal_locale", "en")
    open_progress(client_request, petition, code)
    page = client_request.get("petitions.progress", number=petition.tracking_number)
    links = [link["href"] for link in page.select("a[download]")]
    assert len(links) == 3  # the receipt, the notice of acceptance, the result
    receipt = client_request.client.get(links[0])
    assert_private_pdf(receipt)
    assert "Receiptforyourpetition" in pdf_text(receipt.data)
    result = client_request.client.get(links[-1])
    assert_private_pdf(result)
    assert "示检控告复〔2026〕1号" in pdf_text(result.data)
    assert "经审查，答复如下。" in pdf_text(result.data)


def test_downloads_need_the_number_and_code_in_this_session(client_request, team):
    mine, my_code = make_petition()
    theirs, _ = make_petition(name="王某", mobile="13900000000")
    answer(mine, team)
    answer(theirs, team)
    (my_notice, *_) = documents.notices_of(mine)
    (their_notice, *_) = documents.notices_of(theirs)
    for endpoint, values in (
        ("petitions.download_receipt", {}),
        ("petitions.download_notice", {"notice_id": my_notice.id}),
    ):
        client_request.get(
            endpoint,
            number=mine.tracking_number,
            _expected_status=302,
            _expected_redirect="petitions.lookup",
            **values,
        )
    open_progress(client_request, mine, my_code)
    client_request.get(
        "petitions.download_notice", number=mine.tracking_number, notice_id=my_notice.id
    )
    # Another petition's notice, through my access or through theirs: as if it did not exist.
    client_request.get(
        "petitions.download_notice",
        number=mine.tracking_number,
        notice_id=their_notice.id,
        _expected_status=404,
    )
    client_request.get(
        "petitions.download_notice",
        number=theirs.tracking_number,
        notice_id=their_notice.id,
        _expected_status=302,
        _expected_redirect="petitions.lookup",
    )


def test_the_qr_code_fills_in_the_tracking_number_and_never_the_code(client_request):
    page = client_request.get("petitions.lookup", number=" xf2026-000123 ")
    assert page.select_one("input[name=tracking_number]")["value"] == "XF2026-000123"
    assert page.select_one("input[name=query_code]").get("value", "") == ""


def test_without_the_font_the_pdf_is_refused_with_a_clear_page_and_a_log_line(
    app, client_request, team, caplog, tmp_path
):
    petition, code = make_petition()
    answer(petition, team)
    client_request.client.set_cookie("portal_locale", "en")
    open_progress(client_request, petition, code)
    app.config["NOTICE_FONT"], installed = (
        str(tmp_path / "NoSuchFont.ttc"),
        app.config["NOTICE_FONT"],
    )
    try:
        page = client_request.get(
            "petitions.download_receipt", number=petition.tracking_number, _expected_status=503
        )
    finally:
        app.config["NOTICE_FONT"] = installed
    assert "The PDF cannot be made at the moment" in page.select_one("p.lead").get_text()
    assert "fonts-noto-cjk" not in page.get_text()  # the fix is the operator's, in the log
    assert any("fonts-noto-cjk" in record.getMessage() for record in caplog.records)
