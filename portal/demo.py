"""`flask --app portal demo-data`: staff accounts and sample petitions for a local demo.

Everything is created through the same services and workflow functions the portal uses, so the
demo shows real states, deadlines and audit trails. Running it again changes nothing.

It refuses to run in production (PORTAL_ENV=production, the default): the demo accounts have
published passwords, and its petitions, cases and releases are fiction.
"""

from __future__ import annotations

import secrets
from datetime import date, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.appointments import services as appointments
from portal.appointments.models import LAWYER_SERVICES, OpeningHours, Place
from portal.calendar import services as calendar
from portal.cases import services as cases
from portal.certificates import services as certificates
from portal.core import clock
from portal.core.permissions import Role
from portal.core.uploads import check_file
from portal.deputies import services as deputies
from portal.disclosure import services as disclosure
from portal.extensions import db
from portal.lawyers import services as lawyers
from portal.leads import services as leads
from portal.openhouse import services as openhouse
from portal.petitions import duplicates, workflow
from portal.petitions import services as petitions

DEMO_ACCOUNTS = [
    (Role.CLERK, "clerk@demo.local", "王受理", "Demo-clerk-2026"),
    (Role.HANDLER, "handler@demo.local", "李承办", "Demo-handler-2026"),
    (Role.LEADER, "leader@demo.local", "张检察长", "Demo-leader-2026"),
    (Role.PUBLISHER, "publisher@demo.local", "赵发布", "Demo-publisher-2026"),
    # A second publisher: whoever reviews the redactions may not publish them.
    (Role.PUBLISHER, "reviewer@demo.local", "钱审核", "Demo-reviewer-2026"),
    (Role.ADMIN, "admin@demo.local", "陈管理", "Demo-admin-2026"),
]
DEMO_LAWYER = lawyers.Registration(
    name="吴律师",
    licence_number="11101200710123456",
    law_firm="示例律师事务所",
    mobile="13900000001",
    email="lawyer@demo.local",
    password="Demo-lawyer-2026",  # noqa: S106  (printed demo login, local only)
)

DEMO_DEPUTY = deputies.DeputyData(
    name="郑代表",
    body="congress",
    level="city",
    assembly="示例市第十七届人民代表大会",
    unit="示例市第一中学校长",
    mobile="13900000012",  # the browser tests text 13900000001 and 2 as petitioners
    email="deputy@demo.local",
)
DEMO_DEPUTY_PASSWORD = "Demo-deputy-2026"  # noqa: S105  (printed demo login, local only)


@click.command("demo-data")
@with_appcontext
def demo_data():
    """Load demo staff accounts (one per role) and sample petitions, and print the logins."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException(
            "demo-data refuses to run in production: it creates staff accounts with published "
            "passwords and fictional records. For a local demo set PORTAL_ENV=development."
        )
    if db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1])) is None:
        users, reviewer = {}, None
        for role, email, name, password in DEMO_ACCOUNTS:
            user = accounts.create_user(email, name, role, password)
            if role in users:
                reviewer = user
            users.setdefault(role, user)
        calendar.set_day(date(2027, 1, 1), "holiday", "元旦", actor=users[Role.ADMIN])
        _sample_petitions(users)
        _sample_cases(users)
        _sample_appointments(users)
        _sample_disclosure(publisher=users[Role.PUBLISHER], reviewer=reviewer)
        _sample_leads(users)
        _sample_record_inquiries(users)
        _sample_deputies(users)
        _sample_open_procuratorate(users)
        db.session.commit()
        duplicates.index_queued()  # the worker's work: the demo shows its repeats at once
        click.echo("Demo data loaded.")
    else:
        click.echo("Demo data already present.")
    click.echo("Staff logins (http://127.0.0.1:8000/staff/login):")
    for role, email, _name, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<10} {email:<22} {password}")
    click.echo("Verified lawyer (http://127.0.0.1:8000/lawyer/login):")
    click.echo(f"  {'lawyer':<10} {DEMO_LAWYER.email:<22} {DEMO_LAWYER.password}")
    click.echo("Verified deputy (http://127.0.0.1:8000/deputy/login):")
    click.echo(f"  {'deputy':<10} {DEMO_DEPUTY.email:<22} {DEMO_DEPUTY_PASSWORD}")


def _submit(kind, subject, body, **contact):
    data = petitions.IntakeData(kind=kind, subject=subject, body=body, **contact)
    return petitions.submit_petition(
        data, channel="web", submission_key=secrets.token_urlsafe(32)
    ).petition


def _sample_petitions(users):
    clerk, handler, leader = users[Role.CLERK], users[Role.HANDLER], users[Role.LEADER]
    _submit(
        "complaint",
        "反映某派出所对报案不予立案",
        "本人于今年九月向某派出所报案称被他人诈骗三万元，至今未予立案，请求检察机关监督。",
        name="刘某某",
        mobile="13800000001",
    )
    _submit(
        "report",
        "举报某公司非法集资",
        "某投资公司以高息为诱饵向社会公众吸收资金，涉嫌非法吸收公众存款。",
        is_anonymous=True,
    )
    accepted = _submit(
        "criminal_appeal",
        "不服一审判决申诉",
        "本人对一审判决认定事实有异议，请求复查。",
        name="孙某某",
        mobile="13800000002",
        email="petitioner@demo.local",
    )
    workflow.acknowledge(
        accepted, clerk, notice="您的申诉已受理，我院将在三个月内答复办理过程或结果。"
    )
    workflow.assign(accepted, leader, handler=handler)
    answered = _submit(
        "legal_consultation",
        "咨询国家赔偿申请期限",
        "请问申请刑事赔偿的期限是多久？",
        name="周某某",
        mobile="13800000003",
    )
    workflow.acknowledge(answered, clerk, notice="您的咨询已受理。")
    workflow.assign(answered, clerk, handler=handler)
    workflow.draft_reply(
        answered,
        handler,
        kind="result",
        body="根据《国家赔偿法》第三十九条，请求国家赔偿的时效为两年。",
    )
    workflow.approve(answered, leader)


# ---- public-interest litigation leads (portal/leads) -----------------------------------------


def _demo_photo():
    """A plain photo for the demo lead, through the same re-encoding as any uploaded one."""
    import io

    from PIL import Image

    from portal.core.images import reencode_photo

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (70, 90, 60)).save(out, "JPEG")
    return reencode_photo("河道排污口.jpg", out.getvalue())


def _sample_leads(users):
    """Two leads: an anonymous one with a photo and coordinates, waiting for its procedural
    reply; and a named one already answered with the result."""
    clerk, handler, leader = users[Role.CLERK], users[Role.HANDLER], users[Role.LEADER]
    leads.report_lead(
        petitions.IntakeData(
            kind=leads.PETITION_KIND.value,
            subject="化工厂夜间向河道排放污水",
            body="东郊河段旁的化工厂每晚十点后通过暗管向河道排放黑色污水，河面出现死鱼。",
            is_anonymous=True,
        ),
        leads.LeadData(
            harm_field="ecology",
            location="示例市东郊河段，化工路与滨河路交叉口以北约200米",
            latitude=39.9042,
            longitude=116.4074,
            photos=[_demo_photo()],
        ),
        submission_key=secrets.token_urlsafe(32),
    )
    answered = leads.report_lead(
        petitions.IntakeData(
            kind=leads.PETITION_KIND.value,
            subject="校园周边小卖部向学生售卖烟酒",
            body="示例市第一小学校门对面的小卖部长期向小学生出售香烟和白酒，家长多次劝阻无效。",
            name="郑某某",
            mobile="13800000004",
        ),
        leads.LeadData(harm_field="minors", location="示例市第一小学校门对面"),
        submission_key=secrets.token_urlsafe(32),
    ).petition
    workflow.acknowledge(answered, clerk, notice="您反映的公益诉讼线索已受理。")
    workflow.assign(answered, clerk, handler=handler)
    workflow.draft_reply(
        answered,
        handler,
        kind="result",
        body="经调查核实，我院已向市场监管部门发出检察建议，该小卖部已被责令整改并处罚款。",
    )
    workflow.approve(answered, leader)


def _sample_cases(users):
    cases.create_case(
        cases.CaseData(
            case_number="示检刑诉受〔2026〕1号",
            cause_of_action="盗窃罪",
            procuratorate="示例市人民检察院",
            department="第一检察部",
            accepted_on=date(2026, 10, 9),
            time_limit_on=date(2026, 11, 8),
            coercive_measures="取保候审",
        ),
        users[Role.CLERK],
    )


# The reception rota of the demo: the chief procurator and deputies in turn, each Wednesday
# morning of the coming weeks (as many procuratorates hold 检察长接待日).
DEMO_RECEPTION_LEADERS = [("王志远", "检察长"), ("李红", "副检察长"), ("陈国栋", "副检察长")]
DEMO_RECEPTION_WEEKS = 8


def _sample_appointments(users):
    """A reception office open on working days for the lawyers' services, a published
    reception rota (Wednesday mornings of the coming weeks), and a verified lawyer."""
    now = clock.now()
    place = Place(name="示例市人民检察院检察服务中心", address="示例市人民路1号", created_at=now)
    db.session.add(place)
    db.session.flush()
    for service in LAWYER_SERVICES:
        for weekday in range(5):
            for start, end in ((time(9), time(11, 30)), (time(14), time(17))):
                db.session.add(
                    OpeningHours(
                        place_id=place.id,
                        service=service.value,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                        slot_minutes=30,
                        capacity=2,
                        created_at=now,
                    )
                )
    today = clock.local_today()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7)
    for week in range(DEMO_RECEPTION_WEEKS):
        name, title = DEMO_RECEPTION_LEADERS[week % len(DEMO_RECEPTION_LEADERS)]
        appointments.publish_rota_day(
            users[Role.CLERK],
            place_id=place.id,
            day=wednesday + timedelta(weeks=week),
            leader_name=name,
            leader_title=title,
            start_time=time(9),
            end_time=time(11, 30),
            slot_minutes=30,
            capacity=3,
        )
    lawyer = lawyers.register_lawyer(DEMO_LAWYER)
    lawyers.confirm_email(lawyers.confirmation_token(lawyer))
    lawyers.verify_lawyer(lawyer, users[Role.CLERK])


DEMO_NON_PROSECUTION = """示例市人民检察院
不起诉决定书
示检刑不诉〔2026〕3号

被不起诉人林志强，男，1990年3月2日出生，公民身份号码110105199003021234，住示例市中山区人民路88号，手机号码13911112222。
本案由示例市公安局侦查终结，以被不起诉人林志强涉嫌盗窃罪，于2026年8月3日移送本院审查起诉。
经本院依法审查查明：2026年6月1日，被不起诉人林志强在某超市盗窃商品，价值人民币九百元。案发后，林志强退赔全部损失，被害人陈明表示谅解。证人刘芳证实上述情况。
本院认为，林志强犯罪情节轻微，根据《中华人民共和国刑事诉讼法》第一百七十七条第二款的规定，决定对林志强不起诉。
检察员 王建国
2026年9月10日
"""


def _sample_disclosure(*, publisher, reviewer):
    """One published non-prosecution decision and one release, redacted as proposed: one
    publisher reviews the redactions, the other publishes."""
    document = disclosure.create_document(
        disclosure.DocumentData(
            doc_type="non_prosecution",
            procuratorate="示例市人民检察院",
            case_number="示检刑不诉〔2026〕3号",
            document_date=date(2026, 9, 10),
            text=DEMO_NON_PROSECUTION,
            english_title="Non-prosecution decision: theft from a supermarket",
            english_summary=(
                "The person was suspected of theft of goods worth 900 yuan. The circumstances were "
                "minor, the loss was made good and the victim forgave him, so the procuratorate "
                "decided not to prosecute."
            ),
        ),
        publisher,
    )
    disclosure.review(document, reviewer)
    disclosure.publish_document(document, publisher)
    release = disclosure.create_release(
        disclosure.ReleaseData(
            title="示例市人民检察院依法对一起电信网络诈骗案提起公诉",
            body="近日，示例市人民检察院依法对犯罪嫌疑人张某等5人涉嫌诈骗罪一案提起公诉。",
            category="case_progress",
            procuratorate="示例市人民检察院",
            released_on=date(2026, 11, 2),
            english_title="Five people prosecuted for telecom fraud",
            english_summary="The procuratorate brought a public prosecution against five "
            "suspects of telecom and online fraud.",
        ),
        publisher,
    )
    disclosure.review(release, reviewer)
    disclosure.publish_release(release, publisher)


# ---- the bribery-record inquiry (行贿犯罪档案查询) ------------------------------------------------

# The smallest PDF the upload checks accept: the demo's authorisation letters.
_DEMO_LETTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def _sample_record_inquiries(users):
    """Two records of bribery crimes (a company and a person), an application waiting, one
    answered with "records found", one answered with "no record found" and one refused."""
    handler = users[Role.HANDLER]
    for record in [
        certificates.RecordData("company", "示例路桥工程有限公司", "91350100M000100Y43",
                                "（2024）示刑初字第7号", "示例市中级人民法院", date(2024, 5, 20),
                                "单位行贿罪", "罚金人民币五十万元"),
        certificates.RecordData("person", "钱某某", "11010519491231002X",
                                "（2023）示刑初字第3号", "示例市中级人民法院", date(2023, 3, 1),
                                "行贿罪", "有期徒刑三年，并处罚金人民币二十万元"),
    ]:  # fmt: skip
        certificates.create_record(record, handler)

    def apply(name, identifier, kind="company"):
        data = certificates.ApplicationData(
            holder_kind=kind, holder_name=name, identifier=identifier, purpose="参加工程投标",
            project_name="示例市第一中学教学楼工程", tendering_party="示例市教育局",
            contact_name="陈经办", mobile="13800000009", email="applicant@demo.local",
            letter=check_file("授权委托书.pdf", _DEMO_LETTER), locale="zh_Hans_CN",
        )  # fmt: skip
        return certificates.submit_application(
            data, submission_key=secrets.token_urlsafe(32)
        ).application

    apply("示例科技有限公司", "91110108MA01ABCD1E")  # waiting
    certificates.issue_certificate(apply("示例科技有限公司", "91110108MA01ABCD1E"), handler)
    certificates.issue_certificate(apply("示例路桥工程有限公司", "91350100M000100Y43"), handler)
    certificates.refuse_application(
        apply("示例商贸有限公司", "91350100M000100Y43"),
        handler,
        "授权委托书未加盖公章，请补正后重新申请。",
    )


def _sample_deputies(users):
    """Deputies' liaison: a verified deputy with one suggestion answered (drafted by the
    handler, approved by the leader) and one waiting, a CPPCC member waiting for verification,
    and an open day a week ahead to which the deputy is invited."""
    clerk, handler, leader = users[Role.CLERK], users[Role.HANDLER], users[Role.LEADER]
    deputy = deputies.register_deputy(DEMO_DEPUTY, DEMO_DEPUTY_PASSWORD)
    deputies.verify_deputy(deputy, clerk)
    deputies.register_deputy(
        deputies.DeputyData(
            name="冯委员",
            body="cppcc",
            level="county",
            assembly="示例县政协第十届委员会",
            unit="示例县人民医院",
            mobile="13900000003",
            email="member@demo.local",
        ),
        "Demo-member-2026",
    )

    def suggest(subject, body):
        return deputies.submit_suggestion(
            deputy,
            deputies.SuggestionData(kind="suggestion", subject=subject, body=body),
            submission_key=secrets.token_urlsafe(32),
        )[0]

    answered = suggest(
        "关于加强校园周边未成年人保护的建议",
        "建议检察机关联合教育部门，在中小学开展法治宣传，并加强对校园周边场所的监督。",
    )
    deputies.draft_answer(
        answered,
        handler,
        "我院已与市教育局建立法治副校长制度，本学期已在十二所学校开展法治课；校园周边监督纳入公益诉讼检察重点。",
    )
    deputies.approve_answer(answered, leader)
    suggest("关于公开不起诉决定书的意见", "建议及时公开不起诉决定书，并说明理由。")
    event = deputies.create_event(
        deputies.EventData(
            kind="open_day",
            title="检察开放日：走进检察服务中心",
            starts_at=clock.now() + timedelta(days=7),
            place="示例市人民检察院检察服务中心",
            description="参观检察服务中心和12309检察服务热线，听取对检察工作的意见建议。",
        ),
        clerk,
    )
    deputies.invite(event, [deputy.id], clerk)


def _demo_gathering(title, *, start, hours=3, opens, closes, **fields):
    return openhouse.GatheringData(
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        place=fields.pop("place", "示例市人民检察院（示例市示例路1号），请从东门进入"),
        description=fields.pop(
            "description",
            "参观检察服务中心、12309检察服务热线和案件管理中心，观看检察工作介绍，与检察官座谈。",
        ),
        eligibility=fields.pop("eligibility", "年满18周岁的公民；未成年人须由监护人陪同"),
        notes=fields.pop("notes", "请携带身份证，提前15分钟到达。院内禁止拍照录像。"),
        capacity=fields.pop("capacity", 30),
        max_party_size=fields.pop("max_party_size", 3),
        admission=fields.pop("admission", "draw"),
        registration_opens_at=opens,
        registration_closes_at=closes,
        **fields,
    )


def _demo_registrations(gathering, people):
    for n, (name, party_size) in enumerate(people):
        openhouse.register(
            gathering,
            openhouse.RegistrationData(
                name=name,
                mobile=f"1370000{gathering.id:02d}{n:02d}",
                email=None,
                party_size=party_size,
                locale="zh_Hans_CN",
            ),
            submission_key=secrets.token_urlsafe(32),
        )


def _sample_open_procuratorate(users):
    """The open procuratorate: an open day three weeks ahead taking registrations (a few in),
    an oversubscribed open day last month whose places were drawn, a hearing notice open to
    observers, and a hearing held with its outcome published. The past ones are made at their
    own time (the clock frozen), through the same services."""
    publisher = users[Role.PUBLISHER]
    now = clock.now()
    coming = openhouse.announce_gathering(
        "open_day",
        _demo_gathering(
            "检察开放日：走进检察院",
            start=now + timedelta(days=21),
            opens=now - timedelta(days=1),
            closes=now + timedelta(days=14),
        ),
        publisher,
    )
    _demo_registrations(coming, [("孙小明", 2), ("周红", 1), ("吴刚", 3)])

    past_start = now - timedelta(days=20)
    with clock.frozen(now - timedelta(days=40)):
        drawn = openhouse.announce_gathering(
            "open_day",
            _demo_gathering(
                "检察开放日：未成年人检察工作展示",
                start=past_start,
                opens=now - timedelta(days=40),
                closes=now - timedelta(days=25),
                capacity=6,
                max_party_size=2,
            ),
            publisher,
        )
    with clock.frozen(now - timedelta(days=30)):
        _demo_registrations(
            drawn,
            [("郑一", 2), ("王二", 1), ("冯三", 2), ("陈四", 1), ("褚五", 2), ("卫六", 1),
             ("蒋七", 2), ("沈八", 1)],
        )  # fmt: skip
    with clock.frozen(now - timedelta(days=24)):
        openhouse.allocate_places(drawn, publisher)

    openhouse.announce_gathering(
        "hearing",
        _demo_gathering(
            "关于一起刑事申诉案件拟不支持监督申请的公开听证",
            start=now + timedelta(days=10),
            hours=2,
            opens=now - timedelta(days=2),
            closes=now + timedelta(days=8),
            place="示例市人民检察院听证室（三楼）",
            description=(
                "申诉人不服法院对其盗窃案的判决，向本院申请监督。本院拟作出不支持监督申请的决定，"
                "现公开听证，听取听证员和各方意见。"
            ),
            eligibility="年满18周岁的公民",
            notes="旁听人员请遵守听证纪律，不得录音录像。",
            capacity=10,
            max_party_size=1,
            admission="first_come",
            hearing_officers="人大代表一名、政协委员一名、人民监督员一名、律师一名、社区工作者一名",
        ),
        publisher,
    )
    with clock.frozen(now - timedelta(days=30)):
        held = openhouse.announce_gathering(
            "hearing",
            _demo_gathering(
                "关于一起轻伤害案件拟作不起诉决定的公开听证",
                start=now - timedelta(days=15),
                hours=2,
                opens=now - timedelta(days=30),
                closes=now - timedelta(days=17),
                place="示例市人民检察院听证室（三楼）",
                description="犯罪嫌疑人与被害人已达成和解并赔偿，本院拟作不起诉决定，听取各方意见。",
                eligibility="年满18周岁的公民",
                capacity=10,
                max_party_size=1,
                admission="first_come",
                hearing_officers="人大代表一名、人民监督员两名、律师一名",
            ),
            publisher,
        )
    openhouse.publish_outcome(
        held,
        publisher,
        "五名听证员一致认为犯罪嫌疑人认罪认罚、已赔偿并取得谅解，同意作不起诉决定。"
        "本院已依法作出不起诉决定。",
    )
