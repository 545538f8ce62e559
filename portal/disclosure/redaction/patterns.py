"""Personal data found by its shape: numbers, e-mail addresses, addresses, health, and the
details that identify a child (school, class, village, birth date).

Each detector takes the text of a normalised view (normalize.py) and yields `(start, end, kind)`
in that text's positions. The patterns assume folded text: ASCII digits and `@`, no format
characters, and (in the joined view) no spaces inside digit runs.
"""

from __future__ import annotations

import re

EMAIL = "email"
ID_NUMBER = "id_number"
BANK_ACCOUNT = "bank_account"
PHONE = "phone"
ADDRESS = "address"
HEALTH = "health"
SCHOOL = "school"
BIRTH_DATE = "birth_date"
VILLAGE = "village"
# Kinds whose values are numbers or addresses of a fixed form: never kept, and the gate looks for
# every value the original had, in any writing, in the public text.
NUMBER_KINDS = frozenset({EMAIL, ID_NUMBER, BANK_ACCOUNT, PHONE})

_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    r"[\dXx](?![0-9A-Za-z])"
)
# A 15-digit first-generation card number: by the words before it, or by its date of birth.
_OLD_ID_RE = re.compile(
    r"(?:身份证|身份号码|证件号)(?:号码|号)?[:：为是]?\s*(?P<n>\d{15})(?!\d)"
    r"|(?<![0-9A-Za-z])(?P<m>[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])"
)
_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_LANDLINE_RE = re.compile(
    r"(?<!\d)(?:[(（]0\d{2,3}[)）][ -]?|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:[-转]\d{1,4})?(?!\d)"
)
_LOCAL_PHONE_RE = re.compile(
    r"(?:电话|手机|联系方式|座机|号码|微信|QQ)(?:号码|号)?[:：为是]?\s*(?P<n>[1-9]\d{4,11})(?!\d)"
)
_CARD_RE = re.compile(r"(?<![\dA-Za-z])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7}(?![\dA-Za-z])")
_ACCOUNT_RE = re.compile(
    r"(?:账号|帐号|账户|帐户|卡号|银行卡号?|存折号?|尾号)(?:号码)?[:：为是]?\s*"
    r"(?P<n>\d[\d -]{2,28}\d)(?!\d)"
)
# Passports, permits for Hong Kong, Macao and Taiwan, and other documents: by the words before.
_DOCUMENT_NUMBER_RE = re.compile(
    r"(?:护照|通行证|居留证|居住证|驾驶证|军官证|证件)[(（]?(?:号码|号)?[:：为是]?\s*"
    r"(?P<n>(?=(?:[A-Za-z]*\d){5})[A-Za-z0-9]{6,14})(?![0-9A-Za-z])"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PLACE = "省市区县旗镇乡村组路街道巷弄胡同号楼栋幢单元室院苑园小区屯庄"
_ADDRESS_RE = re.compile(
    r"(?:住址[:：为]?|(?<![居入记抓留])住(?![院宿房所宅址手])|位于|家住|现住|暂住|住所地[:：]?|"
    r"户籍所在地[:：]?|户籍地[:：]?|户籍[:：]|居住地[:：]?|现居住于|居住于|住在|现居|住于|"
    r"经常居住地[:：]?|租住(?:于|在)?|家庭住址[:：]?)"
    r"(?P<body>[^，,。；;\n（()）.·]{4,60})"
)
# A building and a flat (4幢1304室, 2栋1单元301室, 8号楼2-301) or a street number (胜利街486号):
# the address is the run of place words before it, back to a particle or punctuation.
_UNIT_RE = re.compile(
    r"\d+(?:号楼|栋|幢|座|号院)[\d\-]*(?:单元)?[\d\-]*(?:室|号|户)?"
    r"|(?:路|街|巷|弄|道|胡同|里|村|组)\d+(?:号|弄)(?:\d+(?:室|号))?"
)
_HEALTH_MARKER_RE = re.compile(
    r"(?:患有|罹患|诊断为|确诊为|被诊断出|被诊断为|身患)(?P<body>[^，,。；;\n（()）.·的]{1,30})"
)
_HEALTH_WORDS = (
    "艾滋病", "HIV", "乙肝", "乙型肝炎", "丙肝", "梅毒", "淋病", "性病", "精神分裂症", "抑郁症",
    "双相情感障碍", "精神病", "癫痫", "肺结核", "结核病", "白血病", "癌症", "肿瘤", "尿毒症",
    "精神发育迟滞", "智力残疾", "糖尿病",
)  # fmt: skip
_HEALTH_WORD_RE = re.compile("|".join(re.escape(w) for w in _HEALTH_WORDS))

# ---- what identifies a child -----------------------------------------------------------------
_CN = "一二三四五六七八九十"
_SCHOOL_RE = re.compile(
    r"(?:小学|中学|初中|高中|幼儿园|学校|学院|大学|职高|中专|技校|托管班|辅导班|培训班|补习班"
    r"|托育中心|培训中心)(?!文化|学历|毕业|肄业)"
    rf"(?:[\d{_CN}]+年级)?(?:[(（]?[\d{_CN}]+[)）]?班)?"
)
# A class without the school's name: 四年级二班, 初二（3）班, 高一3班.
_CLASS_RE = re.compile(
    rf"[\d{_CN}]+年级(?:[(（]?[\d{_CN}]+[)）]?班)?|[初高][一二三123][(（]?[\d{_CN}]+[)）]?班"
    rf"|[(（]?[\d{_CN}]+[)）]?班(?=[的，,。；;\s]|学生|同学|$)"
)
_BIRTH_DATE_RE = re.compile(
    r"(?:出生于|生于)?(?P<date>\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?)(?=出生|生)"
    r"|(?:出生于|生于|出生日期[:：为]?)(?P<date2>\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?)"
)
# A village with its town (双河镇北岸村, 桃源乡新庄村三组): where a person lives or works, as
# precise as an address, redacted in every document.
_TOWN_VILLAGE_RE = re.compile(
    r"[\u4e00-\u9fff]{2,4}(?:镇|乡)[\u4e00-\u9fff]{2,4}?村(?:[\d一二三四五六七八九十]+组)?(?![民庄落镇里委])"
)
_VILLAGE_RE = re.compile(r"村(?:委会)?(?:[\d一二三四五六七八九十]+组)?(?![民庄落镇里])")
_NAME_STOP = set("在于的到从往是为和与及被向对把由将至系、，,。；;：:“”（）()")


def _run_back(text: str, end: int, *, limit: int) -> int:
    """Where the name of a school or a village begins: back to a particle or punctuation."""
    start = end
    while (
        start > 0
        and end - start < limit
        and (re.match(r"[\u4e00-\u9fff\d]", text[start - 1]))
        and text[start - 1] not in _NAME_STOP
    ):
        start -= 1
    return start


def _matches(pattern: re.Pattern, text: str, kind: str, group: str | int = 0):
    for match in pattern.finditer(text):
        if match.group(group) is not None:
            yield match.start(group), match.end(group), kind


def numbers(text: str):
    """E-mail addresses, identity numbers, bank cards and accounts, phone numbers."""
    yield from _matches(_EMAIL_RE, text, EMAIL)
    yield from _matches(_ID_RE, text, ID_NUMBER)
    yield from _matches(_OLD_ID_RE, text, ID_NUMBER, "n")
    yield from _matches(_OLD_ID_RE, text, ID_NUMBER, "m")
    yield from _matches(_DOCUMENT_NUMBER_RE, text, ID_NUMBER, "n")
    yield from _matches(_ACCOUNT_RE, text, BANK_ACCOUNT, "n")
    yield from _matches(_CARD_RE, text, BANK_ACCOUNT)
    yield from _matches(_MOBILE_RE, text, PHONE)
    yield from _matches(_LANDLINE_RE, text, PHONE)
    yield from _matches(_LOCAL_PHONE_RE, text, PHONE, "n")


def addresses_and_health(text: str):
    marked = []
    for match in _ADDRESS_RE.finditer(text):
        body = match["body"]
        if any(ch in _PLACE for ch in body) or re.search(r"\d", body):
            marked.append((match.start("body"), match.end("body")))
            yield match.start("body"), match.end("body"), ADDRESS
    for match in _UNIT_RE.finditer(text):
        start = _run_back(text, match.start(), limit=30)
        overlaps = any(start < e and s < match.end() for s, e in marked)
        if match.start() - start >= 2 and not overlaps:
            yield start, match.end(), ADDRESS
    for match in _TOWN_VILLAGE_RE.finditer(text):
        start = max(match.start(), _run_back(text, match.end(), limit=match.end() - match.start()))
        if not any(start < e and s < match.end() for s, e in marked):
            yield start, match.end(), ADDRESS
    yield from _matches(_HEALTH_MARKER_RE, text, HEALTH, "body")
    yield from _matches(_HEALTH_WORD_RE, text, HEALTH)


def child_details(text: str):
    """In a case about a minor: the school and class, the village and the birth dates."""
    for match in _SCHOOL_RE.finditer(text):
        start = _run_back(text, match.start(), limit=14)
        if match.start() - start >= 2 or match.end() - match.start() > 3:
            yield start, match.end(), SCHOOL
    yield from _matches(_CLASS_RE, text, SCHOOL)
    for match in _BIRTH_DATE_RE.finditer(text):
        group = "date" if match["date"] else "date2"
        yield match.start(group), match.end(group), BIRTH_DATE
    for match in _VILLAGE_RE.finditer(text):
        start = _run_back(text, match.start(), limit=12)
        if match.start() - start >= 2:
            yield start, match.end(), VILLAGE


def has_school_class(text: str) -> bool:
    """A class or grade (四年级二班, 初二（3）班) or a pupil's school: a child is concerned."""
    if _CLASS_RE.search(text):
        return True
    return bool(re.search(r"(?:小学|幼儿园|初中|中学)(?:[\d一二三四五六七八九十]+年级|就读|学生)"
                          r"|就读|在读|小学生|中学生|初中生|幼儿", text))  # fmt: skip
