"""A realistic synthetic corpus of plan documents (text), built from the seed documents' patterns.

    /work/venv/bin/python benchmarks/generate.py OUT_DIR --docs 200 [--seed 7]

Every document is a plan of a real jurisdiction (benchmarks/jurisdictions.tsv: counties,
districts and cities that kg's gazetteer resolves unambiguously) in one of four layouts
taken from the seeds:

  linyi   (000) web header, 文号, 现将《…》印发, bare 提升行动 / 重点工程 / 保障措施 headings,
          (一) actions, heading-sentence task paragraphs closed by （A、B按职责分工负责）
  youyi   (001) 文号 first, 一、… sections, （一）actions whose intro carries （牵头单位：…）,
          1. tasks with （责任单位：…）, lines broken mid-sentence, 抄送 footer
  lixia   (004) （1） actions, ── tasks with （A、B牵头，各成员单位按职责分工负责）
  yaodian (002) 一、 sections whose 1. items are the actions (two levels)

Role clauses come in every style kg reads (牵头单位：/责任单位：/配合单位：, 按职责分工负责,
A牵头，各成员单位按职责分工负责, A牵头，B、C配合, deadlines such as 2025年底前完成 / 持续推进,
and "列第一位者为牵头单位，下同"). Units are written the way plans write them (县科协,
区教体局, 团县委, 县委宣传部, 市市场监管局 …), with abbreviations that resolve to one
organization. The generator knows what it wrote: each document comes with the number of
sections, actions, tasks and LEADS / RESPONSIBLE_FOR edges that kg's parser must find.

Same (n_docs, seed), same bytes: only random.Random(seed) draws.
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
STYLES = ("linyi", "youyi", "lixia", "yaodian")
STYLE_WEIGHTS = (3, 4, 3, 1)

# --------------------------------------------------------------------------- vocabulary

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (1 ≤ n ≤ 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# (group, variants): a variant is a list of surface forms that resolve to one organization;
# a document picks one variant per group and mostly writes its first form.
UNITS: list[tuple[str, list[list[str]]]] = [
    ("科协", [["{P}科协", "{P}科学技术协会"]]),
    ("教育", [["{P}教育局"], ["{P}教体局", "{P}教育和体育局"]]),
    ("科技", [["{P}科技局", "{P}科学技术局"]]),
    ("宣传", [["{P}委宣传部"]]),
    ("组织", [["{P}委组织部"]]),
    ("网信", [["{P}委网信办"]]),
    ("党校", [["{P}委党校"]]),
    ("团委", [["团{P}委"]]),
    ("妇联", [["{P}妇联", "{P}妇女联合会"]]),
    ("工会", [["{P}总工会"]]),
    ("残联", [["{P}残联"]]),
    ("卫健", [["{P}卫健委", "{P}卫生健康委员会"], ["{P}卫生健康局", "{P}卫健局"]]),
    ("文旅", [["{P}文旅局", "{P}文化和旅游局"], ["{P}文化广电和旅游局", "{P}文广旅局"]]),
    ("农业", [["{P}农业农村局"]]),
    ("人社", [["{P}人社局", "{P}人力资源和社会保障局", "{P}人力资源社会保障局"]]),
    ("应急", [["{P}应急局", "{P}应急管理局"]]),
    ("市场", [["{P}市场监管局", "{P}市场监督管理局"]]),
    ("气象", [["{P}气象局"]]),
    ("自然", [["{P}自然资源局"], ["{P}自然资源和规划局", "{P}资规局"]]),
    ("生态", [["{P}生态环境局"]]),
    ("交通", [["{P}交通运输局"]]),
    ("水利", [["{P}水利局"]]),
    ("民政", [["{P}民政局"]]),
    ("财政", [["{P}财政局"]]),
    ("统计", [["{P}统计局"]]),
    ("发改", [["{P}发改局", "{P}发展和改革局"], ["{P}发改委", "{P}发展改革委", "{P}发展和改革委员会"]]),
    ("工信", [["{P}工信局", "{P}工业和信息化局"]]),
    ("司法", [["{P}司法局"]]),
    ("公安", [["{P}公安局"]]),
    ("住建", [["{P}住建局", "{P}住房和城乡建设局"]]),
    ("医保", [["{P}医保局"]]),
    ("大数据", [["{P}大数据局"]]),
    ("融媒", [["{P}融媒体中心"]]),
    ("广电", [["{P}广播电视台"]]),
    ("消防", [["{P}消防救援大队"]]),
    ("地震", [["{P}地震局"]]),
    ("商务", [["{P}商务局"]]),
    ("政府办", [["{P}政府办公室"]]),
]
# the units a plan names most (the science-literacy plans lean on these)
CORE = ("科协", "教育", "科技", "宣传", "团委", "妇联", "卫健", "文旅", "农业", "人社")
COLLECTIVES = {
    "县": ["各成员单位", "各乡镇人民政府", "县直有关部门"],
    "区": ["各成员单位", "各街道办事处", "区直有关部门"],
    "市": ["各成员单位", "各县区人民政府", "市直有关部门"],
}

TOPICS = [
    ("全民科学素质行动规划纲要实施方案（2021—2025年）", "实施方案"),
    ("“十四五”全民科学素质行动规划纲要实施方案", "实施方案"),
    ("科普能力建设三年行动方案（2023—2025年）", "行动方案"),
    ("全民科学素质工作要点", "工作要点"),
    ("乡村振兴科技支撑行动实施方案", "实施方案"),
    ("科学技术普及工作实施意见", "实施意见"),
    ("数字政府建设工作方案", "工作方案"),
]
BASIS = [
    "全民科学素质行动规划纲要（2021—2035年）",
    "关于新时代进一步加强科学技术普及工作的意见",
    "中华人民共和国科学技术普及法",
    "“十四五”国家科学技术普及发展规划",
    "关于深化科技体制改革的若干意见",
]
LIFT_ACTIONS = [
    "青少年科学素质提升行动", "农民科学素质提升行动", "产业工人科学素质提升行动", "老年人科学素质提升行动",
    "领导干部和公务员科学素质提升行动", "社区居民科学素质提升行动", "妇女儿童科学素质提升行动",
    "新市民科学素质提升行动", "退役军人科学素质提升行动", "残疾人科学素质提升行动",
]
PROJECT_ACTIONS = [
    "科技资源科普化工程", "科普信息化提升工程", "科普基础设施工程", "基层科普能力提升工程",
    "科学素质交流合作工程", "应急科普能力建设工程", "科普人才队伍建设工程", "智慧助老服务工程",
    "健康科普推进工程", "科普品牌活动培育工程", "科技志愿服务工程", "数字乡村科普工程",
]
ORG_ACTIONS = [
    ("组织领导", "加强组织领导"), ("机制保障", "健全工作机制"), ("条件保障", "强化条件保障"),
    ("监测评估", "完善监测评估"), ("宣传引导", "加强宣传引导"), ("督促检查", "完善督促考核机制"),
]
VERBS = ["加强", "推进", "完善", "提升", "深化", "健全", "推动", "实施", "开展", "建设", "打造", "强化", "拓展", "培育"]
OBJECTS = [
    "基础教育阶段科学教育", "校内外科学教育资源衔接", "教师科学素质", "高素质农民队伍", "乡村科普阵地",
    "农村妇女科技文化素质", "职工技能培训", "工匠学院体系", "智慧助老服务", "老年健康科普",
    "领导干部科学素质培训", "社区科普活动阵地", "科普基础设施", "科技馆体系", "科普创作能力",
    "全媒体科学传播", "科普信息化", "基层科普服务站点", "应急科普能力", "科普人才队伍",
    "科普志愿服务体系", "科普国际交流合作", "科学素质监测评估", "科普理论研究", "科普经费投入",
    "科研与科普结合", "青少年科技创新活动", "科普示范社区", "网络科普阵地", "科学辟谣机制",
    "食品安全科普", "防灾减灾科普", "数字技能培训", "科技特派员服务", "农业技术推广",
    "健康生活方式宣传", "心理健康科普", "科普场馆开放服务", "流动科技馆巡展", "科普大篷车服务",
    "校外科技活动场所", "科学家精神宣传", "科普品牌活动", "企业科普责任", "学会科普服务",
]
SENTENCES = [
    "坚持立德树人，将科学精神融入课堂教学和课外实践活动，激励青少年树立投身建设世界科技强国的远大志向。",
    "引导变革教学方式，倡导启发式、探究式、开放式教学，保护学生好奇心，激发求知欲和想象力。",
    "鼓励科技工作者走进校园，开展科学教育和生理卫生、自我保护等安全健康教育活动。",
    "加强对家庭科学教育的指导，提高家长科学教育意识和能力，推动学校、社会和家庭协同育人。",
    "开展现代高素质农民农业全产业链培训，每年培育高素质农民1500人次以上。",
    "深入开展文化科技卫生“三下乡”、科技活动周、全国科普日等主题活动，提高农民科学文化素养。",
    "推广科技小院、农科驿站等农业科技社会化服务典型做法，推动农业科技成果落地应用。",
    "开展理想信念和职业精神宣传教育，大力弘扬劳模精神、劳动精神、工匠精神。",
    "聚焦老年人使用智能化产品的需求和困难，依托老年大学、社区服务中心等开展数字技能培训。",
    "针对老年人加大技术防范、预警、预防等科普宣传力度，防范电信网络诈骗，维护老年人合法权益。",
    "把科学素质教育纳入干部教育培训总体规划，在党校（行政学院）主体班次中增加科技知识课程。",
    "推动科普场馆、科普教育基地向公众免费或优惠开放，每年开展科普活动不少于20场次。",
    "用好“科普中国”资源，推动科普与大数据、云计算、人工智能等技术深度融合。",
    "在主流媒体增设科普专栏，发挥政务新媒体（APP）和短视频平台作用，实现科普内容多渠道传播。",
    "建立健全应急科普协调联动机制，推动应急科普知识进社区、进农村、进企业、进学校、进家庭。",
    "完善科普人才培养、使用和评价制度，壮大专兼职科普人才和科普志愿者队伍。",
    "推动社保卡（含电子社保卡）在公共服务场所应用，为群众提供便捷的科普服务。",
    "鼓励高校、科研院所、科技企业开放实验室、生产线等科研设施，开展科普活动。",
    "依据《全民科学素质行动规划纲要（2021—2035年）》，制定年度工作计划并抓好落实。",
    "按照国家预算管理的规定和现行资金渠道，统筹考虑和落实公民科学素质建设所需经费。",
    "定期开展公民科学素质监测评估、科学素质建设能力监测评估，及时发布监测结果。",
    "围绕新科技、新应用带来的科技伦理、科技安全、科学谣言等方面，开展理论与实践研究。",
    "整合各类科普资源，打造贯穿全年的经常化科普工作链条，形成全民参与科普的良好局面。",
    "建设一批科普示范社区（村），完善基层科普服务体系，提升基层科普服务能力。",
    "到2025年，建成科普教育基地10个以上，公民具备科学素质的比例达到15%。",
    "组织健康科普专家深入社区、农村、养老机构等开展医疗义诊、健康咨询和科普宣传。",
    "推广普及先进实用技术，培育一批懂技术、会经营、善管理的乡土人才。",
    "举办青少年科技创新大赛、科技节和机器人竞赛等活动，搭建科技创新后备人才成长平台。",
    "发挥学会、协会、研究会作用，动员广大科技工作者积极参与科普工作。",
    "完善科普工作评估制度，将科普工作纳入目标管理考核，强化结果运用。",
]
INTRO_SENTENCES = [
    "以提升科技文化素质为重点，提高文明生活、科学生产、科学经营能力，造就一支适应现代化发展要求的高素质队伍。",
    "激发青少年好奇心和想象力，增强科学兴趣、创新意识和创新能力，培育一批具备科学家潜质的青少年群体。",
    "围绕服务高质量发展，推动科普资源共建共享，着力提升基层科普服务能力和水平。",
    "聚焦重点人群和薄弱环节，强化科普供给侧改革，推动科普工作提质增效。",
    "以数字化转型为牵引，推进科普与信息技术深度融合，拓展科普传播渠道。",
]
GOALS = [
    "组织实施《全民科学素质纲要》，优化科普工作格局，扩大网络科普覆盖面。",
    "以重点人群科学素质行动带动全民科学素质水平持续提升，未成年人对科学的兴趣明显增强。",
    "科普公共服务能力大幅提升，科学教育与培训体系进一步完善，科普资源更加丰富。",
    "科学素质建设机制不断创新，资源共享机制逐步完善，社会化工作格局基本形成。",
]
ORG_PARAGRAPHS = [
    "{G}负责领导当地的《科学素质纲要》实施工作，把公民科学素质建设作为推动经济社会发展的一项重要工作，纳入目标管理考核。",
    "各有关部门要按照全民科学素质建设的总体部署，将相应任务目标列入工作规划和计划，充分履行工作职责，形成工作合力。",
    "采取多种措施，加大政府和社会投入，形成多渠道投入机制，保障《科学素质纲要》的顺利实施。",
    "针对不同人群提出公民基本科学素质标准和监测指标体系，定期开展测评和效果评估，接受社会监督。",
    "对作出突出贡献的单位和个人给予表扬，以推动《科学素质纲要》在全域广泛深入实施。",
]
DEADLINES = ["2025年底前完成", "2024年6月底前完成", "持续推进", "长期坚持", "2023年底前完成"]


# --------------------------------------------------------------------------- jurisdictions


@dataclass(frozen=True)
class Place:
    level: str  # 市 | 县 | 区
    province: str
    city: str
    county: str  # "" for a city

    @property
    def name(self) -> str:
        return self.county or self.city


def load_places(path: Path = HERE / "jurisdictions.tsv") -> list[Place]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + [""]
        out.append(Place(cols[0], cols[1], cols[2], cols[3]))
    return out


# --------------------------------------------------------------------------- what was written


@dataclass
class Expected:
    """What kg's parser must find in one generated document."""

    file: str
    style: str
    jurisdiction: str
    title: str
    doc_number: str
    issuer: str
    sections: int = 0
    actions: int = 0
    tasks: int = 0
    leads: int = 0
    responsible_for: int = 0
    bytes: int = 0
    task_titles: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # every unit written, as written (sorted, unique)

    @property
    def edges(self) -> int:
        return self.leads + self.responsible_for


class _Doc:
    """Per-document state: the units it uses and the running counts."""

    def __init__(self, rng: random.Random, place: Place, first_leads: bool) -> None:
        self.rng = rng
        self.P = place.level
        self.place = place
        self.units: dict[str, list[str]] = {}
        for group, variants in UNITS:
            forms = rng.choice(variants)
            self.units[group] = [f.replace("{P}", self.P) for f in forms]
        self.collectives = COLLECTIVES[self.P]
        self.first_leads = first_leads
        self.first_leads_on = False
        self.leads = self.resp = 0
        self.mentions: set[str] = set()
        self.tasks = self.actions = self.sections = 0
        self.task_titles: list[str] = []

    def mention(self, group: str) -> str:
        forms = self.units[group]
        m = forms[0] if len(forms) == 1 or self.rng.random() < 0.8 else self.rng.choice(forms[1:])
        self.mentions.add(m)
        return m

    def pick_groups(self, k: int) -> list[str]:
        groups = [g for g, _ in UNITS]
        core = [g for g in CORE]
        out: list[str] = []
        while len(out) < k:
            g = self.rng.choice(core if self.rng.random() < 0.6 else groups)
            if g not in out:
                out.append(g)
        return out

    def n_units(self) -> int:
        return self.rng.choices([1, 2, 3, 4, 5, 6, 8, 12], weights=[22, 30, 22, 12, 7, 4, 2, 1])[0]

    # ---- role clauses: text, and the LEADS / RESPONSIBLE_FOR edges kg must read from it

    def clause(self, kind: str) -> str:
        """A role clause for an action intro ('action') or a task ('task'), in a style of this document."""
        rng = self.rng
        if self.first_leads:
            units = [self.mention(g) for g in self.pick_groups(max(2, self.n_units()))]
            verb = rng.choice(["负责", "按职责分工负责"])
            tail = ""
            if not self.first_leads_on:
                tail = "，列第一位者为牵头单位，下同"
                self.first_leads_on = True
            self.leads += 1
            self.resp += len(units) - 1
            return f"（{'、'.join(units)}{verb}{tail}）"
        dl = rng.choice(DEADLINES) if rng.random() < 0.15 else None
        if kind == "action":
            lead = [self.mention(g) for g in self.pick_groups(rng.choice([1, 1, 2, 2, 3]))]
            self.leads += len(lead)
            return f"（牵头单位：{'、'.join(lead)}）"
        style = rng.choices(["label", "label_both", "fengong", "lead_members", "lead_coop", "lead_only"],
                            weights=[4, 2, 4, 3, 1, 1])[0]
        n = self.n_units()
        if style == "lead_only":
            lead = [self.mention(g) for g in self.pick_groups(min(n, 2))]
            self.leads += len(lead)
            return rng.choice([f"（{'、'.join(lead)}牵头）", f"（牵头单位：{'、'.join(lead)}）"])
        if style == "label":
            units = [self.mention(g) for g in self.pick_groups(n)]
            self.resp += len(units)
            return f"（责任单位：{'、'.join(units)}" + (f"；{dl}" if dl else "") + "）"
        if style == "label_both":
            groups = self.pick_groups(n + 1)
            lead, resp = groups[:1], groups[1:]
            self.leads += 1
            self.resp += len(resp)
            return (f"（牵头单位：{self.mention(lead[0])}；责任单位：{'、'.join(self.mention(g) for g in resp)}"
                    + (f"；{dl}" if dl else "") + "）")
        if style == "fengong":
            units = [self.mention(g) for g in self.pick_groups(n)]
            self.resp += len(units)
            return f"（{'、'.join(units)}按职责分工负责" + (f"，{dl}" if dl else "") + "）"
        if style == "lead_members":
            lead = [self.mention(g) for g in self.pick_groups(min(n, 3))]
            coll = self.rng.choice(self.collectives) if rng.random() < 0.3 else "各成员单位"
            self.mentions.add(coll)
            self.leads += len(lead)
            self.resp += 1
            return f"（{'、'.join(lead)}牵头，{coll}按职责分工负责" + (f"，{dl}" if dl else "") + "）"
        groups = self.pick_groups(max(2, n))
        self.leads += 1
        self.resp += len(groups) - 1
        return f"（{self.mention(groups[0])}牵头，{'、'.join(self.mention(g) for g in groups[1:])}配合）"

    # ---- prose

    def heading(self) -> str:
        return self.rng.choice(VERBS) + self.rng.choice(OBJECTS)

    def body(self, lo: int = 1, hi: int = 4, breaks: bool = False) -> str:
        sents = [self.rng.choice(SENTENCES) for _ in range(self.rng.randint(lo, hi))]
        text = "".join(sents)
        if breaks and self.rng.random() < 0.15:
            k = text.find("，", 8)
            if k > 0:  # a line broken after a comma, as in the 友谊县 plan
                text = text[: k + 1] + "\n" + text[k + 1:]
        return text

    def task(self, title: str, with_clause: bool, breaks: bool = False) -> str:
        self.tasks += 1
        self.task_titles.append(title)
        return f"{title}。{self.body(breaks=breaks)}" + (self.clause("task") if with_clause else "")


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)


def _split_title(title: str, rng: random.Random) -> list[str]:
    """A long title set over two lines (the cut never falls inside brackets)."""
    for cut in ("实施方案", "行动方案", "工作要点", "实施意见", "工作方案"):
        k = title.find(cut)
        if k > 4 and rng.random() < 0.7:
            return [title[:k], title[k:]]
    return [title]


def _plan_blocks(rng: random.Random, n_tasks: Optional[int]) -> list[list[int]]:
    """Tasks per work action, grouped into work sections (提升行动, 重点工程, …).

    A normal plan: ~10 actions of 2–8 tasks in two sections. A long one (n_tasks > 200, for the
    parse-cost scaling runs): actions of 20–40 tasks, 30 actions a section, so that every marker
    stays within what plans write (1.–99., （一）–（九十九）).
    """
    if n_tasks is None:
        sizes = [rng.randint(3, 8) for _ in range(rng.randint(8, 13))]
        split = (len(sizes) + 1) // 2
        return [sizes[:split], sizes[split:]]
    lo, hi, per_section = (2, 8, 30) if n_tasks <= 200 else (20, 40, 30)
    sizes = []
    left = n_tasks
    while left > 0:
        k = min(left, rng.randint(lo, hi))
        sizes.append(k)
        left -= k
    return [sizes[i:i + per_section] for i in range(0, len(sizes), per_section)]


def generate_document(rng: random.Random, place: Place, index: int, *, style: Optional[str] = None,
                      n_tasks: Optional[int] = None, used: Optional[set] = None) -> tuple[str, Expected]:
    """One plan as text, and what kg must read from it."""
    style = style or rng.choices(STYLES, weights=STYLE_WEIGHTS)[0]
    first_leads = style in ("youyi", "lixia") and rng.random() < 0.1
    d = _Doc(rng, place, first_leads)
    P = place.level
    gov = {"县": "县政府", "区": "区政府", "市": "市政府"}[P]
    written = place.name if style != "lixia" or not place.county else place.city + place.county
    topic, kind = rng.choice(TOPICS)
    year, month, day = _date(rng)
    if topic.endswith("工作要点"):
        topic = f"{year}年{topic}"
    title = written + topic
    short = place.name[0] if P != "市" else place.name[:1]
    num = rng.randint(1, 120)
    issuer = f"{written}人民政府办公室"
    doc_number = f"{short}政办发〔{year}〕{num}号"
    while used is not None and (doc_number, issuer) in used:
        num += 1
        doc_number = f"{short}政办发〔{year}〕{num}号"
    if used is not None:
        used.add((doc_number, issuer))
    basis = rng.sample(BASIS, 2)
    ours = {"县": "我县", "区": "我区", "市": "我市"}[P]
    purpose = (f"为深入贯彻《{basis[0]}》（以下简称《纲要》），依据《{basis[1]}》，结合{ours}实际，"
               f"制定本{kind}。")
    blocks = [b for b in _plan_blocks(rng, n_tasks) if b]
    heads = [("提升行动", LIFT_ACTIONS), ("重点工程", PROJECT_ACTIONS)]
    work = [(heads[i % 2][0], b, heads[i % 2][1]) for i, b in enumerate(blocks)]
    L: list[str] = []
    ind = "　　" if rng.random() < 0.5 else ""
    blank = rng.random() < 0.5

    def para(s: str, indent: str = "") -> None:
        L.append(indent + s)
        if blank:
            L.append("")

    # ---- header
    date_line = f"{year}年{month}月{day}日"
    if style == "linyi":
        para(f"通知!{written}印发{topic}")
        para(f"{year}-{month:02d}-{day:02d} 10:{rng.randint(10, 59)} {issuer}阅读 ({rng.randint(100, 99999)}) 扫描到手机")
        para(f"{written}人民政府")
        para(f"关于印发{title}的通知")
        para(doc_number)
        para(f"各{'乡镇' if P == '县' else '街道'}人民政府，{gov}各部门（单位）：")
        para(f"现将《{title}》印发给你们，请结合实际，认真贯彻实施。")
        para(issuer)
        para(date_line)
        para(title, "       ")
    elif style == "lixia":
        para(doc_number)
        para(issuer)
        lines = _split_title(f"关于印发{title}", rng)
        for x in lines:
            para(x)
        para("的 通 知")
        para(f"各街道办事处，{gov}各部门（单位）：")
        para(f"《{title}》已经{gov}同意，现印发给你们，请认真组织实施。")
        para(issuer, "　　　　　　　　    　")
        para(date_line, "                    　     ")
        para("（此件公开发布）")
        for x in _split_title(title, rng):
            para(x)
    else:  # youyi, yaodian
        para(doc_number)
        para(f"{issuer}关于")
        para(f"印发{title}的通知")
        para(f"各乡（镇）人民政府，{gov}直属各有关单位：")
        para(f"经{gov}领导同意，现将《{title}》印发给你们，请认真组织实施。")
        para(issuer)
        para(date_line, "                          ")
        for x in _split_title(title, rng):
            para(x)
    para(purpose)

    # ---- body
    def prose_sections(start: int) -> int:
        d.sections += 2
        para(f"{cn_number(start)}、指导思想", ind)
        para("以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大精神，坚持以人民为中心，"
             "以提高全民科学素质服务高质量发展为目标，营造热爱科学、崇尚创新的社会氛围。", ind)
        para(f"{cn_number(start + 1)}、主要目标", ind)
        para(f"到2025年，全{P}科普供给侧改革成效显著，公民科学素质建设的公共服务能力显著增强，"
             f"公民具备科学素质的比例达到{rng.randint(10, 20)}%。", ind)
        for g in rng.sample(GOALS, rng.randint(0, 3)):
            para("──" + g)
        return start + 2

    def org_section(marker: str, number_style: str) -> None:
        d.sections += 1
        para(marker, ind)
        for k, (short_t, long_t) in enumerate(rng.sample(ORG_ACTIONS, rng.randint(2, 4)), 1):
            d.actions += 1
            no = f"（{cn_number(k)}）" if number_style == "cn" else f"({cn_number(k)})"
            text = ORG_PARAGRAPHS[rng.randrange(len(ORG_PARAGRAPHS))].replace("{G}", gov)
            if style == "youyi":
                para(f"{no}{short_t}", ind)
                para(text, ind)
                if rng.random() < 0.5:  # a heading-sentence task with its clause (完善监测评估体系。…)
                    para(d.task(d.heading(), True), ind)
            else:
                para(f"{no}{long_t}。{text}")

    if style == "linyi":
        for head, acts, names in work:
            d.sections += 1
            para(head)
            para(f"重点围绕“十四五”时期目标任务，弘扬科学精神，培育理性思维，实施{cn_number(len(acts))}项{head}。")
            for k, n in enumerate(acts, 1):
                d.actions += 1
                para(f"({cn_number(k)}){names[(k - 1) % len(names)]}")
                for _ in range(n):
                    para(d.task(d.heading(), True))
        org_section("保障措施", "ascii")
    elif style in ("youyi", "lixia"):
        nxt = prose_sections(1)
        for head, acts, names in work:
            d.sections += 1
            para(f"{cn_number(nxt)}、{head}", ind)
            nxt += 1
            for k, n in enumerate(acts, 1):
                d.actions += 1
                name = names[(k - 1) % len(names)]
                if style == "youyi":
                    para(f"（{cn_number(k)}）{name}。", ind)
                    para(rng.choice(INTRO_SENTENCES) + d.clause("action"))
                    for t in range(1, n + 1):
                        clause = rng.random() > 0.05
                        para(f"{t}.{d.task(d.heading(), clause, breaks=True)}", ind)
                else:
                    para(f"（{k}） {name}。")
                    for _ in range(n):
                        clause = rng.random() > 0.05
                        para(" ──" + d.task(d.heading(), clause))
        org_section(f"{cn_number(nxt)}、组织实施和保障{'条件' if style == 'youyi' else '措施'}", "cn")
    else:  # yaodian: 一、 sections whose 1. items are the actions
        sizes = [n for b in blocks for n in b]
        n_sec = max(1, min(len(sizes) // 3, 99 // 9))
        k = 0
        for s in range(n_sec):
            d.sections += 1
            para(f"{cn_number(s + 1)}、{d.heading()}，{d.heading()}")
            for _ in range(min(sizes[s], 9) if s < len(sizes) else 1):
                k += 1
                d.actions += 1
                title_t = d.heading()
                d.task_titles.append(title_t)
                para(f"{k}.{title_t}。{d.body()}" + (d.clause("task") if rng.random() > 0.1 else ""))

    # ---- footer
    if style == "youyi":
        para(f"  抄送：{P}委办，{P}纪委办，{P}人武部")
        para(f"  {issuer}  　    　        {year}年{month}月{day}日印发")
    elif style == "linyi":
        para(issuer)
        para(f"({year}年{month}月{day}日印发)")
    text = "\n".join(L).rstrip("\n") + "\n"
    exp = Expected(
        file="", style=style, jurisdiction=written, title=title, doc_number=doc_number, issuer=issuer,
        sections=d.sections, actions=d.actions, tasks=d.tasks, leads=d.leads, responsible_for=d.resp,
        bytes=len(text.encode("utf-8")), task_titles=d.task_titles, mentions=sorted(d.mentions),
    )
    return text, exp


# --------------------------------------------------------------------------- corpus


@dataclass
class Manifest:
    seed: int
    documents: list[Expected]

    def totals(self) -> dict[str, int]:
        keys = ("sections", "actions", "tasks", "leads", "responsible_for", "bytes")
        out = {k: sum(getattr(e, k) for e in self.documents) for k in keys}
        out["documents"] = len(self.documents)
        out["edges"] = out["leads"] + out["responsible_for"]
        return out


def generate(n_docs: int, seed: int = 7) -> tuple[list[tuple[str, str]], Manifest]:
    """n_docs (file name, text) pairs and what each must parse into; deterministic in (n_docs, seed)."""
    rng = random.Random(seed)
    places = load_places()
    used: set = set()
    files: list[tuple[str, str]] = []
    exps: list[Expected] = []
    for i in range(n_docs):
        place = places[rng.randrange(len(places))]
        text, exp = generate_document(rng, place, i, used=used)
        exp.file = f"doc{i:05d}.txt"
        files.append((exp.file, text))
        exps.append(exp)
    return files, Manifest(seed, exps)


def write_corpus(out_dir: str | Path, n_docs: int, seed: int = 7) -> Manifest:
    """Write the corpus (UTF-8 .txt files) and manifest.json into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files, manifest = generate(n_docs, seed)
    for name, text in files:
        (out / name).write_bytes(text.encode("utf-8"))
    (out / "manifest.json").write_text(
        json.dumps({"seed": seed, "totals": manifest.totals(), "documents": [asdict(e) for e in manifest.documents]},
                   ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def document_of_size(target_bytes: int, seed: int = 7, style: str = "youyi") -> tuple[str, Expected]:
    """One document of about target_bytes, made long by more actions and tasks (for parse-cost scaling)."""
    places = load_places()
    rng = random.Random(seed)
    place = next(p for p in places if p.level == "县")
    probe, e = generate_document(random.Random(seed), place, 0, style=style, n_tasks=50)
    per_task = max(1, (e.bytes - 1500) // 50)
    n = max(1, (target_bytes - 1500) // per_task)
    text, exp = generate_document(rng, place, 0, style=style, n_tasks=n)
    exp.file = f"long_{target_bytes}.txt"
    return text, exp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    m = write_corpus(args.out_dir, args.docs, args.seed)
    print(json.dumps(m.totals(), ensure_ascii=False))


if __name__ == "__main__":
    main()
