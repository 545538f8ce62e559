"""The redaction engine: proposes what to hide in a legal document before it is published.

A pure module (no Flask, no database): `propose(text)` returns non-overlapping `Redaction`
proposals sorted by position, `apply(text, redactions)` writes them, and `residual_findings`
re-runs the detectors on a redacted text to find personal data that is still there.

The rules (最高人民检察院《人民检察院案件信息公开工作规定》 and the practice for publishing legal
documents online):

* names of victims and their legal representatives, witnesses, expert witnesses, persons not
  prosecuted, and defendants sentenced to three years or less who are not recidivists become
  surname + 某 (张三 → 张某; compound surnames such as 欧阳 are kept whole: 欧阳娜娜 → 欧阳某).
  Two different people with the same surname become 张某甲, 张某乙 so that the text still reads;
* home addresses, telephone numbers, identity card numbers, bank cards and accounts, e-mail
  addresses and health information are removed and replaced by `REMOVED`;
* officials (检察员, 检察官, 审判员, 书记员 …) and defence lawyers keep their names;
* a document about a crime against a minor must shield every identifying detail: in that mode
  every named person is redacted whatever the sentence, and schools are removed too.

Names are found by the role words of Chinese legal text (被害人张三, 证人：李四, 被告人王五、赵六)
and then every later occurrence of the same name anywhere in the text. jieba's part-of-speech
tagger (tag ``nr``) helps decide where a name ends and catches names that appear without a role
word. The role rule is primary: a name after a role word is redacted even where jieba disagrees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

REMOVED = "[已删除]"

# Kinds of personal data. Names are replaced by surname + 某; everything else is removed.
NAME = "name"
ID_NUMBER = "id_number"
PHONE = "phone"
BANK_ACCOUNT = "bank_account"
EMAIL = "email"
ADDRESS = "address"
HEALTH = "health"
SCHOOL = "school"
CUSTOM = "custom"
KINDS = (NAME, ID_NUMBER, PHONE, BANK_ACCOUNT, EMAIL, ADDRESS, HEALTH, SCHOOL, CUSTOM)
# Kinds a publisher may decide to keep (a false positive, a defendant whose name may be shown).
# Numbers and e-mail addresses are never kept: the publishing check refuses them whatever is said.
DROPPABLE_KINDS = frozenset({NAME, ADDRESS, HEALTH, SCHOOL, CUSTOM})
# When two proposals overlap, the one whose kind comes first here wins.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    (EMAIL, ID_NUMBER, BANK_ACCOUNT, PHONE, CUSTOM, ADDRESS, HEALTH, SCHOOL, NAME)
)}  # fmt: skip


@dataclass(frozen=True, order=True)
class Redaction:
    """Replace text[start:end] by `replacement`. `kind` is one of KINDS."""

    start: int
    end: int
    kind: str
    replacement: str

    def original(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Term:
    """A publisher's decision about one piece of text, wherever it occurs."""

    kind: str
    text: str


@dataclass
class Analysis:
    redactions: list[Redaction]
    # Names that were deliberately not redacted, with the reason code ("official", "sentence").
    kept_names: dict[str, str] = field(default_factory=dict)
    involves_minor: bool = False
    people: list = field(default_factory=list)


# ---- surnames and roles ----------------------------------------------------------------------

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 澹台 夏侯 轩辕 端木 独孤 "
    "南宫 西门 呼延 万俟 闻人 申屠 太史 濮阳 钟离 宗政 赫连 拓跋 百里 东郭 公羊 谷梁 左丘 司空 "
    "第五 仲孙 单于 公冶 羊舌 微生 梁丘 鲜于 闾丘 亓官 乐正 段干 漆雕 壤驷 公良 巫马 南门 "
    "东门 西门 司寇 子车 颛孙 公西 淳于 赫连".split()
)
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧"
    "耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍"
    "华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
    "柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封"
    "谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴"
    "盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母"
    "裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由"
)
# Role words before the name of a private person. Longest first, so 原审被告人 wins over 被告人.
PARTY_ROLES = (
    "附带民事诉讼原告人", "原审附带民事诉讼原告人", "原审被告人", "被不起诉人", "犯罪嫌疑人",
    "法定代理人", "诉讼代理人", "被害人", "被告人", "证人", "鉴定人", "申诉人", "上诉人",
    "控告人", "举报人", "报案人", "监护人", "见证人", "近亲属", "申请人", "被申请人", "翻译人员",
    "父亲", "母亲", "之父", "之母", "妻子", "丈夫", "儿子", "女儿", "哥哥", "姐姐", "弟弟",
    "妹妹", "邻居", "同学", "朋友", "同事", "受害人",
)  # fmt: skip
# Of these, the defendants (whose sentence decides) and the rest.
DEFENDANT_ROLES = frozenset({"被告人", "原审被告人", "犯罪嫌疑人"})
# Officials and defence lawyers keep their names.
OFFICIAL_ROLES = (
    "代理检察员", "检察官助理", "副检察长", "检察长", "检察员", "检察官", "书记员", "审判长",
    "审判员", "人民陪审员", "法官助理", "法官", "辩护人", "承办人",
)  # fmt: skip

# Characters that cannot continue a name: particles, verbs and prepositions that follow a name
# in legal prose (张三于2023年, 李四在, 王五系, 赵六男), and punctuation.
_NAME_STOP = set("于在系男女因将与的被为是向对从以把及曾等持到自称驾伙均已即并也又")
_STRONG_STOP = set("于在系男女因将的被是向对把曾等")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES = r"[ \t\u3000]*"


def _spaced(word: str) -> str:
    """A role word as signed at the foot of a document may be spaced out: 检 察 员."""
    return _SPACES.join(re.escape(ch) for ch in word)


def _alternation(words) -> str:
    return "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True))


_ROLE_RE = re.compile(
    rf"(?P<party>{_alternation(PARTY_ROLES)})|(?P<official>{_alternation(OFFICIAL_ROLES)})"
)
_AFTER_ROLE = re.compile(r"[:：\s\u3000]*")


def surname_of(name: str) -> str | None:
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2]
    if name[:1] in SINGLE_SURNAMES:
        return name[:1]
    return None


def anonymised(name: str, suffix: str = "") -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某. The suffix tells apart people with the same surname."""
    surname = surname_of(name) or name[:1]
    return f"{surname}某{suffix}"


# ---- jieba, loaded lazily --------------------------------------------------------------------


def _pos_words(fragment: str):
    from portal.disclosure.segmenter import pos_cut

    return pos_cut(fragment)


# Words that follow a role word in legal prose and start with a surname character, some of which
# jieba even tags as names.
_NOT_NAMES = frozenset(
    "陈述 查明 明知 银行卡 全部 方面 何时 余额 曾经 程序 车辆 高速 单位 于是 常住 安全 明确 "
    "向其 对此 经过 万元 方式 家属 关系 管理 应当 强行 华某".split()
)
_NAME_END_PUNCTUATION = set("，,、。；;：:（(）)")
_FUNCTION_FLAGS = frozenset(
    {"p", "v", "vn", "d", "c", "u", "uj", "ul", "r", "f", "q", "m", "a", "ad"}
)
# jieba tags some frequent words as names (查明, 陈述); real names are rare in its dictionary.
_MAX_NAME_FREQUENCY = 20


def _trim(word: str, surname: str) -> str:
    """Cut a name at a particle the tagger swallowed: 张三于 → 张三."""
    cut = len(surname)
    while cut < len(word) and word[cut] not in _STRONG_STOP:
        cut += 1
    return word[:cut]


def _dictionary_frequency(word: str) -> int:
    from portal.disclosure.segmenter import word_frequency

    return word_frequency(word)


def _name_at(text: str, pos: int) -> str | None:
    """The name starting at `pos` (just after a role word), or None if there is none."""
    surname = None
    if text[pos : pos + 2] in COMPOUND_SURNAMES:
        surname = text[pos : pos + 2]
    elif text[pos : pos + 1] in SINGLE_SURNAMES:
        surname = text[pos]
    if surname is None:
        return None
    start_given = pos + len(surname)
    given = ""
    i = start_given
    while len(given) < 2 and i < len(text) and _HAN.match(text[i]) and text[i] not in _NAME_STOP:
        given += text[i]
        i += 1
    if not given:
        return None
    words = _pos_words(text[pos : pos + 12])
    word, flag = words[0] if words else ("", "x")
    after = text[pos + len(word) : pos + len(word) + 1]
    if word in _NOT_NAMES:
        return None  # 被害人陈述, 证人明知: legal prose, not a person
    if flag.startswith("nr") and word.startswith(surname) and 2 <= len(word) <= 4:
        # jieba reads a name here: trust its length, cut at a particle it swallowed (张三于).
        trimmed = _trim(word, surname)
        following = words[1][0] if len(words) > 1 else ""
        # With a compound surname jieba knows famous bearers (司马光, 诸葛亮) and leaves the
        # next character alone: 司马光明 is the longer reading.
        longer = (
            len(surname) == 2
            and len(trimmed) < len(surname + given)
            and len(following) == 1
            and trimmed == word
        )
        if len(trimmed) > len(surname) and not longer:
            given = trimmed[len(surname) :]
    elif word == surname and flag in _FUNCTION_FLAGS and len(words) > 1:
        # The "surname" is a preposition or the like before an ordinary word:
        # 被害人向公安机关报案 has no name in it.
        following, following_flag = words[1]
        if len(following) >= 2 and not following_flag.startswith("nr"):
            return None
    elif (
        len(word) > len(surname)
        and word.startswith(surname)
        and _dictionary_frequency(word) > _MAX_NAME_FREQUENCY
        and after not in _NAME_END_PUNCTUATION
    ):
        # A common word that merely starts with a surname character (被告人高速行驶); a common
        # word followed by a comma is still read as a name (证人高峰，男，…): names are safer.
        return None
    if given.startswith("某"):
        return None  # already anonymised (张某, 张某某)
    return surname + given


# ---- sentences: who keeps the name -----------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip


def cn_number(value: str) -> int | None:
    """'3' → 3, '三' → 3, '十' → 10, '十二' → 12, '二十' → 20."""
    if value.isdigit():
        return int(value)
    total, current = 0, 0
    for ch in value:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            return None
    return total + current


_SENTENCE_RE = re.compile(
    r"有期徒刑(?P<years>[\d一二两三四五六七八九十]+)年(?:(?P<months>[\d一二两三四五六七八九十]+)个月)?"
)
_LONG_SENTENCE_RE = re.compile(r"无期徒刑|死刑")


def _keeps_name(text: str, name: str) -> bool:
    """A defendant keeps the name if the text shows a sentence above three years or recidivism.

    Without any sign of either the name is redacted: the safe default. The publisher can keep a
    name the text does not settle (see DROPPABLE_KINDS)."""
    for sentence in re.split(r"[。；;\n]", text):
        if name not in sentence:
            continue
        if "累犯" in sentence or _LONG_SENTENCE_RE.search(sentence):
            return True
        for match in _SENTENCE_RE.finditer(sentence):
            years = cn_number(match["years"]) or 0
            months = cn_number(match["months"]) if match["months"] else 0
            if years > 3 or (years == 3 and (months or 0) > 0):
                return True
    return False


# ---- minors ----------------------------------------------------------------------------------

_MINOR_RE = re.compile(
    r"未成年|幼女|儿童|少年|不满(?:十四|十六|十八|14|16|18)周岁|未满(?:十四|十六|十八|14|16|18)周岁"
)
_AGE_RE = re.compile(
    r"(?<![\d一二三四五六七八九十])(?P<age>\d{1,2}|[一二三四五六七八九十]{1,3})周?岁"
)


def mentions_minor(text: str) -> bool:
    """Does the text speak of a minor (a child victim, a person under 18)?"""
    if _MINOR_RE.search(text):
        return True
    for match in _AGE_RE.finditer(text):
        age = cn_number(match["age"])
        if age is not None and age < 18:
            return True
    return False


# ---- patterns --------------------------------------------------------------------------------

_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    r"[\dXx](?![0-9A-Za-z])"
)
_OLD_ID_RE = re.compile(r"(?<=身份证)(?:号码?|号)?[:：为是]?\s*(?P<n>\d{15})(?!\d)")
_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_LANDLINE_RE = re.compile(
    r"(?<!\d)(?:[(（]0\d{2,3}[)）][ -]?|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:[-转]\d{1,4})?(?!\d)"
)
_LOCAL_PHONE_RE = re.compile(
    r"(?:电话|手机|联系方式|座机|号码)(?:号码)?[:：为是]?\s*(?P<n>[2-9]\d{6,7})(?!\d)"
)
_CARD_RE = re.compile(r"(?<![\dA-Za-z])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7}(?![\dA-Za-z])")
_ACCOUNT_RE = re.compile(
    r"(?:账号|帐号|账户|帐户|卡号|银行卡号?|存折号?)(?:号码)?[:：为是]?\s*"
    r"(?P<n>\d[\d -]{8,28}\d)(?!\d)"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PLACE = "省市区县旗镇乡村组路街道巷弄胡同号楼栋幢单元室院苑园小区屯庄"
_ADDRESS_RE = re.compile(
    r"(?:住址[:：为]?|(?<=[，,；;。\s（(])住(?![院宿房所宅址])|家住|现住|暂住|住所地[:：]?|"
    r"户籍所在地[:：]?|户籍地[:：]?|户籍[:：]|居住地[:：]?|现居住于|居住于|住在|现居)"
    r"(?P<body>[^，,。；;\n（()）]{4,60})"
)
_UNIT_RE = re.compile(
    r"[\u4e00-\u9fff\d]{2,30}?(?:路|街|巷|弄|道|胡同|小区|花园|公寓|村)[\u4e00-\u9fff\d]{0,12}?"
    r"\d+(?:号楼|栋|幢|号院)[\d\-]*(?:单元)?[\d\-]*(?:室|号|户)?"
)
_HEALTH_MARKER_RE = re.compile(
    r"(?:患有|罹患|诊断为|确诊为|被诊断出|被诊断为|检出|感染)(?P<body>[^，,。；;\n（()）]{1,30})"
)
_HEALTH_WORDS = (
    "艾滋病", "HIV", "乙肝", "乙型肝炎", "丙肝", "梅毒", "淋病", "性病", "精神分裂症", "抑郁症",
    "双相情感障碍", "精神病", "癫痫", "肺结核", "结核病", "白血病", "癌症", "肿瘤", "尿毒症",
)  # fmt: skip
_HEALTH_WORD_RE = re.compile("|".join(re.escape(w) for w in _HEALTH_WORDS))
_SCHOOL_RE = re.compile(
    r"(?:小学|中学|幼儿园|学校|学院|大学)(?:[\d一二三四五六七八九十]+年级)?"
    r"(?:[\d一二三四五六七八九十]+班)?"
)
_SCHOOL_NAME_STOP = set("在于的到从往是为和与及被向对把")


def _schools(text: str):
    """A school's name runs back from 小学/中学… to the nearest particle or punctuation."""
    for match in _SCHOOL_RE.finditer(text):
        start = match.start()
        while (
            start > 0
            and match.start() - start < 14
            and (_HAN.match(text[start - 1]) or text[start - 1].isdigit())
            and text[start - 1] not in _SCHOOL_NAME_STOP
        ):
            start -= 1
        if match.start() - start >= 2:
            yield Redaction(start, match.end(), SCHOOL, REMOVED)


def _matches(pattern: re.Pattern, text: str, kind: str, group: str | int = 0):
    for match in pattern.finditer(text):
        yield Redaction(match.start(group), match.end(group), kind, REMOVED)


def _pattern_candidates(text: str, *, minor: bool) -> list[Redaction]:
    found: list[Redaction] = []
    found += _matches(_EMAIL_RE, text, EMAIL)
    found += _matches(_ID_RE, text, ID_NUMBER)
    found += _matches(_OLD_ID_RE, text, ID_NUMBER, "n")
    found += _matches(_ACCOUNT_RE, text, BANK_ACCOUNT, "n")
    found += _matches(_CARD_RE, text, BANK_ACCOUNT)
    found += _matches(_MOBILE_RE, text, PHONE)
    found += _matches(_LANDLINE_RE, text, PHONE)
    found += _matches(_LOCAL_PHONE_RE, text, PHONE, "n")
    for match in _ADDRESS_RE.finditer(text):
        body = match["body"]
        if any(ch in _PLACE for ch in body) or re.search(r"\d", body):
            found.append(Redaction(match.start("body"), match.end("body"), ADDRESS, REMOVED))
    marked = [(r.start, r.end) for r in found if r.kind == ADDRESS]
    found += [
        r for r in _matches(_UNIT_RE, text, ADDRESS)
        if not any(r.start < end and start < r.end for start, end in marked)
    ]  # fmt: skip
    found += _matches(_HEALTH_MARKER_RE, text, HEALTH, "body")
    found += _matches(_HEALTH_WORD_RE, text, HEALTH)
    if minor:
        found += _schools(text)
    return found


# ---- names -----------------------------------------------------------------------------------


def find_names(text: str, *, minor: bool = False) -> tuple[list[str], dict[str, str]]:
    """Names of private persons to redact (in order of first appearance) and the names kept."""
    to_redact: list[str] = []
    kept: dict[str, str] = {}
    for match in _ROLE_RE.finditer(text):
        position = _AFTER_ROLE.match(text, match.end()).end()
        role = re.sub(r"\s", "", match.group())
        while True:
            name = _name_at(text, position)
            if name is None:
                break
            if match["official"]:
                kept.setdefault(name, "official")
            elif role in DEFENDANT_ROLES and not minor and _keeps_name(text, name):
                kept.setdefault(name, "sentence")
            elif name not in to_redact:
                to_redact.append(name)
            position += len(name)
            # A list of people after one role word: 被告人张三、李四和王五
            if position < len(text) and text[position] in "、和及":
                position += 1
                continue
            break
    # Names jieba recognises without a role word (张三的妻子李梅), unless kept or anonymised.
    for word, flag in _pos_words(text):
        if flag not in ("nr", "nrfg") or not surname_of(word):
            continue
        surname = surname_of(word)
        word = _trim(word, surname)
        if (
            2 <= len(word) <= len(surname) + 2
            and len(word) > len(surname)
            and "某" not in word
            and word[-1] not in _PLACE
            and _dictionary_frequency(word) <= _MAX_NAME_FREQUENCY
            # 高中文化 is not a person: the name must not start with a common word.
            and _dictionary_frequency(word[: len(surname) + 1]) <= _MAX_NAME_FREQUENCY * 10
            and word not in kept
            and word not in to_redact
            and not any(word in name or name in word for name in kept)
            and all(_HAN.match(ch) for ch in word)
        ):
            to_redact.append(word)
    return to_redact, kept


def _name_replacements(names: list[str]) -> dict[str, str]:
    """张三 → 张某; two different 张 → 张某甲, 张某乙, in order of appearance."""
    by_surname: dict[str, list[str]] = {}
    for name in names:
        by_surname.setdefault(surname_of(name) or name[:1], []).append(name)
    replacements = {}
    for group in by_surname.values():
        for index, name in enumerate(group):
            suffix = "甲乙丙丁戊己庚辛壬癸"[index % 10] if len(group) > 1 else ""
            replacements[name] = anonymised(name, suffix)
    return replacements


def _occurrences(text: str, terms: list[str]):
    """Every occurrence of each term, longest terms first so 张三丰 is not read as 张三."""
    if not terms:
        return
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    yield from pattern.finditer(text)


def _resolve(candidates: list[Redaction], protected: list[tuple[int, int]]) -> list[Redaction]:
    """Keep a set of non-overlapping proposals: by kind priority, then the longer span."""
    accepted: list[Redaction] = []
    taken: list[tuple[int, int]] = list(protected)
    for candidate in sorted(
        candidates, key=lambda r: (_PRIORITY[r.kind], -(r.end - r.start), r.start)
    ):
        if candidate.end <= candidate.start:
            continue
        if any(candidate.start < end and start < candidate.end for start, end in taken):
            continue
        accepted.append(candidate)
        taken.append((candidate.start, candidate.end))
    return sorted(accepted)


def analyse(
    text: str,
    *,
    extra_terms: list[Term] | tuple = (),
    dropped: list[Term] | tuple = (),
    minor: bool | None = None,
) -> Analysis:
    """Propose the redactions for `text`.

    `extra_terms` are the publisher's additions (kind NAME: surname + 某; any other kind:
    removed), redacted wherever they occur. `dropped` are proposals the publisher decided to keep
    (only DROPPABLE_KINDS are honoured). `minor` forces the minors' rule; by default it applies when
    the text mentions a minor.
    """
    text = text or ""
    involves_minor = mentions_minor(text) if minor is None else minor
    keep = {(t.kind, t.text) for t in dropped if t.kind in DROPPABLE_KINDS and not involves_minor}

    names, kept = find_names(text, minor=involves_minor)
    extra_names = [t.text for t in extra_terms if t.kind == NAME and t.text]
    replacements = _name_replacements(
        [n for n in names if (NAME, n) not in keep] + [n for n in extra_names if n not in names]
    )

    candidates = [
        r for r in _pattern_candidates(text, minor=involves_minor)
        if (r.kind, r.original(text)) not in keep
    ]  # fmt: skip
    for term in extra_terms:
        if term.kind != NAME and term.text:
            candidates += [
                Redaction(m.start(), m.end(), CUSTOM if term.kind not in KINDS else term.kind,
                          REMOVED)
                for m in _occurrences(text, [term.text])
            ]  # fmt: skip
    for match in _occurrences(text, list(replacements)):
        candidates.append(Redaction(match.start(), match.end(), NAME, replacements[match.group()]))
    # Officials' names are protected wherever they occur (a party's 王建 inside 王建国 is not).
    protected = [(m.start(), m.end()) for m in _occurrences(text, list(kept))]
    return Analysis(_resolve(candidates, protected), kept, involves_minor)


def propose(text: str, **options) -> list[Redaction]:
    return analyse(text, **options).redactions


def apply(text: str, redactions: list[Redaction]) -> str:
    """Write the (non-overlapping) redactions into the text."""
    out, cursor = [], 0
    for redaction in sorted(redactions):
        if redaction.start < cursor:
            raise ValueError("overlapping redactions")
        out.append(text[cursor : redaction.start])
        out.append(redaction.replacement)
        cursor = redaction.end
    out.append(text[cursor:])
    return "".join(out)


def redact(text: str, **options) -> str:
    return apply(text, propose(text, **options))


def residual_findings(
    redacted_text: str, *, dropped: list[Term] | tuple = (), minor: bool = False
) -> list[Redaction]:
    """What the detectors still find in an already redacted text: each is a reason to refuse
    publishing. Proposals that the publisher deliberately dropped do not count (never numbers or
    e-mail addresses; nothing at all in a minor's case)."""
    findings = analyse(redacted_text, dropped=dropped, minor=minor or None).redactions
    return [r for r in findings if r.original(redacted_text) != r.replacement]


def normalise_text(text: str) -> str:
    """Text as it is stored: NFC, Unix newlines, no control characters other than tab/newline."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()


# ---- interface in transition (replaced by the new engine) ------------------------------------
PERSON_ROLES = (
    "defendant", "not_prosecuted", "victim", "witness", "expert", "relative", "representative",
    "applicant", "other", "official", "lawyer",
)  # fmt: skip


@dataclass(frozen=True)
class PersonDecision:
    name: str
    role: str


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    redact: bool
    reason: str
    replacement: str | None
    occurrences: int
    source: str


@dataclass(frozen=True)
class Finding:
    kind: str
    field: str
    text: str
    reason: str


@dataclass
class FieldsAnalysis:
    text: str
    analysis: Analysis
    spans: dict[str, tuple[int, int]]


def normalized(text: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                   if unicodedata.category(ch) != "Cf")  # fmt: skip
    return re.sub(r"\s+", "", text)


_FIELD_SEPARATOR = "\n。\n"


def analyse_fields(fields: dict[str, str], **options) -> FieldsAnalysis:
    spans, parts, cursor = {}, [], 0
    for name, value in fields.items():
        value = value or ""
        spans[name] = (cursor, cursor + len(value))
        parts.append(value)
        cursor += len(value) + len(_FIELD_SEPARATOR)
    text = _FIELD_SEPARATOR.join(parts)
    return FieldsAnalysis(text, analyse(text, **options), spans)


def apply_fields(fields_analysis: FieldsAnalysis) -> dict[str, str]:
    out = {}
    for name, (start, end) in fields_analysis.spans.items():
        inside = [
            Redaction(r.start - start, r.end - start, r.kind, r.replacement)
            for r in fields_analysis.analysis.redactions
            if start <= r.start and r.end <= end
        ]
        out[name] = apply(fields_analysis.text[start:end], inside)
    return out


def gate(public_fields: dict[str, str], analysis: Analysis, *, dropped=()) -> list[Finding]:
    findings = []
    for field_name, value in public_fields.items():
        for r in residual_findings(value or "", dropped=dropped, minor=analysis.involves_minor):
            findings.append(Finding(r.kind, field_name, r.original(value), "detector"))
    return findings
