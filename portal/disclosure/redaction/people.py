"""The people named in a text, found by more than one cue, each with a role.

1. **Role words.** Chinese legal prose names people after the word for their role: 被害人张三,
   证人：李四, 被告人王五、赵六, 其继父汪建国, 检察员 郭建明. The name after a role word is taken
   even where the tagger disagrees (surnames that are everyday words: 段欣怡, 何平, 向阳).
2. **The tagger** (tagger.py) finds names that stand without a role word (张三的妻子李梅).
3. **The publisher** adds a person by name and role, or changes a role (`Decision`).

Every later occurrence of a found name, in any written form, is the same person (the caller
searches the normalised view). Everything here reads the joined view's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.disclosure.redaction import tagger
from portal.disclosure.redaction.normalize import DOT, TRANSCRIPTION, is_han

# Roles: the codes stored with a publisher's decision and shown on the people panel.
DEFENDANT = "defendant"
NOT_PROSECUTED = "not_prosecuted"
VICTIM = "victim"
WITNESS = "witness"
EXPERT = "expert"
RELATIVE = "relative"
REPRESENTATIVE = "representative"
APPLICANT = "applicant"
OTHER = "other"
OFFICIAL = "official"
LAWYER = "lawyer"
PERSON_ROLES = (DEFENDANT, NOT_PROSECUTED, VICTIM, WITNESS, EXPERT, RELATIVE, REPRESENTATIVE,
                APPLICANT, OTHER, OFFICIAL, LAWYER)  # fmt: skip
# Only officials and defence lawyers keep their names (a release's byline does not: 记者 and
# 通讯员 are private persons here, the safe side; the publisher may give them a role).
PUBLIC_ROLES = frozenset({OFFICIAL, LAWYER})

_ROLE_WORDS = {
    DEFENDANT: "被告人 原审被告人 犯罪嫌疑人 原审上诉人 上诉人 被告单位直接负责的主管人员 同案人 同案犯",
    NOT_PROSECUTED: "被不起诉人",
    VICTIM: (
        "被害人 受害人 附带民事诉讼原告人 原审附带民事诉讼原告人 被害单位负责人 受害者 失主 死者 "
        "伤者 遇害人 被骗人"
    ),
    WITNESS: "证人 见证人 报案人 目击者 知情人 路人 目击证人",
    EXPERT: "鉴定人 翻译人员 翻译人 有专门知识的人 法医 鉴定人员",
    REPRESENTATIVE: "法定代理人 诉讼代理人 委托代理人 监护人 合适成年人",
    APPLICANT: "申诉人 控告人 举报人 申请人 被申请人 被申诉人 赔偿请求人",
    RELATIVE: (
        "之女儿 之儿子 之妻子 之丈夫 父亲 母亲 之父 之母 继父 继母 养父 养母 生父 生母 妻子 丈夫 前妻 前夫 儿子 女儿 之子 之女 "
        "哥哥 姐姐 弟弟 妹妹 祖父 祖母 外祖父 外祖母 爷爷 奶奶 外公 外婆 叔叔 伯父 舅舅 姑姑 姨妈 "
        "阿姨 婶婶 舅妈 表哥 表姐 表弟 表妹 堂兄 堂姐 堂弟 堂妹 近亲属 亲属 家属 男友 女友 男朋友 "
        "女朋友 前男友 前女友 同居人 未婚夫 未婚妻 岳父 岳母 公公 婆婆 儿媳 女婿 孙子 孙女"
    ),
    OTHER: (
        "邻居 同学 朋友 同事 班主任 老师 房东 租客 雇主 介绍人 保证人 担保人 债务人 债权人 村民 "
        "店主 店员 老板 老板娘 车主 房主 业主 户主 保安 员工 职工 经理 会计 出纳 患者 当事人 行为人 "
        "同伙 工友 室友 网友 买家 卖家 收购人 借款人 出借人 会计师 快递员 司机 骑手 保姆 护工 厨师 "
        "记者 通讯员 责任编辑 编辑 摄影 作者 集资参与人 投资人 出资人 参与人 被骗人员 受害群众 "
        "老师傅 服务员 收银员 营业员 理货员 顾客 客户 乘客 住户 同乡 家政工 工人 商户 摊主 股东 法定代表人 "
        "负责人 实际控制人 总经理 董事长 财务人员 项目经理 主任 队长 组长 吸毒人员 中介 文员 "
        "人民监督员 听证员 送餐员 售货员 业务员 销售员 技术员 驾驶员 学生 村干部 网格员"
    ),
    OFFICIAL: (
        "代理检察员 检察官助理 副检察长 检察长 检察员 检察官 书记员 审判长 审判员 人民陪审员 "
        "法官助理 法官 承办人 侦查员 侦查人员 民警 警官 办案人员"
    ),
    LAWYER: "辩护人 辩护律师 律师 值班律师",
}
ROLE_OF_WORD = {word: role for role, words in _ROLE_WORDS.items() for word in words.split()}

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 澹台 夏侯 轩辕 端木 独孤 "
    "南宫 西门 呼延 万俟 闻人 申屠 太史 濮阳 钟离 宗政 赫连 拓跋 百里 东郭 公羊 谷梁 左丘 司空 "
    "第五 仲孙 单于 公冶 羊舌 微生 梁丘 鲜于 闾丘 亓官 乐正 段干 漆雕 壤驷 公良 巫马 南门 "
    "东门 司寇 子车 颛孙 公西 淳于".split()
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
    "信展阴昝智幸奉植衡富尧闭由凤洪力春水佴双弓种仉逄郏麴禄"
)

# Longer nouns that start with a role word are role words of their own (会计师, 老师傅), so the
# longest wins; a plural (同事们) names nobody.
_ROLE_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted(ROLE_OF_WORD, key=len, reverse=True)) + ")(?!们)"
)
_AFTER_ROLE = re.compile(r"[:：\s]*")
_DOTTED_RE = re.compile(rf"[\u4e00-\u9fff]{{1,8}}(?:{DOT}[\u4e00-\u9fff]{{1,8}})+")
# Characters that end a name: particles and verbs that follow a name in legal prose
# (张三于2023年, 李四在, 王五系, 赵六男), and punctuation.
_NAME_STOP = set("于在系男女因将与的被为是向对从以把及等到自称均已即并也又和、，,。；;：:（()）")
_STRONG_STOP = set("于在系男女因将的被是向对把等")
# Words after a role word that start with a surname character but are legal prose.
_NOT_NAMES = frozenset(
    "陈述 查明 明知 全部 方面 何时 余额 曾经 程序 车辆 高速 单位 于是 常住 明确 向其 对此 "
    "经过 万元 方式 家属 关系 管理 应当 强行 共同 资金 钱款 钱财 石块 强制 明显 时间 时候 "
    "成年 成功 原因 原审 原判 原告 申请 申诉 证言 证实 证明 辨认 住院 住所 伤情 伤势 身份 "
    "单方 金额 金融 龙头 谢罪 文化 文书 平时 平安 和解 全程 全额 宁愿 国家 齐全 支付 支持 "
    "冷静 云端 连续 连同 闻讯 计算 庞大 乔装 任意 任何 仍然 利用 利益 卫生 包括 包庇 边境 "
    "凌晨 于当日 于次日 常年 常驻 时年 时任 时值 向被告人 向被害人 向公安机关 应为 何种".split()
)
# After a word that is part of an institution's or a place's name, not a person's.
_INSTITUTION_NEXT = frozenset("检院法局市区县省镇乡村路街道州府所厅部委办处科队站司团〔")
# A person known by what only a person does, where no role word comes before: 与江南驾驶的电动
# 自行车, 造成江南受伤, 江南负事故次要责任 (the name must recur; checked in find()).
_PREDICATE_RE = re.compile(
    r"(?:^|(?<=[与和及、，,。；;：:\n.])|(?<=造成|致使|导致|岁的))(?P<name>[\u4e00-\u9fff]{2,4}?)"
    r"(?=驾驶|受伤|受重伤|死亡|当场死亡|报案|报警|负事故|负本次事故|未佩戴|被送医|经抢救|供述|辩称"
    r"|因涉嫌|涉嫌[\u4e00-\u9fff]{1,12}罪)"
    # what the procuratorate decides about a person: 依法对上官启航作出附条件不起诉决定
    r"|(?<=对)(?P<subject>[\u4e00-\u9fff]{2,4}?)(?=作出[\u4e00-\u9fff]{0,8}决定|提起公诉|批准逮捕)"
)
# A name already anonymised in the text: 苗某, 皇甫某, 张某甲, 张某某.
_ANONYMISED_RE = re.compile(r"[\u4e00-\u9fff]{1,2}某[某甲乙丙丁戊己庚辛壬癸]?")
_ALIAS_RE = re.compile(
    r"(?:(?:小名|乳名|昵称|绰号|外号|网名|曾用名|原名|别名)(?:叫|为|是|：|:)?[“\"‘']?"
    r"|(?:称其|称他|称她|叫他|叫她|唤作)(?:为)?[“\"‘'])"
    r"(?P<name>[\u4e00-\u9fff]{2,4}?)(?=[”\"’'，,。；;、）)的]|$)"
)
# Someone quoted in a news story: 住在隔壁的都毓秀回忆, 一起打过牌的管晶告诉记者
_SPEAKER_RE = re.compile(
    r"(?<=的)(?P<name>[\u4e00-\u9fff]{2,8}?)(?=回忆|告诉记者|对记者说|向记者|说：|说:|表示，|介绍，)"
)
# A list of short names: 苏某、平晶、娜某
_LIST_RE = re.compile(r"[\u4e00-\u9fff·]{2,12}(?:、[\u4e00-\u9fff·]{2,12}){1,12}")
# A representative who is a lawyer: 诉讼代理人田明辉（同舟律师事务所律师）, 委托代理人于秋菊，…律师
_IS_LAWYER_RE = re.compile(r"[（(，,]?[^。；;）)]{0,24}?律师")
# A name in Latin letters (Peter HOFFMANN, Laura BIANCHI)
_LATIN_NAME_RE = re.compile(r"[A-Z][A-Za-z'\-]+(?:[ ·.][A-Z][A-Za-z'\-]+){1,3}")
# A person introduced by a relation in brackets: 杨建军（系皇甫涛之妻子）证实.
_SELF_INTRODUCED_RE = re.compile(
    r"(?:^|(?<=[，,。；;：:\n、]))(?P<name>[\u4e00-\u9fff]{2,4})(?=[（(]系[\u4e00-\u9fff]{1,12}之)"
)
_NAME_END_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{2,3}[，,、）)；;]")
# What follows a name in legal prose, and hardly ever a common word after a role word.
_ACT_FOLLOWS = (
    r"有期徒刑|无期徒刑|死刑|拘役|管制|出生于|出生|名下|陈述|等人|供述|辩解|证实|证言|称|报案|报警|到案|投案|自首|出具|次日|当日|当晚|当天|随即|立即|"
    r"事后|遂|均|亦|便|即|评估|鉴定|介绍|反映|发现|作证|指认|辨认|跟随|驾驶|推搡|殴打|经营"
)
_NAME_FOLLOWS_RE = re.compile(
    r"涉嫌|犯[\u4e00-\u9fff]{1,12}罪|[\u4e00-\u9fff]{2,10}罪(?:一案|案)|" + _ACT_FOLLOWS
)
# After a long name read whole, only an act (a crime name would be read into it: 徐子豪故意|伤害罪).
_ACT_FOLLOWS_RE = re.compile(_ACT_FOLLOWS)
# After 于 these start a time, not a given name: 于当日, 于次日, 于案发后.
_TIME_AFTER_YU = frozenset("当次同本上下前后近今昨该某是此其案同翌即")
# Roles one person holds at once without losing the public one: an official who testifies
# (民警 and 证人), a lawyer named by the role they act in (律师 and 委托代理人).
_SAME_PERSON_PUBLIC = frozenset(
    {(OFFICIAL, WITNESS), (OFFICIAL, OTHER), (LAWYER, REPRESENTATIVE), (LAWYER, OTHER)}
)
# Prepositions and conjunctions the tagger sometimes reads into a name (亲属与江涛: 与江涛).
_LINKS = frozenset("与和及同跟对向给把被将从在为由")
# The tagger's labels of verbs, particles and the like: a run that holds one is no name.
_VERB_LABELS = frozenset(
    {"v", "vd", "vn", "p", "u", "c", "d", "TIME", "ORG", "LOC", "w", "xc", "f"}
)
_PLACE = frozenset("省市区县镇乡村路街道州旗盟港湾湖江河山岛")
# Characters of institutions' names and document numbers, never of a person's name.
_INSTITUTION_CHARS = frozenset("检院局庭署厅〔〕")
# The tagger's labels of words that never belong to a name.
_FUNCTION_LABELS = frozenset(
    {
        "v",
        "vd",
        "vn",
        "p",
        "u",
        "c",
        "d",
        "w",
        "m",
        "q",
        "f",
        "r",
        "xc",
        "TIME",
        "ORG",
        "LOC",
        "ad",
        "an",
    }
)
# What follows a person introduced in a document's parties paragraph: sex, alias, birth date.
_INTRODUCED_RE = re.compile(r"[，,（(]\s*(?:男|女|曾用名|化名|别名|绰号|\d{4}年|系\S{1,12}?之)")
_NAME_END = set("，,、（(）)：:；;。.")
_AFTER_NAME = set("男女系于在的因将等称供")


@dataclass(frozen=True)
class Decision:
    """A publisher's decision: `name` is a person with `role`, wherever the name occurs."""

    name: str
    role: str


@dataclass
class Found:
    name: str  # as in the joined view: no spaces, folded
    role: str
    source: str  # "role" | "tagger" | "publisher"
    first: int


def surname_of(name: str) -> str | None:
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2]
    if name[:1] in SINGLE_SURNAMES:
        return name[:1]
    return None


def anonymised(name: str, suffix: str = "") -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某; 阿不都·热合曼 → 阿某. The suffix tells apart people with
    the same surname (张某甲, 张某乙)."""
    if DOT in name:
        return f"{name[0]}某{suffix}"
    surname = surname_of(name) or name[:1]
    return f"{surname}某{suffix}"


def _is_known_name(word: str) -> bool:
    """A long name in jieba's dictionary (乌云其木格, a singer's), not a place's or an idiom."""
    from portal.core.segmenter import word_tag

    tag = word_tag(word) or ""
    return (tag.startswith("nr") or tag in ("ns", "nz")) and not any(ch in _PLACE for ch in word)


def _frequency(word: str) -> int:
    from portal.core.segmenter import word_frequency

    return word_frequency(word)


class _Reader:
    """Reads names at positions of one text, with the tagger's person spans at hand."""

    def __init__(self, text: str, words: list[tuple[int, str, str]]):
        self.text = text
        self.person_end = {}
        for start, end in tagger.person_spans(words):
            self.person_end.setdefault(start, end)
        self.label_at = {start: (word, label) for start, word, label in words}
        self.after_roles: dict[str, int] = {}
        for match in _ROLE_RE.finditer(text):
            position = _AFTER_ROLE.match(text, match.end()).end()
            for length in (2, 3, 4):
                candidate = text[position : position + length]
                if len(candidate) == length and all(is_han(ch) for ch in candidate):
                    self.after_roles[candidate] = self.after_roles.get(candidate, 0) + 1

    def name_at(self, position: int, *, in_list: bool = False) -> str | None:
        name = self._name_at(position, in_list=in_list)
        return None if name is None or "某" in name else name  # 张某, 帕某甲: already anonymised

    def _name_at(self, position: int, *, in_list: bool = False) -> str | None:
        """The name at `position` (just after a role word), or None. `in_list`: after 、 in a
        list of people (鉴定人和风、段落): a word that reads like prose is a name there too."""
        self.position = position
        self.in_list = in_list
        text = self.text
        latin = _LATIN_NAME_RE.match(text, position)
        if latin:
            return latin.group()
        dotted = _DOTTED_RE.match(text, position)
        if (
            dotted
            and not _ROLE_RE.search(text, position, text.index(DOT, position))
            and _transcribed(text[position : text.index(DOT, position)])
        ):
            return self._dotted_name(position, dotted.end())
        whole = self._whole_run(position)
        if whole:
            return whole
        surname = None
        if text[position : position + 2] in COMPOUND_SURNAMES:
            surname = text[position : position + 2]
        elif text[position : position + 1] in SINGLE_SURNAMES:
            surname = text[position]
        tagged_end = self.person_end.get(position)
        if surname is None:
            if text[position] in _LINKS:
                return None  # 亲属与江涛: a conjunction, the name comes after it
            for length in (2, 3, 4):
                candidate = text[position : position + length]
                if (
                    len(candidate) == length
                    and all(is_han(ch) for ch in candidate)
                    and candidate[0] not in _NAME_STOP
                    and (
                        all(ch not in _NAME_STOP for ch in candidate)
                        or (len(candidate) == 4 and _transcribed(candidate, 0.75))
                    )
                    and (
                        _INTRODUCED_RE.match(text, position + length)
                        or _NAME_FOLLOWS_RE.match(text, position + length)
                        or text[position + length : position + length + 1] in _NAME_END
                        or text.startswith(
                            ("位于", "家中", "住处", "名下", "的"), position + length
                        )
                        or (
                            self.in_list
                            and text[position + length : position + length + 1] in "、和及与"
                        )
                    )
                    and _frequency(candidate) == 0
                    and _frequency(candidate[:2]) <= 20
                    and "某" not in candidate
                    and self._may_start_a_name(position, length)
                ):
                    return candidate  # 被害人其木格（2015年…, 被不起诉人其木格涉嫌…
            inner_end = self.person_end.get(position + 1)
            if inner_end and 3 <= inner_end - position <= 5:
                word = text[position:inner_end]
                if all(is_han(ch) for ch in word) and _frequency(word) == 0:
                    return word  # 司机其美多吉: the tagger read 美多吉 and left 其 as a pronoun
            # A name without a surname we know (玛丽亚, a transcribed name): the tagger's word.
            if tagged_end and 2 <= tagged_end - position <= 5:
                word = text[position:tagged_end]
                if all(is_han(ch) for ch in word) and word not in _NOT_NAMES:
                    return word
            return None
        given_start = position + len(surname)
        for length in (2, 1):
            candidate = text[position : given_start + length]
            if (
                all(is_han(ch) for ch in candidate[len(surname) :])
                and "某" not in candidate
                and _INTRODUCED_RE.match(text, given_start + length)
            ):
                return candidate  # 被不起诉人于是非，女，…: a person introduced, whatever the word
        given = ""
        index = given_start
        while len(given) < 2 and index < len(text) and is_han(text[index]):
            if text[index] in _NAME_STOP:
                break
            given += text[index]
            index += 1
        if not given or given.startswith("某"):
            return None  # no name, or one already anonymised (张某, 张某某)
        one, two = surname + given[0], surname + given if len(given) == 2 else None
        if tagged_end and 1 <= tagged_end - given_start <= 4:
            word = text[position:tagged_end]
            cut = len(surname)
            while cut < len(word) and word[cut] not in _STRONG_STOP:
                cut += 1
            if cut > len(surname):
                return self._not_cut_short(word[:cut], surname)
        split_end = self.person_end.get(given_start)
        if (
            split_end
            and 1 <= split_end - given_start <= 2
            and _split_off(text, position, split_end)
        ):
            return text[position:split_end]  # the tagger split an everyday surname off: 曾|小芳
        if surname == "于" and given[0] in _TIME_AFTER_YU:
            return None  # 于当日, 于次日, 于案发后: a preposition
        if two and text.count(two) >= 2 and _frequency(two) == 0 and self.after_roles.get(two):
            return two  # 曾经纬 … 曾经纬: a name that is no word and recurs
        longest = text[position : given_start + 3]
        three = (
            longest if len(longest) > len(surname) + 2 and all(is_han(c) for c in longest) else None
        )
        for candidate in (one, two, three):
            if (
                candidate
                and candidate not in _NOT_NAMES
                and (candidate != three or _frequency(candidate) == 0)
                and _NAME_FOLLOWS_RE.match(text, position + len(candidate))
                and self._word_starts(position + len(candidate))
            ):
                return candidate  # 证人明亮证实, 被告人安全猥亵儿童罪一案
        if one in _NOT_NAMES or (two and two in _NOT_NAMES):
            return None
        for candidate in (two, one):
            if candidate and self.after_roles.get(candidate, 0) >= 2:
                return candidate  # 被告人文明 … 被告人文明: prose does not repeat after a role word
        if not self.in_list and self._is_prose(position, surname):
            return None
        if two is None:
            return one
        return self._longer_or_shorter(one, two, position)

    def _whole_run(self, position: int) -> str | None:
        """A long name without a dot that runs to the punctuation or the next name of a list
        (证人乌云其木格、…, 保安乌云其木格证实): four or five characters, with no verb or
        particle inside by the tagger, and no common word unless it stands like a person."""
        text = self.text
        for end in (position + 7, position + 6, position + 5, position + 4):
            run = text[position:end]
            if len(run) > 5 and not _transcribed(run, 0.85):
                continue  # 安娜斯米尔诺娃: only a transcription runs this long
            if (
                len(run) < end - position
                or not all(is_han(ch) for ch in run)
                or run[0] in _NAME_STOP
                or run[-1] in _NAME_STOP
                or any(ch in _NAME_STOP and ch != "的" for ch in run)
                or ("的" in run and not _transcribed(run, 0.75))
                or "某" in run
                or _ROLE_RE.search(run)
            ):
                continue
            following = text[end : end + 1]
            known_name = _is_known_name(run)
            introduced = bool(_INTRODUCED_RE.match(text, end))
            listed = following in "、和及与"
            # The tagger reads this very run as a person (not a person and more: 韩佳琪|次日).
            person_at_start = self.person_end.get(position) == end
            if not (
                introduced
                or listed
                or following in _NAME_END
                or (
                    (person_at_start or known_name or ("的" in run and _transcribed(run, 0.75)))
                    and _ACT_FOLLOWS_RE.match(text, end)
                )
            ):
                continue
            if _frequency(run) and not (introduced or listed or person_at_start or known_name):
                continue  # a word (一意孤行), unless a person is introduced, listed or read here
            inside = [self.label_at[i][1] for i in range(position + 1, end) if i in self.label_at]
            if _transcribed(run, 0.75) or not any(label in _VERB_LABELS for label in inside):
                return run  # (a transcribed name may read as particles: 阿的日古)
        return None

    def _dotted_name(self, position: int, longest: int) -> str:
        """阿不都·热合曼 in 阿不都·热合曼位于…: where does the last part end?

        Where the name recurs, the last part is what every occurrence shares (佩德罗·席尔瓦人民币,
        佩德罗·席尔瓦发现 → 席尔瓦). Said once, it ends where the tagger's words stop reading like
        a name (a verb, a particle, a number, punctuation). Five characters at most."""
        text = self.text
        last = text.rindex(DOT, position, longest) + 1
        head = text[position:last]
        tails = [
            text[m.end() : m.end() + 5]
            for m in re.finditer(re.escape(head), text)
            if m.start() != position
        ]
        own = text[last : min(longest, last + 5)]
        if tails:
            shared = 0
            while shared < len(own) and all(
                len(tail) > shared and tail[shared] == own[shared] for tail in tails
            ):
                shared += 1
            if shared >= 1:
                return text[position : last + shared]
        end = last
        while end < longest:
            word, label = self.label_at.get(end, (text[end], "x"))
            if label in _FUNCTION_LABELS or end + len(word) - last > 5 or word[0] in _NAME_STOP:
                break
            end += len(word)
        if end == last:  # the tagger read the last part as a word of prose: one character, at least
            end = last + 1
        return text[position:end]

    def _not_cut_short(self, word: str, surname: str) -> str:
        """The tagger knows famous bearers of a name (诸葛亮) and leaves the next character as a
        word of its own: 诸葛亮亮 is the longer name, not 诸葛亮 and an adjective. A following
        verb, preposition or particle (张伟用刀) stays outside."""
        end = len(word)
        following = self.label_at.get(self.position + end)
        if (
            len(word) - len(surname) < 2
            and following is not None
            and len(following[0]) == 1
            and is_han(following[0])
            and following[0] not in _NAME_STOP
            and (
                following[1] in ("a", "n", "nz", "an", "vn", "PER", "nr")
                or self.text[self.position + end + 1 : self.position + end + 2] in _NAME_END
            )
        ):
            return word + following[0]  # 罗琴|国）: one character between a name and a bracket
        return word

    def _may_start_a_name(self, position: int, length: int) -> bool:
        """Not a verb or a particle by the tagger (被告人送至现场); a pronoun only at the start of
        a longer name (其木格, not 其后)."""
        label = self.label_at.get(position, ("", "x"))[1]
        if length >= 3 and _transcribed(self.text[position : position + length], 0.75):
            return True  # 阿的日古: a transcribed name the tagger reads as particles
        return label not in _FUNCTION_LABELS or (label == "r" and length >= 3)

    def _word_starts(self, position: int) -> bool:
        """Does a word of two or more characters start here (涉嫌, 故意, 证实)?"""
        return any(_frequency(self.text[position : position + n]) > 20 for n in (2, 3, 4)) or (
            self.text[position : position + 1] in "称犯遂均亦便即"
        )

    def _is_prose(self, position: int, surname: str) -> bool:
        """A common word that only starts with a surname character (被告人高速行驶, 被害人向公安
        机关报案), unless it stands like a name, followed by a comma or 男/女/系."""
        text = self.text
        if _NAME_END_AFTER_RE.match(text, position):
            return False  # 鉴定人：于国庆、梁少华: stands like a name in a list
        for length in (4, 3, 2):
            word = text[position : position + length]
            if length > len(surname) and len(word) == length and _frequency(word) > 20:
                after = text[position + length : position + length + 1]
                return after not in _NAME_END and after not in _AFTER_NAME
        rest = text[position + len(surname) : position + len(surname) + 4]
        for length in (4, 3, 2):
            word = rest[:length]
            if (
                len(word) == length
                and _frequency(word) > 50
                and surname in "向于对与和在为把被将从"
            ):
                # 向 + 公安机关 + 报案: a preposition before a common word; but 于宇航在饭店 is
                # a person: a preposition does not follow its own object.
                return (
                    text[position + len(surname) + length :][:1] not in "在于向从到对把被将与和及"
                )
        return False

    def _longer_or_shorter(self, one: str, two: str, position: int) -> str:
        """张伟 or 张伟伙? The longer reading when it recurs; the shorter when the third
        character starts a word with what follows (刘强报警: 报警)."""
        text = self.text
        if text[position + len(two) : position + len(two) + 1] in _NAME_END:
            return two  # 罗琴国）: the name runs to the punctuation
        count_two = text.count(two)
        if count_two >= 2:
            return two
        if text.count(one) > count_two:
            return one
        third = position + len(two) - 1
        for length in (2, 3):
            word = text[third : third + length]
            if len(word) == length and _frequency(word) > 50:
                return one
        return two


def find(
    text: str, words: list[tuple[int, str, str]], decisions=(), gaps: frozenset[int] = frozenset()
) -> list[Found]:
    """The people of `text` (the joined view), in order of first appearance; `words` is the
    tagger's reading of it (tagger.tag); `gaps` the positions where the original had white space
    that the view joined (作者：帕米尔 祝天佑: two names, not one)."""
    reader = _Reader(text, words)
    person_spans = tagger.person_spans(words)
    found: dict[str, Found] = {}

    def add(name: str, role: str, source: str, position: int):
        if "某" in name:
            return  # already anonymised: 林某乙, 张某某
        current = found.get(name)
        if current is None:
            found[name] = Found(name, role, source, position)
        elif (current.role, role) in _SAME_PERSON_PUBLIC or (
            role,
            current.role,
        ) in _SAME_PERSON_PUBLIC:
            # 民警于萍 … 证人文志刚、于萍; 委托代理人毕雨桐，…律师 … 委托代理人毕雨桐的意见:
            # an official who testifies, a lawyer named again by the role they act in.
            current.role = OFFICIAL if OFFICIAL in (current.role, role) else LAWYER
        elif current.role in PUBLIC_ROLES and role not in PUBLIC_ROLES:
            current.role = role  # named as a private person anywhere: protect (the safe side)
        elif current.role == DEFENDANT and role not in PUBLIC_ROLES:
            current.role = role if role != OTHER else current.role

    mentions: list[tuple[int, str, str]] = []  # (position, name, role)
    for match in _ROLE_RE.finditer(text):
        role = ROLE_OF_WORD[match.group()]
        position = _AFTER_ROLE.match(text, match.end()).end()
        in_list = False
        while position < len(text):
            if in_list and _ROLE_RE.match(text, position):
                break  # 父亲杨建军、母亲许宗泽: the next role word reads its own name
            name = reader.name_at(position, in_list=in_list)
            if name is None:
                anonymised = _ANONYMISED_RE.match(text, position)
                if anonymised and text[anonymised.end() : anonymised.end() + 1] in "、和及与":
                    position = anonymised.end() + 1  # 被告人苗某、皇甫某、邵广才: read on
                    in_list = True
                    continue
                break
            mentions.append((position, name, role))
            position += len(name)
            # A list of people after one role word: 被告人张三、李四和王五
            if position < len(text) and text[position] in "、和及与":
                position += 1
                in_list = True
                continue
            following = reader.name_at(position, in_list=True) if position in gaps else None
            if following and not any(ch in _PLACE for ch in following):
                in_list = True  # 作者：帕米尔 祝天佑, 检察员 张三 李四: names set apart by a space
                continue
            break

    # A child's or a person's other name (小名朵朵, 绰号"二虎"): whatever word it is.
    for match in _ALIAS_RE.finditer(text):
        mentions.append((match.start("name"), match["name"], OTHER))

    for match in _SPEAKER_RE.finditer(text):
        name = match["name"]
        surname = surname_of(name)
        if "某" not in name and (
            (surname and len(name) > len(surname) and _frequency(name) <= 20)
            or (len(name) >= 4 and _transcribed(name) and not _frequency(name))
        ):
            mentions.append((match.start("name"), name, OTHER))

    for match in _SELF_INTRODUCED_RE.finditer(text):
        name = reader.name_at(match.start("name"))
        if name and name == match["name"]:
            mentions.append((match.start("name"), name, OTHER))
    # A mention read short where a longer name of the text stands (原审被告人周瑶|明曾经 beside
    # 申诉人周瑶明，男) is that longer name's: the short one may be another person (检察官周瑶).
    names = {name for _p, name, _r in mentions}
    for position, name, role in sorted(mentions):
        longest = max((n for n in names if text.startswith(n, position)), key=len, default=name)
        if role == REPRESENTATIVE and _IS_LAWYER_RE.match(text, position + len(longest)):
            role = LAWYER  # 诉讼代理人田明辉（同舟律师事务所律师）
        add(longest, role, "role", position)

    for match in _PREDICATE_RE.finditer(text):
        name = match["name"] or match["subject"]
        surname = surname_of(name)
        if (
            surname
            and len(name) > len(surname)
            and text.count(name) >= 2
            and "某" not in name
            and name not in _NOT_NAMES
            and not any(name in other or other in name for _p, other, _r in mentions)
        ):
            add(name, OTHER, "role", match.start())

    for start, end in person_spans:
        word = text[start:end]
        if (
            start > 0
            and text[start - 1] in SINGLE_SURNAMES
            and len(word) <= 2
            and _split_off(text, start - 1, end)
        ):
            before = text[start - 2] if start > 1 else ""
            if not is_han(before) or before in _NAME_STOP:
                start, word = start - 1, text[start - 1 : end]  # 曾|小芳 → 曾小芳
        if not _acceptable_tagged(word) or any(word in name or name in word for name in found):
            continue
        if any(ch in _INSTITUTION_CHARS for ch in word) or text[end : end + 1] == "某":
            continue  # 书澜柳检刑抗: a document number; 但司徒某: an anonymised name
        if all(
            text[m.end() : m.end() + 1] in _INSTITUTION_NEXT
            for m in re.finditer(re.escape(word), text)
        ):
            continue  # 云西检刑诉〔2023〕: part of a document number or an institution's name
        add(word, OTHER, "tagger", start)

    # Names in a list beside names already anonymised or found (招募苏某、平晶、娜某等人): the
    # others too.
    known = set(found)
    for match in _LIST_RE.finditer(text):
        items = match.group().split("、")
        if any(_ANONYMISED_RE.fullmatch(item) or item in known for item in items):
            offset = match.start()
            for item in items:
                if (
                    item not in known
                    and surname_of(item)
                    and len(item) <= 3
                    and "某" not in item
                    and not any(ch in _NAME_STOP for ch in item)
                    and _frequency(item) <= 20
                ):
                    add(item, OTHER, "role", offset)
                offset += len(item) + 1

    for decision in decisions:
        name = decision.name
        if not name:
            continue
        if name in found:
            found[name].role = decision.role
            found[name].source = "publisher"
        else:
            position = text.find(name)
            found[name] = Found(name, decision.role, "publisher", max(position, 0))

    _extend_cut_names(text, found)
    return sorted(found.values(), key=lambda f: f.first)


# Surnames that are also prepositions: 向张弛索要 is "demand from 张弛", 检察员向海芳 a name.
_PREPOSITION_SURNAMES = frozenset("向于对与和在为把被将从同跟给")


def _split_off(text: str, surname_at: int, end: int) -> bool:
    """Is text[surname_at] the surname of the name the tagger read at surname_at+1 … end?"""
    word = text[surname_at + 1 : end]
    if surname_of(word) is None or text[surname_at] not in _PREPOSITION_SURNAMES:
        return True
    after = text[end : end + 1]
    return after in _NAME_END or after in ("", "\n") or bool(_INTRODUCED_RE.match(text, end))


def _transcribed(part: str, share: float = 0.6) -> bool:
    """Does the part before a name's dot read like a transcription (努尔艾力), not prose that
    runs into one (卢秀英明知约翰·史密斯)? `share` of its characters are of transcription; a
    name without a dot is held to more (阿的日古, not 乔卫东于当)."""
    return len(part) <= 8 and sum(ch in TRANSCRIPTION for ch in part) >= share * len(part)


def _acceptable_tagged(word: str) -> bool:
    if "某" in word or not (2 <= len(word) <= 12):
        return False
    if not all(is_han(ch) or ch == DOT for ch in word):
        return False
    if DOT in word:
        return True
    if len(word) > 5:
        return False
    if surname_of(word) is None:
        return len(word) >= 3 and _frequency(word) == 0  # transcribed names: 玛丽亚, 伊万诺夫
    return _frequency(word) <= 20 and word not in _NOT_NAMES


def _extend_cut_names(text: str, found: dict[str, Found]) -> None:
    """A name read one character short (胡雨 for 胡雨涵) would leave 胡某涵: where every
    occurrence of a name is followed by the same character, and that longer form occurs more
    than once, the longer form is the name."""
    for name, person in list(found.items()):
        surname = surname_of(name)
        if surname is None or len(name) - len(surname) != 1:
            continue
        followers = {text[m.end() : m.end() + 1] for m in re.finditer(re.escape(name), text)}
        if len(followers) != 1:
            continue
        (follower,) = followers
        longer = name + follower
        if (
            follower
            and is_han(follower)
            and follower not in _NAME_STOP
            and text.count(longer) >= 2
            and longer not in found
        ):
            del found[name]
            person.name = longer
            found[longer] = person
