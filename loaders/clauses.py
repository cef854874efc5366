"""Role clauses: the text that names who leads and who answers for an action or task.

A clause is either bracketed — （…）, (…), 〔…〕, 【…】, ［…］ (normalised to () and []) — or a
labelled run of text outside brackets (牵头单位:A / 责任单位:B、C / 完成时限:6月底前), on its own
line or glued after an item's text, or a sentence outside brackets that is nothing but a verb-form clause
(县发改局牵头,县公安局配合。). Inside a clause (README "What the parser reads"):

  label form   牵头单位:A、B · 牵头责任单位:A · 责任单位:A、B · 配合单位:A · 指导单位:A · 完成时限:…
  verb form    A、B牵头 · A、B(按职责分工|分别|共同|分工|分头)负责(落实) · A配合 · A参与 · A协助 · A指导
               A为牵头单位 · 由A负责 · A会同B负责 (both; with 牵头 only A leads)
  continuation a comma-separated group without its own verb or label shares the next verb
               (A、B,C按职责分工负责) or the label before it (责任单位:A,B、C)
  notes        以下均需…负责,不再列出 / 下同: not units; 列第一位者为牵头单位 switches the
               document to first-listed-leads (the first unit of each 负责 clause LEADS)

A unit is whatever noun phrase fills the unit slot (青岛海关, 有关地区, 县级有关部门(单位)); a
head-noun list only helps decide where a list splits (县教育和体育局 is one unit, 教育、卫生部门 is
one collective, 省商务厅、公安厅 are two) and whether a bracket that ends in a verb is a clause at
all (the verb form needs unit-like words before the verb: (抓好落实) is not a clause).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Iterator, NamedTuple, Optional, Sequence

from kg.loaders.orgs import default_tables
from kg.loaders.people import person_gloss, person_name
from kg.model import Qualifier, Role

# ── labels ────────────────────────────────────────────────────────────────────────────────────
_LABEL_CORE = (r"(?:牵头考核|牵头责任|牵头负责|牵头|主责|主办|主要责任|协同责任|其他责任|责任|负责|承办|实施|具体负责|"
               r"配合|参与|参加|协办|协助|协同|协作|辅助|指导|督导)")
# a township's or a county bureau's units: 站所 / 办站所 / 办所 (镇财政所, 镇林业站, 镇社会事务办) and 股室 (人事股) are
# the level-below counterparts of 处室 / 科室 (责任站所 / 配合股室 / 协同办站所); alternatives, for a group
SUB_UNIT_NOUNS = r"办站所|站办所|办所|站所|所站|股室|科所"
_LABEL_NOUN = r"(?:单位|部门|处室|科室|" + SUB_UNIT_NOUNS + r"|主体|机构|方)"
# a modifier before a label is part of the label, never a unit: 省级牵头单位 / 市县责任单位 / 具体责任单位 /
# 第一责任单位 / 共同牵头单位 (the role comes from the label's head); with the label's noun, or before 牵头/配合
# (具体实施:开展… is a sentence, not a label)
_LABEL_MODIFIER = (r"(?:(?:省|市|县|区|州|乡|镇|乡镇|街道|县区|区县|市县|县市|市州)(?:级|直)|市县|县区|区县|县市|省市|"
                   r"第一|直接|具体|共同|联合)")
_LABEL_CORE = r"(?:" + _LABEL_MODIFIER + r"(?=" + _LABEL_CORE + r"\s*" + _LABEL_NOUN + r"|牵头|配合))?" + _LABEL_CORE
# 落实单位 / 承担单位 answer for the task (落实 → responsible): only with their noun (落实:… alone is a sentence)
_LABEL_CORE = r"(?:" + _LABEL_CORE + r"|(?:落实|承担)(?=\s*" + _LABEL_NOUN + r"))"
# 部门分工:A牵头,B配合 — a division label: its value is a clause of its own (verbs give the roles)
_DIVISION = r"(?:部门|责任|任务|职责|工作)?分工"
# 支持单位:A supports (as a role table's 支持单位 column does); a bare 支持: is not a label (政策支持:…)
# 责任单位及责任人: / 牵头单位（负责人）: a unit label whose value also names people (dropped: see _drop_people)
_AND_PERSON = r"(?:(?:及|和|与|、|/)\s*(?:责任人|负责人|联系人)|\(\s*(?:责任人|负责人|联系人)\s*\))"
_UNIT_AND_PERSON = r"(?:" + _LABEL_CORE + r")\s*" + _LABEL_NOUN + r"\s*" + _AND_PERSON
# the core once, its noun and the people after it optional (an alternation of the two forms tried the core twice)
LABEL = (r"(?:" + _LABEL_CORE + r"\s*(?:" + _LABEL_NOUN + r"(?:\s*" + _AND_PERSON + r")?)?|支持\s*(?:单位|部门)|" + _DIVISION
         + r")")
DIVISION_RE = re.compile(r"^" + _DIVISION + r"\s*:\s*(.*)$", re.S)
# a label must be followed by a colon; people columns (责任人, 联系人, 责任领导) are not labels
LABEL_RE = re.compile(r"^(" + LABEL + r")\s*:\s*(.*)$", re.S)
# 完成时限:… / 完成时限为… / 落实时限:… (落实 is no deadline)
DEADLINE_LABEL_RE = re.compile(r"^(?:落实|办结|整改)?(?:完成时限|完成时间|完成期限|时限要求|时间要求|时间节点|时间安排|进度安排|时限|时间)"
                               r"\s*(?::|为|是)\s*(.*)$", re.S)
# where a labelled clause may start in running text: the start of a line or after a sentence / clause end
LABEL_START = re.compile(r"(?:^|(?<=[。;!?,)\]\s]))(" + LABEL + r"|完成时限|完成时间|完成期限|时限要求|时间节点)\s*:")
_LABEL_AT = re.compile(r"(" + LABEL + r"|完成时限|完成时间|完成期限|时限要求|时间节点)\s*:")
_LABEL_AFTER = frozenset("。;!?,)]")


def label_search(text: str, pos: int = 0, pattern: re.Pattern = _LABEL_AT) -> Optional[re.Match]:
    """LABEL_START.search(text, pos), the same match: the look-behind is checked by hand, because a pattern
    that opens with one makes the regex engine try every position instead of skipping to a label's first
    character (the scan was 4 % of the parse)."""
    while (m := pattern.search(text, pos)) is not None:
        i = m.start()
        if i == 0 or text[i - 1] in _LABEL_AFTER or text[i - 1].isspace():
            return m
        pos = i + 1
    return None
ANY_LABEL = re.compile(r"(" + LABEL + r")\s*:")
# a label with its unit noun may also be followed by a space instead of a colon (责任单位 县发改局、县财政局),
# at the start of a line or inside a bracket
LABEL_WS = r"(?:牵头(?:责任)?|主责|责任|配合|协办|协助|参与|承办|实施)(?:单位|部门|处室|" + SUB_UNIT_NOUNS + r"|主体)"
_WS_LABEL_HEADS = frozenset(("牵头", "主责", "责任", "配合", "协办", "协助", "参与", "承办", "实施"))
LABEL_WS_RE = re.compile(r"^(" + LABEL_WS + r")\s+(\S.*)$", re.S)

# An event notice (关于举办…大赛的通知 / 关于召开…会议的通知 / …邀请函): its 主办单位 / 承办单位 / 协办单位 / 参加单位 /
# 指导单位 name who holds, hosts or attends the event, not who answers for a task. Only a notice about holding or
# attending an event: 开展…活动 is a campaign whose 参与单位 do support its tasks.
_EVENT_TITLE = re.compile(r"(?:举办|召开|举行|筹办|承办|参加|组织参加|参会)[^。]{0,60}?(?:会议|大会|年会|座谈会|研讨会|推进会|"
                          r"交流会|报告会|发布会|论坛|峰会|比赛|大赛|竞赛|评选|活动|展览|展会|博览会|交易会|洽谈会|培训班|"
                          r"培训|讲座|运动会|演出|晚会|宣传周|活动周|活动月)(?:的)?(?:通知|通告|公告|邀请函|函)$|邀请函$")
_ORGANISER_LABEL = re.compile(r"(?:主办|承办|协办|支持|参加|参与|指导)\s*(?:单位|部门|机构|方)\s*(:|为|是)")
ORGANISER_MARK = "\u2236"  # ∶ (ratio) where the organiser label's colon was: no pattern of the grammar reads it


def event_notice(title: str) -> bool:
    """The document is a notice about holding or attending an event (its title says so)."""
    return _EVENT_TITLE.search(title.strip()) is not None


_ORGANISER_VERB = re.compile(r"主办|承办|协办")


# a block naming an event's organisers in any plan (二、组织单位 / 主办单位：市体育局 / 承办单位：各区体育局): its
# heading, then label lines
_ORGANISER_BLOCK = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.、．])?\s*"
                              r"(?:活动)?(?:组织单位|组织机构|主办单位|主承办单位|举办单位|办会单位)\s*[:：]?\s*$")


def organiser_block(heading: str) -> bool:
    """The line heads a block of an event's organisers (二、组织单位): the label lines under it name no roles."""
    return ("单位" in heading or "机构" in heading) and _ORGANISER_BLOCK.match(heading.strip()) is not None


def organiser_line(text: str) -> bool:
    """The line is an organiser label (主办单位：A / 承办单位为B)."""
    return _ORGANISER_LABEL.match(text.strip()) is not None


# a contact section's heading (三、联系方式 / 联系人及电话:) and a contact line: a role label whose units are followed, on the
# same line, by the people to call (牵头单位:省商务厅  联系人:王某  联系电话:…)
_CONTACT_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、])?\s*"
                              r"(?:联系方式|联系人|联系电话|联系人及(?:联系)?(?:电话|方式)|联系单位)\s*:?\s*$")
_CONTACT_PART = re.compile(r"\S[\s,;]*(?:联系人|联系电话|联系方式|电话|手机|邮箱|电子邮箱|传真)\s*:")


def contact_heading(text: str) -> bool:
    """The line heads a contact section (三、联系方式): the label lines under it name whom to call, not roles."""
    return "联系" in text and _CONTACT_HEADING.match(text.strip()) is not None


def contact_line(text: str) -> bool:
    """A role label line that goes on to a contact (牵头单位:省商务厅  联系人:王某  联系电话:…)."""
    return ("联系" in text or "电话" in text or "邮箱" in text) and LABEL_START.match(text.strip()) is not None \
        and _CONTACT_PART.search(text) is not None


def mask_label(text: str) -> str:
    """The line with its first label colon replaced by ORGANISER_MARK (same length): it is read as no label."""
    return text.replace(":", ORGANISER_MARK, 1)


# (省水利厅负责汇总): a bracket whose unit does one named act (汇总 / 接待 / 报名), the role verb with an object after it
_ACT_BRACKET = re.compile(r"(?<=[^()\s])负责(?=([\u4e00-\u9fff]{2,6})\))")


def mask_arranging(text: str) -> str:
    """An event notice's text with 负责 masked (ORGANISER_MARK, same length) where a bracket's unit does one act of
    arranging the event ((省水利厅负责汇总)): no edge, no role text; (A负责) and (A负责组织实施) are still clauses."""
    if "负责" not in text:
        return text
    return _ACT_BRACKET.sub(lambda m: m.group(0) if VERB_RE.match("负责" + m.group(1)) else ORGANISER_MARK * 2, text)


# an event's own plan (全民健身月活动实施方案, …大赛工作方案): its 主办/承办/协办 name the event's hosts; 参与/指导 units
# of a campaign's tasks do support them, so only the hosts are masked there
_EVENT_PLAN_TITLE = re.compile(r"(?:活动|赛事|比赛|大赛|竞赛|运动会|展会|博览会|交易会|论坛|峰会|宣传周|活动周|活动月|艺术节|文化节|"
                               r"旅游节|体育节|科技节)(?:实施|工作|总体|执行)?(?:方案|安排)(?:[》>]?的?通知)?$")
_HOST_LABEL = re.compile(r"(?:主办|承办|协办)\s*(?:单位|部门|机构|方)\s*(:|为|是)")


def event_plan(title: str) -> bool:
    """The document is an event's own plan (its title says so): its hosts are no roles (see mask_organisers)."""
    return _EVENT_PLAN_TITLE.search(title.strip()) is not None


def mask_organisers(text: str, hosts_only: bool = False) -> str:
    """An event notice's text with each organiser label's colon (or 为/是) and each hosting verb (A主办，B承办) replaced
    by ORGANISER_MARK — the same length, so every offset holds — so that 主办单位：A / 参加单位为B / (A主办,B承办) give
    no edge and are not counted as role text (``hosts_only``: 主办/承办/协办 only, for an event's own plan)."""
    if "单位" in text or "部门" in text or "机构" in text or "方" in text:
        label = _HOST_LABEL if hosts_only else _ORGANISER_LABEL
        text = label.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + ORGANISER_MARK, text)
    if "办" in text:
        text = _ORGANISER_VERB.sub(ORGANISER_MARK * 2, text)
    return text


# ── verbs ─────────────────────────────────────────────────────────────────────────────────────
_ADVERB = (r"(?:分别|共同|联合|分工|分头|各自|具体|负责|协同|积极|密切|全力|主动|统筹|按(?:照)?(?:各自)?职责(?:分工)?|依(?:据|照)?职责(?:分工)?|"
           r"根据(?:各自)?职[责能](?:分工)?|按(?:照)?职能(?:分工)?|依职能|按(?:照)?属地|按分工|"
           r"(?:按照?|根据|依据)[“\"][^”\"、,;]{1,8}、[^”\"、,;]{1,8}[”\"]的?原则)")  # 按照“谁主管、谁负责”原则落实
_LEAD = (r"(?:总?牵头(?:负责|组织实施|组织开展|组织推进|组织|实施|落实|推进|推动|抓总|协调|统筹)?|统筹(?:协调|推进|负责|实施)?|"
         r"牵总|抓总|主责|主办|(?<=[局委办厅署部门位府会室心队组司团院关行联社])为主)")  # 市水利局为主,各镇负责落实
_SUPPORT = r"(?:(?:做好|搞好|抓好)?配合(?:落实|实施|推进|做好)?(?:工作)?|协助(?:落实|实施)?|(?:参与|参加)(?:落实|实施)?|协同(?:推进|落实)?|协调(?:配合)?|协办|(?:予以|给予)(?:支持|配合|协助))"
_GUIDE = r"(?:督促指导|指导督促|督促检查|(?:加强|做好|强化)?(?:技术|业务)?指导|督导(?:落实|实施)?|指导(?:落实|实施))"  # 负责技术指导: 负责 is an adverb here
_RESP = r"(?:负总责|总负责|负(?:属地(?:管理)?|主体|主管|监管|行业监管|直接|主要)责任|各负其责|各司其职|负责(?:落实|实施|推进|组织实施)?|落实|实施|推进落实|(?<=[责工别同])推进|组织实施|承办|承担|(?:督促|组织|跟踪)落实|抓好落实|抓落实|具体实施|主抓)"
VERB = r"(?:" + _ADVERB + r"{0,2}" + r"(?:" + "|".join((_LEAD, _SUPPORT, _GUIDE, _RESP)) + r"))"
VERB_RE = re.compile(r"^(.*?)(" + VERB + r")$", re.S)
# a verb form ends in one of these (the characters a look-behind tests are not the verb's: 局 of 市水利局为主)
VERB_LAST = frozenset(c for c in re.sub(r"\(\?<=\[[^\]]*\]\)", "", VERB) if "\u4e00" <= c <= "\u9fff")
_ROLE_OF_VERB: tuple[tuple[re.Pattern[str], Role, Qualifier], ...] = (
    (re.compile("^统筹(?:督促)?指导"), "RESPONSIBLE_FOR", "指导"),  # 市商务局统筹指导: 统筹 says how it guides, it leads nothing
    (re.compile("牵头|统筹|牵总|抓总|主责|主办|为主$"), "LEADS", "牵头"),
    (re.compile("配合|协助|参与|参加|协同|协办|协调|支持"), "RESPONSIBLE_FOR", "配合"),
    (re.compile("指导|督导|督促(?!落实)"), "RESPONSIBLE_FOR", "指导"))
AS_LABEL_RE = re.compile(r"^(.*?)(?:为|是|作为)(" + LABEL + r")$", re.S)  # A为牵头单位
# 牵头单位为A / 配合部门是B: the label first, then 为 where a colon would be (the label needs its noun: 牵头为A is no label)
LABEL_IS_RE = re.compile(r"^((?:" + _LABEL_CORE + r")\s*" + _LABEL_NOUN + r"|支持\s*(?:单位|部门))\s*(?:为|是)\s*(\S.*)$", re.S)

FIRST_LEADS_RE = re.compile(r"(?:列|排|放|居|排名|排序)在?(?:第一位|首位|第一|首)(?:的|者|个|单位|部门)*(?:为|是|系)牵头(?!领导)|"
                            r"牵头(?:单位|部门)(?:列|排|放|居)(?:在|于)?(?:第一位|首位|第一|首)|"
                            r"(?:第一|首)(?:个|位|家)?(?:责任)?(?:单位|部门)(?:为|是|系)牵头")  # 牵头单位列第一位 / 第一个单位为牵头单位
_NOTE_HEADS = frozenset(("以下", "下同", "后同", "此后", "以后", "其他", "其余", "不再", "具体", "任务"))
NOTE_RE = re.compile(r"^(?:以下|下同|后同|此后|以后|其他|其余)|下同$|不再(?:一一)?(?:列出|列举|重复|分工|做分工|标注)|"
                     r"^不再|^(?:具体)?任务均涉及")
DEADLINE_RE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|中旬|上旬|下旬|末|年底|年末)?(?:之?前|以前)?(?:完成|启动|出台|见效|建成|落实)"
    r"|\d{4}年?(?:\s*[至到—–─~-]\s*\d{4})?年(?:第?[一二三四1-4]季度|[上下]半年|\d{1,2}月(?:\d{1,2}日)?)?(?:底|年底|末|中旬|上旬|下旬)?"
    r"(?:之?前|以前)?(?:完成|前)?"  # 2024年 / 2024年第四季度 / 2024年上半年 / 2024年至2026年 / 2024—2026年
    r"|第?[一二三四]季度(?:末|底)?(?:之?前|以前)?(?:完成)?"
    r"|\d{1,2}月(?:\d{1,2}日)?(?:底|末)?(?:之?前|以前)?"
    r"|(?:年内|今年|当年)?(?:持续|长期|常态化)(?:推进|坚持|实施|开展)|长期|持续"
    r"|(?:年内|今年内|当年|本年度)(?:完成|启动|出台|见效|建成|落实)?"
    r"|(?:汛期|汛|春节|国庆|秋冬季|开学)(?:之?前|以前)(?:完成)?|每(?:年|季度|半年|月)(?:开展|组织|召开|至少)?[一二两三1-3]次"
)
# 2025—2027年持续推进 is one deadline (the years, then how: not 2025—2027年 alone); 每季度 / 每季度报送进展 (a rhythm)
DEADLINE_RE = re.compile(r"\d{4}年?(?:\s*[至到—–─~-]\s*\d{4})?年(?:起|开始)?(?:持续|长期|常态化)(?:推进|坚持|实施|开展)|" + DEADLINE_RE.pattern
                         + r"|每(?:年|季度|半年|月|周|旬)度?(?:报送|调度|通报|更新)?(?:一次|进展|进度|情况)?")

# ── units ─────────────────────────────────────────────────────────────────────────────────────
# head nouns of units: a help for splitting lists, never the test of whether a unit exists
HEAD = re.compile(
    r"(?:局|委|部|会|处|办|室|院|校|台|队|团|社|所|站|中心|单位|政府|协|联|厅|署|行|司|集团|公司|部门|机构|组织|"
    r"关|区|县|市|省|州|盟|旗|镇|乡|街道|地区|企业|平台|基地|馆|园|场|社区|村|党委|党组|小组|班子|专班|"
    r"指挥部|法院|检察院|医院|大学|学院|高校|院校|学校|银行|分行|支行|监管局|分局|总局|总队|支队|大队|军分区|"
    r"人武部|工会|妇联|团委|科协|残联|侨联|文联|作协|红十字会|公积金中心|海关|口岸|电视台|报社|集团公司|"
    r"股份公司|有限公司|有限责任公司|各方|方面|会议|中央|党中央|国务院|总工会|联合会)$")
GENERIC = re.compile(r"^(?:部门|单位|机构|部门单位|单位部门|部门和单位|单位和部门|相关方|方面|等|"
                     r"(?:\d+|[一二三四五六七八九十]+)(?:个|家)(?:部门|单位|机构))$")
# a people label (责任人: / 牵头领导为…), but not 责任单位及责任人:, which names units
PERSON_LABEL = re.compile(r"^(?!" + _UNIT_AND_PERSON + r"\s*:)[^:]{0,8}(?:领导|负责人|责任人|联系人|经办人|联系电话|电话|姓名|职务)"
                          r"\s*(?::|为|是)")
PERSON = re.compile(r"(?:组长|主任|成员|秘书长|负责人|联系人|责任人|领导|局长|书记|县长|市长|区长)$")
BARE_PLACES = re.compile(r"^各(?:有关|相关)?[\u4e00-\u9fff]{0,3}?(?:省|市|县|区|州|盟|旗|乡|镇|县级市|地级市|设区市|省辖市|自治州|自治县)$")
GOV_SUFFIX = re.compile(r"(?:人民政府|政府|党委|党委和政府|管委会)$")
LEVEL_ONLY = re.compile(r"^各?(?:有关|相关)?(?:省|市|县|区|州|盟|旗|乡|镇|乡镇|街道|县区|市州|区县|县市|县级市|地级市|设区市|自治州|自治县)$")
LEVEL_LED = re.compile(r"^(?:省|市|县|区|州|盟|旗|乡|镇|乡镇|街道|县区|市州|区县|县市|县级市|地级市|自治|\()")
# words that put a phrase outside the unit slot: a sentence, not a noun phrase
NOT_UNIT = re.compile(r"(?:的(?!士)|(?<![主重])要(?!素)|将|应当|应该|须|需|把|被|了|着|已|对(?![外台口])|(?<!自)由(?!于)|"
                      r"通过|按照|根据|进行|其中|包括|以下|\d+年|年底|年度|\d+月|\d+日|%|"
                      r"(?<!\d)(?!(?:12345|12315|12348|12366|110|119|120|122)(?!\d))\d{3,})")  # a hotline's number names units
# verbs that start a sentence, but also occur inside long names (省完善促进消费体制机制厅际联席会议成员单位)
NOT_UNIT_SOFT = re.compile(r"开展|加强|推进|推动|完善|建立|健全|提升|做好|抓好|确保|进一步|积极|加快|"
                           r"工作(?!局|部|委|站|室|组|处|办|队|领导小组|专班)|任务|措施|政策(?!研究)|方案|制度")
UNIT_TRIM = " .。:\"'“”‘’·-─*※"

# Cheap first-character / substring guards in front of regexes that almost never match: each is exact
# (the regex cannot match without it) and spares a regex call per unit or sub-clause.
_GENERIC_FIRST = frozenset("部单机相方等0123456789一二三四五六七八九十")
GENERIC = re.compile(GENERIC.pattern + r"|^同(?:上|前|左)$"  # (责任单位:同上) points elsewhere: no unit
                     # 责任单位按职责分工负责,配合单位积极配合: a role noun names the role, never a unit
                     r"|^(?:各|其他|其余|相关|有关)?(?:牵头|主责|责任|配合|协办|协助|参与|承办|落实)(?:单位|部门)$")
_GENERIC_FIRST = _GENERIC_FIRST | set("同各其相有牵主责配协参承落")
_DEADLINE_FIRST = frozenset("底中上下末年之前以完启出见建落今当持长常本第一二三四汛春国秋开每")


# a label's value that names no unit here: a reference to another item or an annex, or none (同上 / 同第一项 / 同第1条 /
# 见附件2 / 无 / 暂无): read, no edge
_REFERENCE = re.compile(r"^(?:同(?:上|前|左|第?[\d一二三四五六七八九十百]+(?:项|条|款|点|部分|行)?(?:任务)?)|(?:详)?见附件[\d一二三四五六七八九十]*|"
                        r"无|暂无|/|—+|-+)$")
_REFERENCE_FIRST = frozenset("同见详无暂/—-")


def reference_only(text: str) -> bool:
    """Every part of the clause is a label whose value names no unit here (责任单位:同上 / 配合单位:无), or a deadline:
    no role text to read (the file is not partial for it)."""
    if not ("同" in text or "见" in text or "无" in text or "/" in text or "—" in text or "-" in text):
        return False
    subs = _subclauses(text)
    return bool(subs) and all(DEADLINE_LABEL_RE.match(x) or _reference_label(x) for x in subs) and any(
        _reference_label(x) for x in subs)


def _reference_label(sub: str) -> bool:
    m = LABEL_RE.match(sub) if ":" in sub else None
    return m is not None and _REFERENCE.match(m.group(2).strip(" 。")) is not None


def _generic(u: str) -> bool:
    return u[:1] in _GENERIC_FIRST and GENERIC.match(u) is not None


def _deadline_only(s: str) -> bool:
    """The whole text is a deadline (2024年6月底前, 长期坚持)."""
    return (s[:1] in _DEADLINE_FIRST or s[:1].isdecimal()) and DEADLINE_RE.fullmatch(s) is not None


def first_leads_note(s: str) -> bool:
    """The text says the first-listed unit leads (列第一位的为牵头单位)."""
    return ("第一" in s or "首" in s) and FIRST_LEADS_RE.search(s) is not None


# 报市政府批准后实施 / 经市政府同意后 / 提请市委审定: a step of procedure, whose body (市政府) approves, not a unit of the clause
_PROCEDURE = re.compile(r"^(?:按程序)?(?:报请|报送|报|经|提请|提交)[^,;:]{1,24}?(?:批准|同意|审定|审议|审批|审核|备案|批复)")
_PROCEDURE_FIRST = frozenset("报经提按")
_ROLE_IN_PROCEDURE = re.compile(r"负责|牵头|配合|协助|参与")


def _procedure(sub: str) -> bool:
    """A step of procedure (报市政府批准后实施), not a sub-clause naming units: a role verb in it (经开区管委会负责项目
    审批) makes it one that does."""
    return sub[:1] in _PROCEDURE_FIRST and _PROCEDURE.match(sub) is not None and not _ROLE_IN_PROCEDURE.search(sub)


# 其他成员单位配合 / 其余相关部门按职责分工负责: the others are a collective the clause names, not a note on the clauses
_OTHER_UNITS = re.compile(r"^其[他余它](?:的)?[^为是系任工事项,;:]{0,6}?(?:单位|部门|机构)(?!为|是|系)")


def _is_note(sub: str) -> bool:
    """A note on the clauses, naming no unit of its own (以下均需各市、县人民政府落实，不再一一列出 / 下同)."""
    return (sub[:2] in _NOTE_HEADS or "下同" in sub or "不再" in sub or "均涉及" in sub) and NOTE_RE.search(sub) is not None \
        and not (sub[:1] == "其" and "不再" not in sub and _OTHER_UNITS.match(sub) is not None)


def note_only(text: str) -> bool:
    """Every part of the text is a note on the clauses (a bracket of its own: （以下各项任务均需…落实，不再一一列出））."""
    subs = [x for x in _subclauses(text) if x.strip()]
    return bool(subs) and all(_is_note(x) or first_leads_note(x) for x in subs) and any(_is_note(x) for x in subs)


# first-listed-leads, as a mode: off, the first leads (the others answer for it), or the first leads and the others
# support (排在第一位的为牵头单位，其他为配合单位)
FIRST_LEADS, OTHERS_SUPPORT = 1, 2
_OTHERS_SUPPORT = re.compile(r"(?:其他|其余|其它|余下|后面|其后)(?:的)?(?:单位|部门)?(?:为|是|系)(?:配合|协办|协助|参与)")


def first_leads_mode(s: str) -> int:
    """0, FIRST_LEADS or OTHERS_SUPPORT: what a first-listed-leads note says (see first_leads_note)."""
    if not first_leads_note(s):
        return 0
    return OTHERS_SUPPORT if _OTHERS_SUPPORT.search(s) else FIRST_LEADS
_LEADING = re.compile(r"^(?:由|请|均由|分别由|统一由|具体由|主要由|并由|会同|和|及|与|并|另|其中|同时)")
_CONJ = ("以及", "会同", "联合", "及", "和", "与")  # A联合B负责: both, as A会同B负责
_LEADING_FIRST = frozenset("由请均分统具主并会和及与另其同")


class Assignment(NamedTuple):
    """One unit named in a clause, with its role (a tuple: made for every unit of every clause)."""

    unit: str
    role: Role
    qualifier: Qualifier


@dataclass
class RoleClause:
    start: int  # text index of the clause's first character (the bracket or the label) …
    end: int  # … and just past its last
    text: str  # the clause text (inside the brackets, or the labelled text)
    assignments: list[Assignment] = field(default_factory=list)
    deadline: Optional[str] = None
    sets_first_leads: int = 0  # a first-listed-leads note in the clause: its mode (first_leads_mode)
    problems: list[str] = field(default_factory=list)
    kind: str = "bracket"  # bracket | label | duty


# ── brackets ──────────────────────────────────────────────────────────────────────────────────
_BRACKETS = re.compile(r"[()\[\]]")
_CLOSE = {")": "(", "]": "["}


@lru_cache(maxsize=1024)
def _scan_brackets(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Top-level (…) and […] groups as [start, end), and the openers that never close. A closer that
    does not match the innermost opener is text."""
    groups: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _BRACKETS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch in "([":
            stack.append(i)
        elif stack and text[stack[-1]] == _CLOSE[ch]:
            a = stack.pop()
            if not stack:
                groups.append((a, i + 1))
    return tuple(groups), tuple(stack)  # cached: tuples, so no caller can change what the next one gets


def paren_groups(text: str) -> tuple[tuple[int, int], ...]:
    """Top-level bracket groups as [start, end) including the brackets; unbalanced ones are skipped."""
    return _scan_brackets(text)[0]


ROLE_HINT = re.compile(r"[(\[](?:" + LABEL + r")\s*:|[(\[][^()\[\]]{1,80}?(?:牵头|负责|配合|参与|指导|协助)")


def unclosed_role_brackets(text: str) -> list[int]:
    """Positions of openers that never close and open what reads as a role clause."""
    return [i for i in _scan_brackets(text)[1] if ROLE_HINT.match(text, i)]


_SPLITTERS: dict[str, re.Pattern] = {}


def split_top(s: str, seps: str) -> list[str]:
    """Split at separator characters outside nested brackets."""
    if "(" not in s and "[" not in s:  # the common case: no nesting, split in C
        pat = _SPLITTERS.get(seps)
        if pat is None:
            pat = _SPLITTERS[seps] = re.compile("[" + re.escape(seps) + "]")
        return pat.split(s)
    out, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch in seps and depth == 0:
            out.append(s[start:i])
            start = i + 1
    out.append(s[start:])
    return out


# ── units ─────────────────────────────────────────────────────────────────────────────────────
@lru_cache(maxsize=65536)
def _has_head(s: str) -> bool:
    return bool(HEAD.search(_TRAILING_BRACKET.sub("", s) if s.endswith(")") else s))


_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")


@lru_cache(maxsize=65536)
def plausible_unit(s: str) -> bool:
    """A noun phrase that can fill the unit slot: short, no sentence words."""
    if s.count("(") != s.count(")"):
        return False
    core = _NESTED.sub("", s) if "(" in s else s
    return 2 <= len(core) <= 40 and not NOT_UNIT.search(core) and not (NOT_UNIT_SOFT.search(core) and not _has_head(core))


def _split_conjunction(part: str) -> list[str]:
    """Split on 和/及/与/会同 only where both sides are whole units: 县教育和体育局 and 有关部门和单位 stay one."""
    for conj in _CONJ:
        idx = part.find(conj)
        while idx > 0:
            left, right = part[:idx], part[idx + len(conj):]
            if right and not _generic(right) and right not in _BARE_HEADS and left not in _LEVEL_WORDS and (
                    conj != "联合" or _joins_placed(right)) and (
                    conj in ("会同", "以及") or (_has_head(left) and (_has_head(right) or right.startswith("各")))):
                return _split_conjunction(left) + _split_conjunction(right)
            idx = part.find(conj, idx + 1)
    return [part]


def _joins_placed(right: str) -> bool:
    """联合 joins two units only before a placed one (市生态环境局联合市工信局): 县供销合作社联合社, 省工商业联合会 and
    园区联合党委 are one name each."""
    return len(right) >= 3 and (LEVEL_LED.match(right) is not None or right[:1] == "各" or right.startswith(("国家", "中国")))


# 中央和国家机关有关部门: a level word before 和 shares the noun after it — one collective as written
_LEVEL_WORDS = frozenset(("中央", "国家", "省", "市", "县", "区", "乡", "镇", "省级", "市级", "县级", "乡镇", "地方"))
# 各县(市、区)党委和政府: a bare head noun after 和 only makes sense with the prefix before it — one unit
_BARE_HEADS = frozenset(("政府", "人民政府", "党委", "党组", "管委会", "党工委", "人大", "政协"))
_DENG_TAIL = re.compile(r"(?:有关|相关|其他)?(?:部门|单位)(?:按职责)?")  # 等有关部门 is the head noun of 等 too


# 兰州大学等高校 / 工商银行甘肃分行等金融机构 / 阿里巴巴等企业: a category noun after 等 (with a short modifier, no place)
# names the kind of the units listed, as 等部门 does — never a unit of its own (等国务院相关部门 / 等省直单位 stay)
_DENG_CATEGORY = re.compile(r"(?:有关|相关|其他|重点)?[\u4e00-\u9fff]{0,4}?(?:高校|高等院校|院校|学校|企业|机构|医院|银行|"
                            r"金融机构|医疗机构|社会组织|行业协会|协会|商会|科研院所|院所)(?:按职责|按职责分工)?")


# 等 inside a word (市中等职业学校, 市高等专科学校): not a list ending in a category noun
_DENG_WORD = frozenset("中高同平上优初均对次特头")


def _deng_category(tail: str) -> bool:
    return _DENG_CATEGORY.fullmatch(tail) is not None and _PLACE_MARK.match(tail) is None


def _drop_deng(piece: str) -> list[str]:
    """A、B等 → B; 区水利局等部门 → 区水利局 (等部门 is the head noun of 等); A等国务院相关部门 → A, 国务院相关部门."""
    idx = piece.find("等")
    while idx >= 0:
        head, tail = piece[:idx], piece[idx + 1:]
        category = bool(head) and head[-1] not in _DENG_WORD and _deng_category(tail)
        if head and (_has_head(head) or not tail or _generic(tail) or tail.startswith(("有关", "相关", "各")) or category):
            tail = tail.strip()
            if not tail or _generic(tail) or _DENG_TAIL.fullmatch(tail) or category:
                return [head]
            return [head, tail]
        idx = piece.find("等", idx + 1)
    return [piece]


def _whole_merges(merged: list[str], units: str) -> list[str]:
    """A list kept whole only where it stands so in the text: a mention is always text of its clause (县“、()教育…
    trimmed to 县 must not come back as 县、()教育…)."""
    return [q for m in merged for q in ([m] if "、" not in m or m in units else m.split("、"))]


def _merge_fragments(parts: list[str]) -> list[str]:
    """Shared suffixes keep a list whole: 教育、卫生、医保部门 and 各市、县人民政府 are one collective each."""
    out: list[str] = []
    pending: list[str] = []
    for k, p in enumerate(parts):
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        fragment = nxt is not None and (
            (LEVEL_ONLY.match(p) and LEVEL_LED.match(nxt) and not _LEVEL_DIRECT.match(nxt)) or
            (BARE_PLACES.match(_PLACES_BRACKET.sub("", p) if p[-1:] == ")" else p) and GOV_SUFFIX.search(parts[-1])
             and not nxt.startswith("各")) or  # 各州(市)、县(市、区)人民政府 as 各市、县人民政府
            (_ZONE.search(p) and parts[-1].endswith(_ZONE_BODY) and _zones_share(parts[k + 1:])) or
            (p[-1:] in "市县区" and _places_share(parts)) or
            (not _has_head(p) and len(p) <= 6 and not p.startswith(("各", "有关", "相关")) and _tail_shares(parts[k + 1:])))
        if fragment:
            pending.append(p)
            continue
        out.append("、".join(pending + [p]) if pending else p)
        pending = []
    return out + pending


# 芜湖经开区、芜湖高新区管委会 / 市各开发区、新区、园区管委会: zones that share the administrative committee
_ZONE = re.compile(r"(?:开发区|新区|园区|高新区|经开区|保税区|示范区|试验区|合作区|功能区|片区|度假区|工业园|产业园|集聚区|港区)$")
_ZONE_BODY = ("管委会", "管理委员会")


def _zones_share(rest: list[str]) -> bool:
    """Every part up to the last is a zone, and the last is a zone's 管委会."""
    last = rest[-1]
    return all(_ZONE.search(q) for q in rest[:-1]) and _ZONE.search(last[:-3] if last.endswith("管委会") else last[:-5]) is not None


# 长沙市、株洲市、湘潭市人民政府: bare place names before a place's 人民政府 share it — one unit as written
_PLACE_NAME = re.compile(r"^(?![各全本该有相])[\u4e00-\u9fff]{2,6}?[市县区]$")
_PLACE_GOV = re.compile(r"^(?![各全本该有相])[\u4e00-\u9fff]{2,6}?[市县区](?:人民政府|政府|党委|党委和政府)$")


def _places_share(rest: list[str]) -> bool:
    """Every part up to the last is a bare place name (X市/X县/X区), and the last is a place and its government."""
    return len(rest) >= 2 and _PLACE_GOV.match(rest[-1]) is not None and all(
        _PLACE_NAME.match(q) is not None for q in rest[:-1])


# 区直各部门 / 县直有关部门 / 市直有关单位: a collective of its own, never the tail of 各街道、 (各县、区人民政府 is one)
_LEVEL_DIRECT = re.compile(r"^(?:省|市|县|区|州|盟|旗)直")


def _tail_shares(rest: list[str]) -> bool:
    """The list ends (after more short fragments) in a unit whose head noun the fragment can share."""
    for p in rest:
        p = re.sub(r"等(?:部门|单位|机构)?$", "", p)
        if _has_head(p):
            return bool(re.search(r"(?:部门|单位|机构|人民政府|政府|系统|行业)$", p)) or LEVEL_LED.match(p) is not None
        if len(p) > 6:
            return False
    return False


def _drop_note(unit: str) -> str:
    """市卫生健康委(除标注“分别牵头”外,列第一位为牵头单位,下同): the bracket is a note, not part of the name."""
    m = re.search(r"\(([^()]*)\)$", unit)
    if m and _ROLE_MARK.fullmatch(m.group(1)):
        return unit  # 市发改委(牵头): a role mark, read by _add
    if m and (len(m.group(1)) > 12 or NOTE_RE.search(m.group(1)) or first_leads_note(m.group(1))
              or re.search(r"牵头|负责|配合|除|外$", m.group(1))):
        return unit[:m.start()].rstrip()
    return unit


def split_units(units: str) -> list[str]:
    """"A、B等按职责" pieces → ["A", "B"]; keeps a collective after 等; splits 和/及/会同 between units."""
    return list(_split_units(units))


_SPECIAL = re.compile(r"[等和及与会以()\[\] ]|联合")  # 联 alone (妇联, 残联) is a head, not 联合


@lru_cache(maxsize=65536)
def _split_units(units: str) -> tuple[str, ...]:
    if not _SPECIAL.search(units):  # the common case: A、B、C of whole units
        plain = [p.strip(UNIT_TRIM) for p in split_top(units, "、,/;")]
        plain = [_LEADING.sub("", p).strip(UNIT_TRIM) if p[:1] in _LEADING_FIRST and _LEADING.match(p) else p
                 for p in plain]
        if all(map(_has_head, filter(None, plain))) and not plain[-1].endswith(_ZONE_BODY) and \
                not (plain[-1][-1:] in "府委" and plain[0][-1:] in "市县区" and _places_share(plain)) and \
                _BARE_HEADS.isdisjoint(plain[1:]) and not any(
                (p[:1] == "各" or len(p) <= 3) and (LEVEL_ONLY.match(p) or BARE_PLACES.match(p)) for p in plain[:-1]):
            return tuple(p for p in plain if p and not _generic(p))
    out: list[str] = []
    if ")" in units:
        units = _drop_note(units.strip())
    pieces = [p.strip(UNIT_TRIM) for p in split_top(units, "、,/;")]
    if " " in units:  # 市发改委 市财政局: a space between whole units separates them; 市 教育局 is one unit
        pieces = _drop_people([q for p in pieces for q in (_space_split(p) if " " in p else [p])], units)
    pieces = [_LEADING.sub("", p).strip(UNIT_TRIM) for p in pieces]
    if not _BARE_HEADS.isdisjoint(pieces[1:]):  # 各县(市、区)党委、政府: the bare head shares the prefix before it
        for k in range(len(pieces) - 1, 0, -1):
            if pieces[k] in _BARE_HEADS and pieces[k - 1]:
                pieces[k - 1:k + 1] = [pieces[k - 1] + "、" + pieces[k]]
    # an empty bracket ((), a mistyped clause) is no part of a unit: merged on, it made a unit the text does not hold
    for piece in _whole_merges(_merge_fragments([p for p in pieces if p and p.strip("()[] ")]), units):
        for part in _drop_deng(piece) if "等" in piece else [piece]:
            out.extend(u.strip(UNIT_TRIM) for u in _split_conjunction(part.strip(UNIT_TRIM)))
    out = [u[:-1].rstrip(UNIT_TRIM) if u.endswith((")", "]")) and "(" not in u and "[" not in u else u for u in out]
    out = _drop_people(out, units)
    return tuple(u for u in out if u and not _generic(u))


_PERSON_AFTER = re.compile(r"^(.+?)\s*\(([^()]+)\)$")


def _drop_people(units: list[str], written: str) -> list[str]:
    """The person beside a unit is not part of it: 县教育局(张三) → 县教育局; 县教育局 张三 (a cell) → 县教育局;
    县发展改革局/张志强 or 县公安局/局长 (a 责任单位/责任人 cell) → the unit (only where the list as `written` has a
    bracket, a space or a "/"; 县财政局/县税务局 is two units)."""
    if ")" not in written and " " not in written and "/" not in written:
        return units
    slash = "/" in written
    out: list[str] = []
    for u in units:
        m = _PERSON_AFTER.match(u) if u.endswith(")") else None
        if m and _has_head(m.group(1)) and (all(map(person_name, re.split(r"[、,\s]+", m.group(2).strip())))
                                              or person_gloss(m.group(2))):
            u = m.group(1)
        elif out and (person_name(u) or (slash and (person_gloss(u) or _deadline_only(u)))) and _has_head(out[-1]):
            continue
        out.append(u)
    return out


def _space_split(piece: str) -> list[str]:
    """A space separates units only where both sides are whole units (市发改委 市财政局); a stray space inside one is
    dropped: 市 教育局, 市财 政局, 各乡镇 (街道) are one unit each."""
    out: list[str] = []
    for x in piece.split():
        if out and (x[:1] == "(" or not (len(out[-1]) >= 2 and _has_head(out[-1]) and not LEVEL_ONLY.match(out[-1]))):
            out[-1] += x
        else:
            out.append(x)
    return out


# a unit that ends in a strong head noun followed by a short word kg does not know as a verb (市教育局主抓)
_STRONG_END = re.compile(r"(?:局|委|办|厅|署|部门|单位|政府|管委会|委员会|办公室|中心|支队|总队|大队|党委|党组|公司|集团)$")
_VERB_TAIL_END = frozenset("抓责导调同施实进促查管担动理持办")


def _unknown_verb(u: str) -> Optional[tuple[str, str]]:
    """(unit, verb) when `u` is a unit with an unknown verb glued on (市教育局主抓 → 市教育局, 主抓)."""
    if len(u) < 4 or _has_head(u):
        return None
    for n in range(1, 5):
        head = u[:-n]
        if len(head) >= 2 and _STRONG_END.search(head) and "\u4e00" <= u[-n] <= "\u9fff":
            return head, u[-n:]
    return None


_VERB_ANY = re.compile(VERB)
_NOT_OBJECT = frozenset("的之者等时后前中和及与外")  # 市教育局负责的项目: a noun phrase, not a role statement
_STAGE_NOUNS = frozenset(("前期", "中期", "后期", "后续"))  # 市城管局负责后期管护: a stage, the object's first word
_DO_ANY = re.compile(r"(?:负责|具体)?(?:做好|抓好)")


def _verb_object(sub: str, after_role: bool) -> Optional[tuple[list[str], str]]:
    """(units, verb) for "units + role verb + object" (市公安局协助做好交通管制); after a role word in the same
    clause also "units + 做好/抓好 + object" (市财政局做好资金保障: answers for it). Every unit must be unit-like."""
    for pat in (_VERB_ANY, _DO_ANY) if after_role else (_VERB_ANY,):
        pos = 1
        while (m := pat.search(sub, pos)) is not None:
            if m.end() < len(sub) and (sub[m.end()] not in _NOT_OBJECT or sub[m.end():m.end() + 2] in _STAGE_NOUNS):
                units = split_units(sub[:m.start()])
                if units and _units_ok(units) and all(
                        _STRONG_END.search(_TRAILING_BRACKET.sub("", u)) or u.startswith(("各", "有关", "相关"))
                        for u in units):
                    return list(units), m.group(0)
            pos = m.start() + 1
    return None


def _units_ok(units: list[str]) -> bool:
    """The words before a verb are a unit list (not a sentence that happens to end in 落实)."""
    return bool(units) and all(plausible_unit(u) for u in units) and (
        any(_has_head(u) or u.startswith(("各", "有关", "相关")) for u in units) or all(len(u) <= 12 for u in units))


# ── one clause ────────────────────────────────────────────────────────────────────────────────
_SUB_SEPS = ",;。"
_STRAY = re.compile(r"[、,\s]*、[、,\s]*")
_STRAY_HINT = re.compile(r"、[、, ]|[, ]、")


_WITH_AFTER_ROLE = re.compile(r"(?<=牵头|负责)会同")


# a contact written after a unit with a space between (责任单位:县教育局  联系人:张三  联系电话:138…): the person
# label opens a part of its own, read as people (see PERSON_LABEL), not as the rest of a unit's name
_CONTACT_AT = re.compile(r"(?<=\s)(?:联系人|联络人|联络员|责任人|负责人|经办人|联系电话|电话|手机|传真|邮箱)\s*:")


# A牵头、B配合 / A牵头 B配合 / A负责落实、B配合: a role verb followed by 、 or a space ends its group, and the next group
# (units and a verb of their own) is a sub-clause of its own — a unit never holds a role verb (see _verb_cuts)
_VERB_SEP_HINT = re.compile(r"[" + "".join(sorted(VERB_LAST)) + r"][、\s]")
_VERB_THEN_SEP = re.compile(r"(?:" + VERB + r")[、\s]+")


def _verb_cuts(s: str) -> list[int]:
    """Where a group ends at its role verb and a 、 or a space: the units before the verb are a unit list, and what
    follows is a group of its own (it holds a role verb, but does not open with one: A负责统筹、协调推进 stays)."""
    cuts: list[int] = []
    prev = 0
    for m in _VERB_THEN_SEP.finditer(s):
        head, rest = s[prev:m.start()].strip(" 、"), s[m.end():]
        if not head or not rest or _VERB_ANY.match(rest) or _VERB_ANY.search(rest) is None:
            continue
        units = split_units(_LEADING.sub("", head) if head[:1] in _LEADING_FIRST else head)
        if units and _units_ok(list(units)) and all(_has_head(u) or u.startswith(("各", "有关", "相关")) for u in units):
            cuts.append(m.end())
            prev = m.end()
    return cuts


def _subclauses(body: str) -> list[str]:
    """Sub-clauses split at , ; 。 (and before a second label) outside nested brackets."""
    if "、" in body and _STRAY_HINT.search(body):
        body = _STRAY.sub("、", body)
    body = body.strip("、 ")
    out: list[str] = []
    for s in split_top(body, _SUB_SEPS):
        s = s.strip(" 、\n")
        if not s:
            continue
        cuts = [m.start() for m in _LABEL_AT.finditer(s) if m.start() > 0] if ":" in s else []  # 完成时限: too
        if ":" in s and " " in s:  # 县教育局  联系人:张三  联系电话:… — a contact after a space is a part of its own
            cuts = sorted(cuts + [m.start() for m in _CONTACT_AT.finditer(s)])
        if "会同" in s:  # A牵头会同B推进…: 会同 after a role word opens a sub-clause of its own
            cuts = sorted(cuts + [m.start() for m in _WITH_AFTER_ROLE.finditer(s)])
        if ("、" in s or " " in s) and _VERB_SEP_HINT.search(s) is not None:
            cuts = sorted(cuts + _verb_cuts(s))
        prev = 0
        for c in cuts:
            if s[prev:c].strip(" 、"):
                out.append(s[prev:c].strip(" 、"))
            prev = c
        out.append(s[prev:].strip(" 、"))
    return [x for x in out if x]


@lru_cache(maxsize=None)
def label_role(label: str) -> tuple[Role, Qualifier]:
    """The role a label names: 牵头… leads; 配合/参与/协办… supports; 指导 guides; the rest answer for it."""
    if re.search("牵头|主责|主办", label):
        return "LEADS", "牵头"
    if re.search("配合|参与|参加|协办|协助|协同|协作|辅助|支持|其他", label):  # 支持单位 as in role tables  # 其他责任单位: the units beside the lead
        return "RESPONSIBLE_FOR", "配合"
    if re.search("指导|督导", label):
        return "RESPONSIBLE_FOR", "指导"
    return "RESPONSIBLE_FOR", "负责"


_WORK_AFTER_FUZE = ("负责统筹", "负责督促检查", "负责技术", "负责业务")


@lru_cache(maxsize=None)
def verb_role(verb: str) -> tuple[Role, Qualifier]:
    if verb.startswith(_WORK_AFTER_FUZE):
        return "RESPONSIBLE_FOR", "负责"  # 负责统筹协调 / 负责督促检查 / 负责技术指导: 负责 says the role, the rest the work
    for pat, role, qual in _ROLE_OF_VERB:
        if pat.search(verb):
            return role, qual
    return "RESPONSIBLE_FOR", "负责"


def parse_clause(body: str, first_leads: int, labelled: bool = False) -> Optional[RoleClause]:
    """Parse the inside of one bracket (or a labelled run); None when it is not a role clause."""
    clause = RoleClause(0, 0, body)
    if mode := first_leads_mode(body):
        clause.sets_first_leads = mode
        first_leads = max(first_leads, mode)
    reader = _ClauseReader(clause, first_leads)
    reader.read_all(body)
    return reader.finish(body, labelled)


class _ClauseReader:
    """Reads the sub-clauses of one clause in order into its assignments, deadline and problems; each read_*
    step takes the sub-clause (True) or leaves it to the next."""

    mode: Optional[tuple[Role, Qualifier]] = None  # the label a continuation group falls under
    found_role = False
    division = False  # a 部门分工: label was read: units with no verb of their own answer for it

    def __init__(self, clause: RoleClause, first_leads: int) -> None:
        self.clause = clause
        self.first_leads = first_leads
        self.pending: list[str] = []  # a comma group waiting for its verb
        self.skipped: list[str] = []  # parts before the first role word that were not read
        self.held: list[tuple[int, list[str], str]] = []  # units with a verb kg does not know (市教育局主抓)

    def read_all(self, body: str) -> None:
        """Read the sub-clauses in order; notes on the clauses (以下均由…负责, 下同) name no unit."""
        for sub in _subclauses(body):
            if "(" in sub and ":" in sub:  # 镇文旅办牵头(联系人:王五): whom to call, inside the part that names the unit
                sub = _CONTACT_NESTED.sub("", sub)
            flat = _NESTED.sub("", sub) if "(" in sub else sub  # a note in a nested bracket is not the sub-clause's
            if first_leads_note(flat) or _procedure(flat):
                continue
            if _is_note(flat) \
                    and not (flat[:2] == "其他" and LABEL_RE.match(flat)):  # 其他责任单位:A is a label, not a note
                if not self.found_role:
                    self.pending = []
                continue
            self._read_sub(sub)

    def _read_sub(self, sub: str) -> None:
        """One sub-clause that is no note: 会同B… after a role word, else its value by the first step that takes it."""
        if sub[:1] in "此该本这" and (this := _THIS_ITEM.match(sub)) is not None:
            sub = sub[this.end():]  # (此项工作由县市场监管局负责,…): the item's own work, then the clause
        if sub[:1] in _LEADING_FIRST:
            if sub[:2] == "会同" and self.found_role and self.read_with(sub[2:]):
                return
            sub = _LEADING.sub("", sub).strip(" 、")
        value = self._value(sub) if ":" in sub else sub
        if value is not None and not self._read_value(value):
            self._unread(value)

    def read_with(self, rest: str) -> bool:
        """由A牵头,会同B推进… — after a role word, the listed units after 会同 work with the unit before it (WITH_ROLE);
        what they do (推进项目审批) is the task's text, not role text. 会同B负责 / 会同B配合落实: the verb says the role."""
        got = with_units(rest)
        if got is None:
            return False
        units, work = got
        role, qual = verb_role(work) if work and _VERB_WHOLE.fullmatch(work) else WITH_ROLE
        self._assign(units, role, qual, "会同" + rest)
        return True

    def _unread(self, sub: str) -> None:
        """A part no step took: a problem after the first role word, skipped (for now) before it."""
        if self.found_role and sub:
            self.clause.problems.append(f"unrecognised part of a role clause: “{sub}”")
        elif sub:
            self.skipped.append(sub)

    def _read_value(self, sub: str) -> bool:
        """Read one sub-clause by the first step that takes it (each tried only when its cue is there)."""
        colon = ":" in sub
        if (colon or "为" in sub or "是" in sub) and self.read_deadline_label(sub):
            return True
        if (colon or sub[:2] in _WS_LABEL_HEADS) and self.read_label(sub, colon):
            return True
        if ("为" in sub or "是" in sub) and (self.read_label_is(sub) or self.read_as_label(sub)):
            return True
        if sub[-1:] in VERB_LAST and self.read_verb(sub):
            return True
        return self.read_object_or_deadline(sub) or self.read_units(sub)

    def _value(self, sub: str) -> Optional[str]:
        """What to read of a sub-clause with a colon: None for one that names people (牵头领导:王强 / 联系人:…) or
        only heads a block (职责分工:); 部门分工:省发展改革委牵头 — the value is read as a clause."""
        if PERSON_LABEL.match(sub):
            return None
        if "分工" in sub[:5] and (m := DIVISION_RE.match(sub)) is not None:
            sub = m.group(1).strip(" 、")
            if not sub:
                return None
            self.division = True
        return sub

    def _assign(self, units: list[str], role: Role, qual: Qualifier, sub: str) -> None:
        """The waiting comma group and `units` take the role; nothing waits after."""
        self.found_role = True
        _add(self.clause, self.pending + units, role, qual, self.first_leads, sub)
        self.pending = []

    def read_deadline_label(self, sub: str) -> bool:
        """完成时限:6月底前."""
        if (m := DEADLINE_LABEL_RE.match(sub)) is not None:
            self.clause.deadline = m.group(1).strip(" 。") or None
            return True
        return False

    def read_label(self, sub: str, colon: bool) -> bool:
        """牵头单位:A、B — and 责任单位:A、B按职责分工负责, where the label already says the role."""
        m = LABEL_RE.match(sub) if colon else None
        if m is None and sub[:2] in _WS_LABEL_HEADS:
            m = LABEL_WS_RE.match(sub)
        if m is None:
            return False
        role, qual = label_role(m.group(1))
        units_text = m.group(2)
        if units_text[:1] in _REFERENCE_FIRST and _REFERENCE.match(units_text.strip(" 。")):
            self.found_role = True  # 责任单位:同第一项 / 配合单位:无 — read, and no unit to name
            self.mode = (role, qual)
            return True
        tail = VERB_RE.match(units_text) if units_text[-1:] in VERB_LAST else None
        if tail and tail.group(1):
            units_text = tail.group(1)
            if (role, qual) == ("RESPONSIBLE_FOR", "负责"):  # 责任单位:A、B分别牵头 — the verb is more precise
                role, qual = verb_role(tail.group(2))
        self.mode = (role, qual)
        self._assign(split_units(units_text), role, qual, sub)
        return True

    def read_label_is(self, sub: str) -> bool:
        """牵头单位为A、B: read as 牵头单位:A、B."""
        if (m := LABEL_IS_RE.match(sub)) is None:
            return False
        return self.read_label(m.group(1) + ":" + m.group(2), True)

    def read_as_label(self, sub: str) -> bool:
        """A为牵头单位."""
        if (m := AS_LABEL_RE.match(sub)) is None or not m.group(1):
            return False
        units = split_units(m.group(1))
        if not _units_ok(units):
            return False
        role, qual = label_role(m.group(2))
        self._assign(units, role, qual, sub)
        return True

    def read_verb(self, sub: str) -> bool:
        """A、B负责 — or a bare verb taking the comma group before it."""
        m = VERB_RE.match(sub)
        if m is None or _deadline_only(sub):
            return False
        units_text, verb = m.group(1), m.group(2)
        if verb.endswith("为主") and "以" in units_text:
            return False  # (以乡镇卫生院和村卫生室为主) / (资金以县级政府为主): what the work relies on, no role
        if units_text[-1:] in _ADVERBIAL_LAST and (cut := _ADVERBIAL.search(units_text)) is not None:
            units_text = units_text[:cut.start()]  # 市发展改革委在项目审批上(给予支持): the unit, not where it acts
        units = split_units(units_text)
        if units and _units_ok(units) and not _holds_role_verb(units_text, units):
            role, qual = verb_role(verb)
            self.found_role = True
            _add_verb(self.clause, self.pending + units, units_text, role, qual, self.first_leads, sub)
            self.pending = []
            return True
        if units_text.strip(" ,、") or not (self.found_role or self.pending):
            return False
        self.found_role = True
        if self.pending:
            self._assign([], *verb_role(verb), sub)
        return True

    def read_object_or_deadline(self, sub: str) -> bool:
        """市消防救援支队配合做好相关工作 (the role verb takes an object), or the clause's deadline."""
        whole = _deadline_only(sub)
        if not whole and (vo := _verb_object(sub, self.found_role)) is not None:
            self._assign(vo[0], *verb_role(vo[1]), sub)
            return True
        dm = DEADLINE_RE.search(sub) if self.found_role and not whole else None
        if not whole and dm is None:
            return False
        when = dm.group(0) if dm is not None else sub
        clause = self.clause
        clause.deadline = f"{clause.deadline},{when}" if clause.deadline else when
        return True

    def read_units(self, sub: str) -> bool:
        """A list of units: held with a verb kg does not know, under the label before it, or waiting for a verb."""
        units = split_units(sub) if ":" not in sub else []
        if not units:
            return False
        if units[-1][-1:] in _VERB_TAIL_END and (cut := _unknown_verb(units[-1])) is not None \
                and _units_ok(units[:-1] + [cut[0]]):
            # 市教育局主抓: a verb kg does not know is never part of the unit, and the group does not wait
            # for (and take) the next group's verb: in a clause with a known role word elsewhere, the units
            # answer for the task, and the clause says so
            self.held.append((len(self.clause.assignments), self.pending + units[:-1] + [cut[0]], cut[1]))
            self.pending = []
            return True
        if not (_units_ok(units) and all(_has_head(u) or u.startswith(("各", "有关", "相关")) or len(u) <= 6
                                         for u in units)):
            return False
        if self.mode is not None:  # 责任单位:市A,各区B部门 — the label goes on over the comma
            _add(self.clause, units, self.mode[0], self.mode[1], self.first_leads, sub)
        else:
            self.pending.extend(units)
        return True

    def finish(self, body: str, labelled: bool) -> Optional[RoleClause]:
        """The clause, once every sub-clause is read; None when no role word was found."""
        clause = self.clause
        if self.division and self.pending:  # 责任分工:省发改委、省统计局 — the label says they answer for it
            self._assign([], "RESPONSIBLE_FOR", "负责", body)
        if self.found_role and self.held:
            self._release_held()
        if self.found_role and self.skipped:  # text before the first role word that named nothing kg could read
            clause.problems[:0] = [f"unrecognised part of a role clause: “{sub}”" for sub in self.skipped]
        if not self.found_role:
            # a labelled deadline line (完成时限:6月底前) belongs with the role lines around it
            return clause if labelled and clause.deadline and not clause.problems else None
        if self.pending:
            clause.problems.append(f"units with no role word: “{'、'.join(self.pending)}”")
        return clause

    def _release_held(self) -> None:
        """Units held with a verb kg does not know answer for the task, each where it was written."""
        clause = self.clause
        for at, units, verb in reversed(self.held):
            if verb in _SUPPORT_BESIDE and any(_ASKS.match(u) for u in units):  # 争取省科技厅支持: support asked for
                clause.problems.insert(0, f"“{units[-1]}{verb}”: support asked of a unit, not a role it is given: not read")
                continue
            if verb in _SUPPORT_BESIDE and all(_listed_unit(u) for u in units):
                # A负责,B支持: beside a role word kg knows, 支持 after a unit supports
                clause.assignments[at:at] = [Assignment(u, "RESPONSIBLE_FOR", "配合") for u in units]
                continue
            clause.assignments[at:at] = [Assignment(u, "RESPONSIBLE_FOR", "负责") for u in units]
            clause.problems.insert(0, f"unknown role word “{verb}” after “{units[-1]}”: read as 负责")


# 市住建局负责项目实施: the verb at the end (实施) is the object's; the role verb (负责) stands before it, after the unit
_ROLE_IN_UNIT = re.compile(r"负责")


def _holds_role_verb(units_text: str, units: Sequence[str]) -> bool:
    """A unit of the list holds a role verb after its first characters: the words are unit, verb and object, never
    units alone (read by read_object_or_deadline)."""
    return "负责" in units_text and any(
        (m := _ROLE_IN_UNIT.search(u, 2)) is not None and m.end() < len(u) for u in units)


# alone, 支持 is no role word ((资金支持) is a task's text); held beside one that is, it names a supporting unit
_SUPPORT_BESIDE = frozenset(("支持", "支撑", "协作"))
_ADVERBIAL = re.compile(r"(?<=[局委办厅署部门位府会室心队组司团院关行联社])(?:在|从|于)[^、,;()]{1,12}(?:上|中|方面|环节|领域)$")
_ADVERBIAL_LAST = frozenset("上中面节域")
_ASKS = re.compile(r"^(?:争取|请求|恳请|寻求|需要|得到|获得|依靠|依托|借助)")


def _add_verb(clause: RoleClause, units: list[str], units_text: str, role: Role, qual: Qualifier, first_leads: int,
              sub: str) -> None:
    """A会同B牵头: A leads, B answers for it with A."""
    if role == "LEADS" and "会同" in units_text and len(units) > 1:
        lead_n = len(split_units(units_text.split("会同", 1)[0]))
        lead_n += len(units) - len(split_units(units_text))  # units carried over from a comma group lead too
        clause.assignments.extend(Assignment(u, "LEADS", "牵头") for u in units[:lead_n])
        clause.assignments.extend(Assignment(u, *WITH_ROLE) for u in units[lead_n:])
        return
    if qual != "配合" and ("配合" in units_text or "协助" in units_text) and (pair := _support_between(units_text)):
        carried = units[:len(units) - len(split_units(units_text))]  # a comma group before takes the verb's role
        _add(clause, pair[0], "RESPONSIBLE_FOR", "配合", first_leads, sub)
        _add(clause, carried + pair[1], role, qual, first_leads, sub)
        return
    _add(clause, units, role, qual, first_leads, sub)


# 会同: the units after it work with the unit before it and answer for the task with it (A会同B牵头 / 由A牵头,会同B推进…);
# the corpus rules type 配合/参与/协助 as supporting and say nothing of 会同 — one place to change if they come to
WITH_ROLE: tuple[Role, Qualifier] = ("RESPONSIBLE_FOR", "负责")
_VERB_WHOLE = re.compile(VERB)
# what the units after 会同 go on to do: a role verb, or a verb of the work (会同市财政局研究制定… / 会同各区组织实施)
_WORK_START = re.compile(VERB + r"|(?:共同|联合|一起|协同|分别|及时|统筹|全力)?(?:推进|推动|组织|开展|实施|做好|抓好|研究|制定|"
                         r"制订|出台|建立|健全|完善|加强|加快|办理|编制|起草|部署|督促|指导|协调|落实|评估|审核|审查|修订|"
                         r"对|就|在|向|按)")


def with_units(text: str) -> Optional[tuple[list[str], str]]:
    """(units, work) for the words after 会同: the listed units it names (the last one glued to the work they do:
    市财政局、市税务局推进项目审批 → [市财政局, 市税务局], 推进项目审批); None unless every unit is a listed unit."""
    pieces = split_top(text, "、")
    last = pieces[-1]
    for i in range(2, len(last) + 1):
        head, work = last[:i], last[i:]
        unit = head.removesuffix("等")
        if (_LISTED_END.search(unit) or _LISTED_COLLECTIVE.match(unit)) and (not work or _WORK_START.match(work)):
            units = split_units("、".join(pieces[:-1] + [head]))
            listed = all(_listed_unit(u) or _LISTED_COLLECTIVE.match(u) for u in units)
            return (list(units), work) if units and listed else None
    return None
_SUPPORT_BETWEEN = re.compile(r"^(.+?)(?:配合|协助)(.+)$")


def _support_between(units_text: str) -> Optional[tuple[list[str], list[str]]]:
    """A配合B负责 / A协助B落实: A supports, B answers for it — the units on each side of the support verb, when A
    names units by their form (市财政局, 各乡镇) and B is a list of units (not 市教育局配合推进落实)."""
    m = _SUPPORT_BETWEEN.match(units_text)
    if m is None:
        return None
    a, b = split_units(m.group(1)), split_units(m.group(2))
    return (a, b) if a and all(map(listed_unit, a)) and _units_ok(b) and all(map(_has_head, b)) else None


_NESTED = re.compile(r"\([^()]*\)")
_CONTACT_NESTED = re.compile(r"\((?:联系人|联系电话|电话|手机|责任人|负责人|联络员)\s*:[^()]*\)")
_ROLE_MARK = re.compile(r"牵头|主责|负责|配合|协办|参与|协助|指导|(?:牵头|责任|配合|协办|参与|协助)(?:单位|部门)")
_MARKED_UNIT = re.compile(r"(.+?)\((" + _ROLE_MARK.pattern + r")\)")


# a post, or a post and a person's name (分管副省长, 协管副秘书长, 市政府副市长李四, 市卫生健康委主任): people, not
# organizations — read and skipped, the rest of the clause still counts
_POST = re.compile(r"(?:[省市县区州盟旗镇乡]长|秘书长|书记|主任|局长|厅长|部长|处长|科长|主席|常委|组长|总经理|董事长)"
                   r"(?:[\u4e00-\u9fff]{2,3})?$")
_POST_LAST = frozenset("长记任席委理")


_LEADER = re.compile(r"^(?:分管|主管|联系|包联|牵头)?(?:[省市县区镇乡]|市政府|县政府|区政府)?(?:级)?(?:分管|主管|联系|包联)?领导(?:同志)?$")


def _post(unit: str) -> bool:
    if unit[-1:] in "导志" and _LEADER.match(unit):  # 分管县领导 / 分管领导 / 市政府分管领导同志: people, not a unit
        return True
    if not ("长" in unit or "记" in unit or "任" in unit or "席" in unit or "委" in unit or "理" in unit):
        return False
    m = _POST.search(unit)
    return m is not None and (unit[-1] in _POST_LAST or not _has_head(unit[m.start() + 2:]))


def _add(clause: RoleClause, units: list[str], role: Role, qual: Qualifier, first_leads: int, sub: str) -> None:
    if not units:
        clause.problems.append(f"clause names no unit: “{sub}”")
        return
    if any(map(_post, units)):
        units = [u for u in units if not _post(u)]
    for k, unit in enumerate(units):
        mark = _MARKED_UNIT.fullmatch(unit) if unit.endswith(")") else None
        if mark:  # 责任单位:市发改委(牵头)、市财政局 — the unit marks its own role
            clause.assignments.append(Assignment(mark.group(1), *label_role(mark.group(2))))
            continue
        r: Role
        q: Qualifier
        if first_leads and role == "RESPONSIBLE_FOR" and qual == "负责":
            # first-listed-leads: the first unit of the clause, not of each comma group
            r, q = ("LEADS", "牵头") if k == 0 and not clause.assignments else \
                ("RESPONSIBLE_FOR", "配合" if first_leads == OTHERS_SUPPORT else "负责")
        else:
            r, q = role, qual
        clause.assignments.append(Assignment(unit, r, q))


# the same clause text recurs throughout a plan and across plans: parse each once (read-only results)
_parse_clause_cached = lru_cache(maxsize=65536)(parse_clause)


def _label_extent(text: str, start: int) -> int:
    """Where a labelled clause that starts at `start` ends: at 。, at the end of the text, or before an
    item marker that follows a space (a line break that was lost)."""
    m = _LABEL_END.search(text, start)
    return m.start() if m else len(text)


_LABEL_END = re.compile(r"。|\s+(?=(?:[一二三四五六七八九十]+、|\((?:[一二三四五六七八九十]+|\d{1,2})\)|\d{1,2}[.、](?!\d)|"
                        r"第[一二三四五六七八九十百]+条))|\n|(?=[(\[](?:" + LABEL + r")\s*:)" + r"|\s+(?=" + LABEL_WS + r"\s+\S)")
# 责任单位 县财政局 配合单位 县林业局: a label with a space instead of a colon after a space, on a labelled line
_WS_LABEL_AT = re.compile(r"(?<=\s)(" + LABEL_WS + r")\s+(?=\S)")
_SUB_UNIT_SPACE = re.compile(r"(?:" + SUB_UNIT_NOUNS + r"|处室)\s")
# the duty line's verb is its first word (负责统筹推进… answers for it; it does not lead)
DUTY_RE = re.compile(r"((?:[^:()\[\]。;,]|\([^():。;,]{1,10}\)){2,60}?)\s*:\s*(?:主要|具体|分别|共同|全面|统筹)?"
                     r"(牵头|负责|配合|协助|参与|指导)")  # 县水利局:主要负责… / A、B:分别负责…


def find_clauses(text: str, first_leads: int = 0) -> tuple[tuple[RoleClause, ...], int]:
    """All role clauses of a paragraph — bracketed and labelled — in text order, and whether
    first-listed-leads is on after it (cached: read-only)."""
    return _find_clauses(text, first_leads)  # one cache key however it is called (the outline asks first)


@lru_cache(maxsize=8192)
def _find_clauses(text: str, first_leads: int) -> tuple[tuple[RoleClause, ...], int]:
    found: list[RoleClause] = []
    groups = paren_groups(text) if ("(" in text or "[" in text) else []
    taken = 0  # where the last bracketed label's value ends: brackets inside it belong to it
    bare: set[int] = set()  # the bare unit lists found (their ids)
    for a, b in groups:
        if a < taken:
            continue
        inner = text[a + 1: b - 1]
        clause = _parse_clause_cached(inner, first_leads)
        if clause is None and _BRACKET_LABEL.match(inner):  # 【牵头单位】A、B: the bracket is the label, A、B after it
            clause, b = _bracket_label(text, groups, inner, b, first_leads)
            taken = b
        if clause is None:
            if mode := first_leads_mode(inner):
                first_leads = max(first_leads, mode)
                continue
            if _closes_deadline(text, found, a, inner):
                found[-1] = replace(found[-1], deadline=inner.strip())  # (A负责)(2024年6月底前)
                continue
            clause = _bare_clause(text, groups, a, b, inner, first_leads)
            if clause is None:
                continue
            clause = _placed(clause, a, b)
            bare.add(id(clause))
        else:
            clause = _placed(clause, a, b)
        if clause.sets_first_leads:
            first_leads = max(first_leads, clause.sets_first_leads)
        found.append(clause)
    _add_sentence_clauses(text, groups, first_leads, found)
    return _finished(text, found, bare, first_leads)


def _finished(text: str, found: list[RoleClause], bare: set[int], first_leads: int) -> tuple[tuple[RoleClause, ...], int]:
    """The clauses of a text as cached (a tuple, so no caller can change what the next one gets), and the mode after it:
    a bare unit list beside a role clause is what the task is about, not who answers for it ((市图书馆、市文化馆)…
    (市文广旅局牵头,…))."""
    if bare and len(bare) < len(found):
        found = [c for c in found if id(c) not in bare]
    if not found and (mode := first_leads_mode(text)):
        first_leads = max(first_leads, mode)
    return tuple(found), first_leads


# a label written as a bracket of its own: 【牵头单位】A、B 【配合单位】C 【完成时限】2024年底 (【】 is read as [])
_BRACKET_LABEL = re.compile(r"^\s*(?:" + _LABEL_CORE + r"\s*" + _LABEL_NOUN + r"|支持\s*(?:单位|部门)|完成时限|完成时间|完成期限|"
                            r"时限要求|时间节点)\s*$")  # with its noun: (牵头) after a unit is a role mark, not a label


def _bracket_label(text: str, groups: Sequence[tuple[int, int]], inner: str, b: int,
                   first_leads: int) -> tuple[Optional[RoleClause], int]:
    """The clause of a bracketed label and the value after it (up to the next bracketed label, a sentence end or
    the line's end), and where it ends."""
    end = _label_extent(text, b)
    nxt = next((a2 for a2, b2 in groups if a2 >= b and _BRACKET_LABEL.match(text[a2 + 1:b2 - 1])), end)
    end = min(end, nxt)
    value = text[b:end].strip(" ,;")
    clause = _parse_clause_cached(inner.strip() + ":" + value, first_leads, True) if value else None
    return (clause, b + len(text[b:end].rstrip(" ,;"))) if clause is not None else (None, b)


def _closes_deadline(text: str, found: list[RoleClause], a: int, inner: str) -> bool:
    """The bracket at `a` is a deadline alone right after a clause that has none: (A负责)(2024年6月底前)."""
    return bool(found) and found[-1].deadline is None and _deadline_only(inner.strip()) \
        and not text[found[-1].end:a].strip(" ,。;")


def _bare_clause(text: str, groups: Sequence[tuple[int, int]], a: int, b: int, inner: str,
                 first_leads: int) -> Optional[RoleClause]:
    """(市发展改革委、市统计局) closing a sentence — `inner`, the bracket text[a:b] without its brackets: a bare
    list of units answers for it."""
    if not (inner[-1:] in _BARE_LAST or "," in inner or ";" in inner) or not (
            text[b:b + 1] in _BARE_AFTER or _bare_follows(text, groups, b, first_leads)):
        return None
    clause = _bare_list(inner, first_leads)
    if clause is None or _explains(text, a, len(clause.assignments), clause.text):
        return None
    return clause


def _add_sentence_clauses(text: str, groups: Sequence[tuple[int, int]], first_leads: int, found: list[RoleClause]) -> None:
    """The clauses written outside brackets — labelled runs (牵头单位:A) and 为-sentences (A为牵头单位) — in
    text order among the bracketed ones."""
    if (":" in text and _colon_outside(text, groups)) or LABEL_WS_RE.match(text):
        found.extend(_labelled(text, groups, first_leads))
        found.sort(key=lambda c: c.start)
    if as_label_hint(text):
        found.extend(_as_label_sentences(text, groups, first_leads))
        found.sort(key=lambda c: c.start)
    if verb_hint(text) or as_label_hint(text):  # …负责。 / 牵头单位为A。
        taken = [(c.start, c.end) for c in found]
        more = [c for c in _verb_sentences(text, first_leads) if not any(a < c.end and c.start < b for a, b in taken)]
        if more:
            found.extend(more)
            found.sort(key=lambda c: c.start)


# A whole sentence outside brackets that is nothing but a verb-form clause: 县发改局牵头,县公安局、县财政局按职责分工
# 负责。 Strict as a bare bracket list is: every unit a listed unit (a head noun or a 各/X直 collective), so that
# 各地要按职责分工负责 or 加快推进,县发改局负责 (a sentence with more than the clause) stays text.
_VERB_HINT = re.compile(r"牵头|负责|配合|协助|参与|指导|(?:落实|实施|抓总)(?=[。;!\n]|$)")  # cheap: a paragraph may hold one
# the sentence ends in its verb: 县政府负责领导…实施工作 is a duty, not a clause; 各乡镇具体实施 / 按职责分工抓好落实 end one
# (市教育局负责组织实施。 closes a plan: no clause of its last item)
_VERB_END = re.compile(r"(?:(?:牵头|负责|配合|协助|参与|指导)(?:落实|实施)?|(?:抓好|具体|分工|分头)?落实|(?:具体|分工|分头)实施|牵头抓总)$")
_VERB_END_LAST = frozenset("头责合助与导实施总")
_SENTENCE = re.compile(r"[^。;!?\n]+")
_SENTENCE_AFTER = frozenset(("", "。", ";", "!", "\n"))


def verb_hint(text: str) -> bool:
    """A role verb somewhere in the text: only then can a sentence of it be a clause."""
    return _VERB_HINT.search(text) is not None


_URGE_GUIDE = tuple(a + b + "指导" for a in ("加强", "做好", "强化") for b in ("", "技术", "业务"))


def _verb_sentences(text: str, first_leads: int) -> list[RoleClause]:
    out: list[RoleClause] = []
    for m in _SENTENCE.finditer(text):
        a, b = m.span()
        if text[b:b + 1] not in _SENTENCE_AFTER or (a and text[a - 1] not in "。;!\n"):
            continue  # a sentence whole: it starts and ends at a sentence end
        body = m.group().strip()
        if body.endswith(_URGE_GUIDE):
            continue  # 市住建局加强指导。 in prose urges; in a bracket it is a clause
        if body[:1] in _MARKER_FIRST and (mark := _ITEM_MARKER.match(body)) is not None:
            body = body[mark.end():]  # 1.市发展改革委负责…,市财政局配合。: the item's marker is not the unit's
        if body[:1] in "此该本这" and (this := _THIS_ITEM.match(body)) is not None:
            body = body[this.end():]  # 此项工作由县农业农村局负责,各乡镇配合。: the item's own work, then the clause
        if not _clause_sentence(body):
            continue
        scope = _scope_at(body) if (",以上" in body or ",上述" in body) else None
        clause = _parse_clause_cached(body if scope is None else scope[1], first_leads)
        if clause is None or not clause.assignments or clause.problems or \
                not all(_listed_unit(x.unit) or _LISTED_COLLECTIVE.match(x.unit) for x in clause.assignments) or \
                all(_collective(x.unit) for x in clause.assignments):
            continue  # 各区 / 各县 are listed collectives, however short; a sentence of collectives alone is prose
            # (各成员单位按职责分工抓好落实。 / 各县(市、区)人民政府、市直各单位抓好落实。 urge, they assign nothing)
        start = a + m.group().index(body) + (scope[0] if scope else 0)
        body = body if scope is None else body[scope[0]:]
        out.append(RoleClause(start, start + len(body), clause.text, clause.assignments, clause.deadline,
                              clause.sets_first_leads, clause.problems, "sentence"))
    return out


# 此项工作由… / 该项任务统一由…: the sentence's subject is the item itself, the clause follows
_THIS_ITEM = re.compile(r"^(?:此|该|本|这)(?:项|一)?(?:工作|任务|措施|事项)(?:中|上)?,?(?=(?:均|统一|具体|主要)?由)")


def _scope_at(body: str) -> Optional[tuple[int, str]]:
    """开展专项检查,建立台账,以上工作由县市场监管局负责: a look-back scope after a comma closes the item's own sentence, so
    the clause is the item's, from the scope on (the title ends before it): where the scope starts and the clause's
    text with the scope blanked; None when no comma opens a scope."""
    for k in (i + 1 for i, ch in enumerate(body) if ch == "," and body[i + 1:i + 3] in ("以上", "上述")):
        if (tail := looking_back(body[k:])) is not None:
            return k, tail.strip()
    return None


_ITEM_MARKER = re.compile(r"^(?:\((?:[一二三四五六七八九十]+|\d{1,2})\)|[一二三四五六七八九十]+、|\d{1,2}[.、](?!\d)|"
                          r"第[一二三四五六七八九十百]+条)\s*")
_MARKER_FIRST = frozenset("(一二三四五六七八九十0123456789第")


def _clause_sentence(body: str) -> bool:
    """The sentence has a clause's form: it ends in its verb (…分工负责), is labels with 为 (牵头单位为A,配合单位为B),
    or opens with a lead that brings others in (由A牵头,会同B推进…: what follows the units is the task's text)."""
    return bool(body) and ((body[-1] in _VERB_END_LAST and _VERB_END.search(body, max(0, len(body) - 6)) is not None)
                           or (("为" in body or "是" in body) and LABEL_IS_RE.match(body) is not None)
                           or ("会同" in body and _WITH_SENTENCE.match(body) is not None))


# 由A牵头,会同B… / A牵头会同B…: the lead and the 会同 units open the sentence, nothing else before them
_WITH_SENTENCE = re.compile(r"^由?[^,;:()]{2,60}?(?:牵头|负责)(?:负责)?,?会同")


def _collective(unit: str) -> bool:
    return default_tables().is_collective(unit) or _LISTED_COLLECTIVE.match(unit) is not None


# A bracket that closes a sentence and holds nothing but units (and maybe a deadline) names who answers for
# it: every element ends in an organization's head noun (or is a 各/X直 collective) and one at least names
# its place. Strict on purpose: (APP), (含电子社保卡), (自治区、直辖市), (省、市、县), (如学校、医院) stay text.
_LISTED_END = re.compile(r"(?:局|委|办|厅|署|(?<![东西南北中内外全局总干基])部|部门|单位|政府|管委会|委员会|办公室|中心|支队|总队|"
                         r"大队|党委|党组|公司|集团|法院|检察院|海关|银行|分行|支行|工会|妇联|团委|科协|残联|侨联|文联|"
                         r"工商联|红十字会|联社|指挥部|领导小组|专班|研究室|督查室|总局|团中央|(?:消|计生)协|协会|社科联|贸促会|"
                         r"慈善总会|(?:证|银保)监会|(?:供销|合作|新华)社|党校|(?:科学|社科|保健|研究)院|大学|学院|"
                         r"(?:档案|图书|博物|文化)馆|调查队|(?:总|电视)台)$")
# a national body names no place (教育部, 税务总局, 海关总署): its form stands for one
_NATIONAL = re.compile(r"^(?![各全本该有相如含])[\u4e00-\u9fff]{2,9}(?<![东西南北中内外全局总干基支分本乐])(?:部|总局|总署)$|^审计署$|^新华社$")
_LISTED_COLLECTIVE = re.compile(r"^(?:各(?:有关|相关)?(?:省|市|县|区|州|乡镇|街道|镇街|县区|区县|县市区|市州|乡|镇|"
                                r"县\(市、区\)|乡镇\(街道\)|县\(区\)|区\(县\))|(?:省|市|县|区)直(?:各|有关|相关)?(?:部门|单位))$")
_PLACE_MARK = re.compile(r"^(?:省|市(?!民|场)|县|区|州|盟|旗|镇|乡|街道|各|国家|国务院|中央|全国|中共|共青团|团|中国|最高)|"
                         r"^[\u4e00-\u9fff]{2,8}?(?:省|市|县|区|州|盟|旗)")
_NOT_LISTED = ("如", "含", "例如", "比如", "包括", "即", "主要", "涉及", "不含", "除", "简称", "以下", "其中",
               "(", "[")  # (一)市发展改革委: an item's marker, not a unit's first character
_BARE_LAST = frozenset("局委办厅署部门位府会室心队组司团院关行联社班区道镇街州协校馆学台央)进前底成完年月期持")
_BARE_AFTER = frozenset(("", "。", ";", "\n", " "))


def _bare_follows(text: str, groups: Sequence[tuple[int, int]], b: int, first_leads: int) -> bool:
    """(市委宣传部)(市融媒体中心) closing a sentence: a bare list right before another that closes it."""
    nxt = next(((a2, b2) for a2, b2 in groups if a2 == b), None)
    return nxt is not None and text[nxt[1]:nxt[1] + 1] in _BARE_AFTER and _bare_list(text[b + 1:nxt[1] - 1],
                                                                                        first_leads) is not None


# what comes right before a bracket that makes it an explanation, not a clause: a count (确定试点医疗集团2个(A、B)),
# a person's name (王  强(市卫生健康委主任), 赵  敏(市医保局)), an organization named by one other name
# (设在市发展改革委(市营商环境办), 报市政府(市政府督查室))
_COUNT_BEFORE = re.compile(r"(\d+|[一二两三四五六七八九十])\s*(?:个|家|所|项|名|座|条|批|类|处|支|户|位|种)$")
_HAN_COUNT = {c: k for k, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}
_NAME_BEFORE = re.compile(r"(?:^|:)\s*[\u4e00-\u9fff](?:\s*[\u4e00-\u9fff]){1,2}$")
# a roster, a contact or an annex line: its brackets name people's units or an annex's source, never a clause
_ROSTER_LINE = re.compile(r"^\s*(?:[^:]{0,8}(?:组长|成员|召集人|联系人|联络员|负责人|责任人|领导|电话)\s*:|附件)")


_CITED = ("》", "公告", "通知", "批复", "决定", "令", "函")
_CITED_ABOUT = ("意见", "办法", "规定", "细则", "规划", "纲要", "措施", "方案", "计划", "政策")  # after 关于…


def _explains(text: str, a: int, n_units: int, listed: str) -> bool:
    """The bare list at `a` (`listed`, of n_units units) explains what stands right before it (or its line is a roster, a
    contact or an annex)."""
    line = text.rfind("\n", 0, a) + 1
    before = text[line:a].rstrip()
    if not before:
        return False
    if _ROSTER_LINE.match(before) or _NAME_BEFORE.search(before) or before.endswith(_CITED) or (
            before.endswith(_CITED_ABOUT) and "关于" in before):
        return True  # …的公告(财政部、税务总局): the issuers of a document cited, not who answers for a task
    if before[-1] in "个家所项名座条批类处支户位种" and (m := _COUNT_BEFORE.search(before)) is not None:
        # 确定试点医疗集团2个(A、B) lists the 2; 完成改造10座(县交通运输局) names who does it
        n = int(m.group(1)) if m.group(1).isdigit() else _HAN_COUNT[m.group(1)]
        return n == n_units or listed.rstrip(" ;,").endswith("等")
    # one unit right after an organization's name is that organization's other name (or its part); n units right
    # after a list of n organizations' names gloss them one by one (报市委、市政府(市委办公室、市政府办公室))
    if n_units == 1:
        return _LISTED_END.search(before) is not None
    if "、" not in before or _LISTED_END.search(before) is None:
        return False
    items = re.split(r"[,;:。\s]", before)[-1].split("、")
    return len(items) >= n_units and all(_LISTED_END.search(x) is not None for x in items[-n_units:])


def listed_unit(u: str) -> bool:
    """An organization's name by its form: a place and a head noun (市商务局), or a 各/X直 collective."""
    return _listed_unit(u)


# A part of a plan headed by the units that answer for it (一、县科协 / 1.牵头组织… / 2.配合县教体局…): each item
# below is theirs, and the verb it opens with says how — 牵头 leads, 配合/协助/参与 supports, 指导 guides, any
# other answers for it (统筹推进… is a duty, not a lead).
_ITEM_VERB = re.compile(r"(?:主动|积极|具体|负责)?(?:(牵头)|(配合|协助|参与|参加)|(督促指导|指导|督促))")


def heading_units(title: str) -> Optional[list[str]]:
    """The units a heading names when it is nothing but listed units (县科协 / 县发改局、县财政局)."""
    t = title.strip().rstrip("。:")
    if t[-1:] == ")" and (m := _HEADING_MARK.search(t)) is not None:  # 县市场监管局(牵头单位): see heading_mark
        t = t[:m.start()].rstrip()
    if t[-1:] in "责务" and (m := _DUTY_SUFFIX.search(t)) is not None:  # 县卫生健康局职责 / 县公安局承担的任务
        t = t[:m.start()]
    if not 3 <= len(t) <= 60 or t[-1] not in _UNIT_LAST or any(ch in t for ch in ",;。:[]") or (
            "(" in t and "(" in _PLACES_BRACKET.sub("", t)):  # 各县(市、区)人民政府, not 县市场监管局(2项)
        return None
    units = split_units(t)
    return units if _placed_units(units) else None  # 一网通办 ends as a unit does: no place, no unit


# a unit heading that marks its units' role: 县市场监管局(牵头单位) / 县教育局、县科协(配合)
_HEADING_MARK = re.compile(r"\((" + _ROLE_MARK.pattern + r")\)$")


def heading_mark(title: str) -> Optional[tuple[Role, Qualifier]]:
    """The role a unit heading's mark gives its units over the items below it (县市场监管局(牵头单位) leads them,
    县教育局(配合) supports them); None for a heading without one (its units answer for the items)."""
    m = _HEADING_MARK.search(title.strip().rstrip("。:"))
    return label_role(m.group(1)) if m is not None else None


def _placed_units(units: list[str]) -> bool:
    """Every one a listed unit that names its place, or a 各/X直 collective: what a heading or a prose duty needs to
    be read as naming units."""
    return bool(units) and all((_listed_unit(u) and _PLACE_MARK.match(u)) or _LISTED_COLLECTIVE.match(u) for u in units)


_DUTY_SUFFIX = re.compile(r"(?:的)?(?:主要|工作|重点)?(?:职责|任务)$|承担的(?:工作|重点)?任务$|(?:工作)?职责(?:分工|任务)$")
_UNIT_LAST = frozenset("局委办厅署部门位府会室心队组司团院关行联社协班区县市镇乡道")  # how a listed unit can end: cheap
_PLACES_BRACKET = re.compile(r"\((?:[省市县区乡镇街道旗州]|、)+\)")
_ROLE_OPENING = re.compile(r"(?:主动|积极|具体)?(?:牵头|负责|配合|协助|参与|参加|指导|承担|会同|督促)")


def duty_opening(text: str) -> bool:
    """The item opens with a role verb (牵头… / 负责… / 配合…): what makes the items under a unit heading its duties
    rather than a roster, a list of its bodies or of what is built there."""
    return _ROLE_OPENING.match(text) is not None


def not_a_duty(text: str) -> bool:
    """An item under a unit heading that is no duty of it: a unit's name, a person or a post (组长:张三, 王五,科长,
    电话…), or a call on others (各单位要高度重视…)."""
    t = text.rstrip("。")
    return (":" in t[:12] or t.startswith(("各", "全", "有关", "相关")) or _PHONE.search(t) is not None or _listed_unit(t)
            or PERSON_LABEL.match(t) is not None or PERSON.search(t.split(",")[0]) is not None)


_PHONE = re.compile(r"\d{7,}|电话|手机")


def bracket_deadline(text: str) -> Optional[str]:
    """The deadline a bracket of the text states alone ((完成时限:2024年6月底) / (2024年12月底前))."""
    for a, b in paren_groups(text) if "(" in text or "[" in text else ():
        inner = text[a + 1:b - 1].strip()
        if (m := DEADLINE_LABEL_RE.match(inner)) is not None:
            return m.group(1).strip(" 。") or None
        if _deadline_only(inner):
            return inner
    return None


def item_role(text: str, heading: tuple[Role, Qualifier] = ("RESPONSIBLE_FOR", "负责")) -> tuple[Role, Qualifier]:
    """The role an item under a unit heading gives the heading's units, by the verb the item opens with; an item
    whose verb says no role takes the heading's (its mark's: 县市场监管局(牵头单位) / 1.开展… leads)."""
    m = _ITEM_VERB.match(text)
    if m is None:
        return heading
    return ("LEADS", "牵头") if m.group(1) else ("RESPONSIBLE_FOR", "配合") if m.group(2) else ("RESPONSIBLE_FOR", "指导")



def _core(u: str) -> str:
    """The unit without a bracket at its end (市委宣传部(市新闻出版局) → 市委宣传部)."""
    return _TRAILING_BRACKET.sub("", u) if u.endswith(")") else u


def _listed_unit(u: str) -> bool:
    core = _core(u)
    return (len(u) >= 3 and plausible_unit(u) and not u.startswith(_NOT_LISTED)
            and (_LISTED_END.search(core) is not None or _LISTED_COLLECTIVE.match(u) is not None))


@lru_cache(maxsize=4096)
def _bare_list(inner: str, first_leads: int) -> Optional[RoleClause]:
    """The clause of a bracket that holds only units (市发展改革委、市统计局,各县、区人民政府;持续推进): they answer
    for it, or with first-listed-leads on the first of them leads. None when anything in it is not a unit."""
    got = _bare_units(inner, _listed_unit, institutions=first_leads > 0)
    if got is None:
        return None
    units, deadline = got
    clause = RoleClause(0, 0, inner, deadline=deadline)
    _add(clause, units, "RESPONSIBLE_FOR", "负责", first_leads, inner)
    return clause


# bodies that are examples or objects of a task far more often than who answers for it (新建一批场馆（市图书馆、市文化馆）,
# 支持高校（市职业技术学院）, news tags （新华社）): a bare list of only these is a clause only under first-listed-leads
_INSTITUTION_END = re.compile(r"(?:大学|学院|学校|(?:档案|图书|博物|文化|纪念|美术|科技)馆|(?:科学|社科|保健|研究|医)院|协会|"
                              r"支部|新华社|(?:总|电视)台)$")


def _bare_units(inner: str, unit_ok: Callable[[str], bool],
                institutions: bool = False) -> Optional[tuple[list[str], Optional[str]]]:
    """The units of a bracket of nothing but units, each passing `unit_ok`, one at least a listed unit that names
    its place (or a national body), and its deadline; a trailing note (以下均需…,不再列出) is none of them."""
    if len(inner) > 150:
        return None
    subs = _subclauses(inner)
    deadline = None
    if len(subs) > 1 and (m := DEADLINE_LABEL_RE.match(subs[-1])) is not None:  # (A、B;完成时限:2024年底)
        deadline = m.group(1).strip(" 。") or None
        subs.pop()
    elif len(subs) > 1 and _deadline_only(subs[-1]):
        deadline = subs.pop()
    while len(subs) > 1 and _is_note(subs[-1]):  # (A、B。以下均需…,不再列出)
        subs.pop()
    if any(":" in sub for sub in subs):
        return None
    units: list[str] = []
    for sub in subs:
        got = split_units(sub)
        if not got or not all(map(unit_ok, got)):
            return None
        units.extend(got)
    if not any(_PLACE_MARK.search(u) or _NATIONAL.match(u) for u in units if _listed_unit(u)) or not any(
            _LISTED_END.search(_core(u)) for u in units):
        return None
    if not institutions and all(_INSTITUTION_END.search(_core(u)) for u in units):
        return None
    return units, deadline


def _unit_like(u: str) -> bool:
    """A noun phrase with a unit's head noun: what a bare list kg cannot read may still hold (某某研究会)."""
    return plausible_unit(u) and _has_head(u) and not u.startswith(_NOT_LISTED)


@lru_cache(maxsize=4096)
def _bare_like(inner: str) -> int:
    """How many units a bracket holds that reads as a bare list, -1 for none (see bare_list_like)."""
    got = _bare_units(inner, _unit_like)
    return -1 if got is None else len(got[0])


# cheap: a bracket that ends in the last character of a unit's head noun (HEAD) and closes a sentence
_HEAD_LAST = "".join(sorted({w[-1] for w in HEAD.pattern[3:-2].split("|")}))
_BARE_HINT = re.compile(r"[" + _HEAD_LAST + r"]\)(?=[。;\s]|$)")


def bare_list_hint(text: str) -> bool:
    """The text may hold a bare unit list (one regex search; bare_list_like says for each bracket)."""
    return ")" in text and _BARE_HINT.search(text) is not None


def bare_list_like(text: str, a: int, b: int) -> bool:
    """The bracket text[a:b] closes a sentence and holds what reads as units, one at least a placed listed unit, and
    glosses nothing before it: role text, read or not — so a unit kg does not know cannot drop it silently."""
    inner = text[a + 1:b - 1]
    if text[b:b + 1] not in _BARE_AFTER or inner[-1:] not in _HEAD_LAST and "," not in inner and ";" not in inner:
        return False
    n = _bare_like(inner)  # one unit alone ((新华社) / (教育部) after a news item) is no sign of a clause kg missed
    return n > 1 and not _explains(text, a, n, inner)


def _placed(c: RoleClause, a: int, b: int) -> RoleClause:
    """The cached clause at its place in a paragraph (dataclasses.replace is slow on the hot path)."""
    return RoleClause(a, b, c.text, c.assignments, c.deadline, c.sets_first_leads, c.problems, c.kind)


def _colon_outside(text: str, groups: Sequence[tuple[int, int]]) -> bool:
    """A colon outside every bracket: only then can a labelled clause stand in the running text."""
    pos = 0
    for a, b in groups:
        if ":" in text[pos:a]:
            return True
        pos = b
    return ":" in text[pos:]


def _inside(groups: Sequence[tuple[int, int]], i: int) -> bool:
    return any(a <= i < b for a, b in groups)


def _labelled(text: str, groups: Sequence[tuple[int, int]], first_leads: int) -> list[RoleClause]:
    out: list[RoleClause] = []
    pos = 0
    if LABEL_WS_RE.match(text) and not LABEL_START.match(text):  # 责任单位 县发改局 at the start of a line
        b = _label_extent(text, 0)
        body = text[:b].rstrip(" ,;")
        clause = _parse_clause_cached(body, first_leads, True)
        if clause is not None:
            out.append(replace(clause, start=0, end=len(body), kind="label"))
        pos = b
    spaced = "单位 " in text or "部门 " in text or "主体 " in text or _SUB_UNIT_SPACE.search(text) is not None  # cheap
    while True:
        m = label_search(text, pos)
        w = _WS_LABEL_AT.search(text, pos, m.start() if m else len(text)) if spaced else None
        m = w or m  # the next label, with a colon or a space
        if m is None:
            break
        a = m.start(1)
        if _inside(groups, a):
            pos = m.end()
            continue
        b = _label_extent(text, m.end())
        body = text[a:b].rstrip(" ,;")
        clause = _parse_clause_cached(body, first_leads, True)
        if clause is not None:
            out.append(replace(clause, start=a, end=a + len(body), kind="label"))
        pos = max(b, m.end())
    return out


# 1.县民政局。负责统筹协调… : the unit names alone make the first sentence, the next opens with 负责/牵头
DUTY_STOP_RE = re.compile(r"((?:[^:()\[\]。;,\s]|\([^():。;,]{1,10}\)){3,40}?)。\s*(牵头|负责)")


def _duty_stop(text: str, pos: int) -> Optional[RoleClause]:
    m = DUTY_STOP_RE.match(text, pos)
    if m is None:
        return None
    units = split_units(m.group(1))
    if not units or not all(map(_listed_unit, units)) or any(PERSON.search(u) for u in units):
        return None
    role, qual = verb_role(m.group(2))
    clause = RoleClause(pos, m.end(2), text[pos: m.end(2)], kind="duty")
    _add(clause, units, role, qual, False, m.group(0))
    return clause


# 此项工作县民政局为牵头单位,县财政局为配合单位。: a sentence of the running text that says who leads and who supports
AS_LABEL_SENTENCE = re.compile(r"(?:^|(?<=[。;!?]))\s*(?:(?:此项|该项|本项|这项|以上|上述|各项)?工作(?:中|上)?,?|其中,?)?"
                               r"([^。;!?()\[\]:]{2,150}?为(?:" + LABEL + r"))(?=[。;!?]|\s*$)")


def as_label_hint(text: str) -> bool:
    """Cheap: the text may hold a running-text 为牵头单位 sentence."""
    return "为" in text and ("单位" in text or "部门" in text)


def _as_label_sentences(text: str, groups: Sequence[tuple[int, int]], first_leads: int) -> list[RoleClause]:
    out: list[RoleClause] = []
    for m in AS_LABEL_SENTENCE.finditer(text):
        a = m.start(1)
        if _inside(groups, a):
            continue
        clause = _parse_clause_cached(m.group(1), first_leads)
        if clause is not None and clause.assignments:
            out.append(replace(clause, start=a, end=m.end(1), kind="label"))
    return out


def duty_clause(text: str, pos: int = 0) -> Optional[RoleClause]:
    """A duty line of a 职责分工 block: "发改部门:负责…" names the unit before the colon; `pos` is where the line's
    text starts after its item marker ((一)县教育和体育局:负责… / 1.县公安局:负责…). "1.县民政局。负责…" too: the
    first sentence names units and nothing else, the next opens with 负责/牵头."""
    if ":" not in text[pos:pos + 62]:
        if "。负" in text[pos:pos + 44] or "。牵" in text[pos:pos + 44]:
            return _duty_stop(text, pos)
        return None
    m = DUTY_RE.match(text, pos)
    if m is None or LABEL_RE.match(text, pos):
        return None
    units = split_units(m.group(1))
    if not _units_ok(units) or len(m.group(1)) > 40 or any(PERSON.search(u) for u in units):
        return None
    role, qual = verb_role(m.group(2))
    clause = RoleClause(pos, m.end(2), text[pos: m.end(2)], kind="duty")
    _add(clause, units, role, qual, False, m.group(0))
    return clause


# A 职责分工 block written as prose: 县生态环境局负责农村生活污水治理工作。县财政局负责落实整治资金。 — each sentence
# that opens with units (listed, with their place) and a role verb is one unit's duty (read only inside such a block)
_DUTY_SENTENCE = re.compile(r"([^。;,:()]{3,40}?)(牵头负责|牵头|负责|承担|配合|协助|参与)")
_SENTENCE_SPAN = re.compile(r"[^。;]+[。;]?")


def duty_sentence(text: str, pos: int = 0) -> Optional[RoleClause]:
    """The duty a sentence of a prose 职责分工 block states: its units and the role of its opening verb, or None."""
    m = _DUTY_SENTENCE.match(text, pos)
    if m is None:
        return None
    units = split_units(m.group(1))
    if not _placed_units(units):
        return None
    role, qual = verb_role(m.group(2))
    clause = RoleClause(pos, m.end(2), text[pos:m.end(2)], kind="duty")
    _add(clause, units, role, qual, False, m.group(0))
    return clause


def duty_sentences(text: str) -> list[tuple[int, int]]:
    """The spans of a paragraph's duty sentences when it opens with one (see duty_sentence): each runs to the next,
    so a sentence that states no duty stays with the duty before it."""
    starts = [m.start() for m in _SENTENCE_SPAN.finditer(text) if duty_sentence(text, m.start()) is not None]
    if not starts or starts[0] != 0:
        return []
    return list(zip(starts, starts[1:] + [len(text)]))


_PLACEHOLDER = re.compile(r"^[\s/／\\\-—─–~～无暂无]*$")
_CELL_VERB = re.compile(r"(?:" + VERB + r")$")


_MARKED = re.compile(r"^(.*?)\((牵头|主责|负责|配合|协办|参与|协助|指导)\)$")


def cell_assignments(text: str, role: Role, qualifier: Qualifier, first_leads: int = 0) -> list[Assignment]:
    """The units of a table's role cell, with their roles. The column header is the cell's label; a cell may
    still say more: "市发改委(牵头)、市财政局", "牵头单位:A 配合单位:B", "A牵头,B配合". 、 , ; and line
    breaks separate units; "/" or "—" means none."""
    if _PLACEHOLDER.match(text):
        return []
    if (joined := _verb_groups(text)) is not None and (clause := parse_clause(joined, first_leads)) is not None \
            and clause.assignments:
        return _first_per_unit(list(clause.assignments))
    out: list[Assignment] = []
    for line in _cell_lines(text):
        clause = parse_clause(line, first_leads)
        if _says_more(clause, line, role, qualifier):
            assert clause is not None
            out.extend(clause.assignments)
        else:
            _add_cell_units(out, line, role, qualifier, first_leads)
    return _first_per_unit(out)


# what parts a cell's verb groups: a line break, a ; or a space (a full-width one is a space by now)
_GROUP_BREAK = re.compile(r"\s*;\s*|\s+")


def _verb_groups(text: str) -> Optional[str]:
    """The cell as one clause, its groups joined by commas (A牵头,B、C配合), when it is two or more groups split by
    a line break, a ; or a space, each units and a role verb (县卫生健康局牵头⏎县公安局、县商务局配合 / A牵头;B配合 /
    A牵头　B配合): a text line reads these breaks so, and line by line each group took the column's role. None
    for any other cell (units one a line with no verb stay the column's)."""
    if not ("\n" in text or ";" in text or " " in text) or not _CELL_VERB.search(text.rstrip()):
        return None
    parts = [p for p in _GROUP_BREAK.split(text.strip()) if p]
    if len(parts) < 2 or not all((m := VERB_RE.match(p)) is not None and m.group(1).strip(" 、,") for p in parts):
        return None
    return ",".join(parts)


def _cell_lines(text: str) -> list[str]:
    """The cell's non-empty lines (a line of two spaces or more is a break too), none a placeholder."""
    lines = re.split(r"\n+|\s{2,}", text)
    if "(" in text or "（" in text:
        lines = _join_bracket_lines(lines)
    stripped = (line.strip() for line in lines)
    return [line for line in stripped if line and not _PLACEHOLDER.match(line)]


def _says_more(clause: Optional[RoleClause], line: str, role: Role, qualifier: Qualifier) -> bool:
    """The line is a clause of its own: labels that differ from the column's (牵头单位:A 配合单位:B) or role
    verbs between commas (A牵头,B配合)."""
    if clause is None or not clause.assignments:
        return False
    if any((a.role, a.qualifier) != (role, qualifier) for a in clause.assignments) and ":" in line:
        return True
    return bool(_CELL_VERB.search(line)) and "," in line


def _add_cell_units(out: list[Assignment], line: str, role: Role, qualifier: Qualifier, first_leads: int) -> None:
    """The units of one line under the column's role: a unit marked 市发改委(牵头) takes its mark's role; with
    first-listed-leads, the cell's first unit leads."""
    if _CELL_VERB.search(line) and len(line) > 4:
        stripped = _CELL_VERB.sub("", line)
        if split_units(stripped):
            line = stripped
    for unit in split_units(line) if "(" not in line else _split_marked(line):
        m = _MARKED.match(unit)
        if m:
            r, q = label_role(m.group(2))
            out.append(Assignment(m.group(1).strip(UNIT_TRIM), r, q))
        elif first_leads and (role, qualifier) == ("RESPONSIBLE_FOR", "负责"):
            out.append(Assignment(unit, "LEADS", "牵头") if not out else
                       Assignment(unit, "RESPONSIBLE_FOR", "配合" if first_leads == OTHERS_SUPPORT else "负责"))
        else:
            out.append(Assignment(unit, role, qualifier))


def _first_per_unit(out: list[Assignment]) -> list[Assignment]:
    """The first of each (unit, role), if it names a unit."""
    seen: set[tuple[str, str]] = set()
    kept: list[Assignment] = []
    for a in out:
        if (a.unit, a.role) in seen:
            continue
        seen.add((a.unit, a.role))
        if a.unit and not _PLACEHOLDER.match(a.unit):
            kept.append(a)
    return kept


_BRACKET_LINE = re.compile(r"^\s*[(（][^()（）]*[)）]\s*$")


def _join_bracket_lines(lines: list[str]) -> list[str]:
    """各乡镇人民政府 / (街道办事处) on two lines of a cell: a line that is only a bracket continues the unit before it."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and _BRACKET_LINE.match(line):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
    return out


def _split_marked(line: str) -> list[str]:
    """Split a cell that marks roles in brackets (市发改委(牵头)、市财政局) without losing the marks."""
    parts = [p.strip(UNIT_TRIM) for p in split_top(line, "、,/;")]
    out: list[str] = []
    for p in parts:
        if _MARKED.match(p):
            out.append(p)
        else:
            out.extend(split_units(p))
    return out


# ── a clause that looks back over the items above it ──────────────────────────────────────────────
# 以上各项任务由市数据局牵头，市政务服务管理局配合。 / (上述任务责任单位：市数据局) / 以上工作均由…负责: the words that say
# the clause covers the items above (a scope: 以上/上述 and the items' noun or 各项/N项), then the clause
_LOOK_BACK = re.compile(r"^\s*[(\[]?\s*((?:注:?)?(?:以上|上述)(?:(?:各项|所有|全部|这些|几项|[\d一二三四五六七八九十两]+项)(?:重点)?"
                        r"(?:任务|工作|措施|事项|内容|项目)?|(?:重点)?(?:任务|工作|措施|事项|内容|项目))(?:中|的)?,?(?:均|都|统一)?由?)")


_LOOK_BACK_COUNT = re.compile(r"(?:以上|上述)(两|[一二三四五六七八九十]|\d{1,2})项")
_NUMERALS = {"两": 2, **{c: i for i, c in enumerate("一二三四五六七八九十", 1)}}


def look_back_count(text: str) -> Optional[int]:
    """How many items a look-back clause names (以上两项工作由A负责 → 2), None when it names no number."""
    m = _LOOK_BACK_COUNT.search(text[:12])
    if m is None:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else _NUMERALS[n]


def looking_back(text: str) -> Optional[str]:
    """The text with its look-back scope (以上各项任务由…) blanked out — the same length, so offsets hold — when it
    opens with one; None when it does not."""
    m = _LOOK_BACK.match(text) if ("以上" in text[:6] or "上述" in text[:6]) else None
    if m is None:
        return None
    return text[:m.start(1)] + " " * (m.end(1) - m.start(1)) + text[m.end(1):]


# ── a label whose units go on in the lines after it ──────────────────────────────────────────────
_ONLY_UNITS = re.compile(r"^[^:;。!?]{2,60}$")


def open_label(clause: RoleClause, text: str) -> Optional[str]:
    """The label of a labelled clause that ends its line (责任单位:市工信局(牵头)), whose units may go on in the
    lines below it; else None."""
    if clause.kind != "label" or text[clause.end:].strip(" ,、;"):
        return None
    m = LABEL_RE.match(clause.text)
    return m.group(1) if m else None


def spaced_label(text: str) -> bool:
    """The text opens with a label that has a space for its colon (责任单位 县财政局)."""
    return text[:2] in _WS_LABEL_HEADS and LABEL_WS_RE.match(text) is not None


def spaced_labels(text: str) -> Iterator[re.Match]:
    """The labels with a space for their colon after the first one of a line (配合单位 in 责任单位 A 配合单位 B)."""
    return _WS_LABEL_AT.finditer(text)


def continued_label(label: str, line: str) -> Optional[RoleClause]:
    """A line below an open label that holds nothing but units, each a listed unit (市科技局 / 各县区政府): they
    fall under the label. None for any other line (a sentence, another label, a heading, a unit and a verb)."""
    if line[:2] in _WS_LABEL_HEADS and LABEL_WS_RE.match(line):
        return None  # 配合单位 县林业局: a label of its own, with a space for its colon
    m = _LABEL_AT.search(line)  # 市商务局 完成时限:2024年底 — a wrapped line joined to the next label
    body = line[:m.start() if m else len(line)].strip(" ,、")
    if not _ONLY_UNITS.match(body) or VERB_RE.match(body):
        return None
    units = split_units(body)
    if not units or not all(map(_listed_unit, units)):
        return None
    clause = RoleClause(0, 0, body, kind="label")
    _add(clause, units, *label_role(label), False, body)
    start = line.index(body)
    return RoleClause(start, start + len(body), body, clause.assignments, kind="label")

