"""Leading groups and their members: 组  长：王  屾  县政府副县长 / 成  员：… / 邓  可  县委宣传部副部长.

The group is named by the paragraph that introduces the list (…领导小组组织机构及成员单位如下：);
each member line gives a name (spaces of the source removed) and a post, which splits into the
unit it is held in (县委宣传部) and the post title (副部长).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from kg.loaders.text import Paragraph

ROLE_LINE = re.compile(r"^(组\s*长|副\s*组\s*长|常务副组长|副\s*主\s*任|主\s*任|成\s*员|委\s*员)\s*:\s*(.+)$")
GROUP = re.compile(r"([\u4e00-\u9fff]{2,40}?(?:领导小组|委员会|联席会议))")
POST_TITLES = sorted([
    "常务副县长", "常务副市长", "副县长", "县长", "副市长", "市长", "副区长", "区长", "副主席", "主席", "副部长", "部长",
    "副局长", "局长", "副主任", "主任", "副台长", "台长", "副书记", "书记", "副院长", "院长", "副校长", "校长",
    "副站长", "站长", "副所长", "所长", "副队长", "队长", "副秘书长", "秘书长", "调研员", "科长", "副科长",
], key=len, reverse=True)
NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")
# common surnames: a person's name beside a unit (县教育局（张三）, a cell 县教育局 张三) is told from a unit by them
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
                     "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙")
# characters of unit names and places that a given name (almost) never has: 林业, 高新区, 金融办 stay units
_NOT_IN_NAME = frozenset("局委办厅署区县市镇乡街道村社所站队司处科室院校心组部会业务政府党团省州馆园场业务协联管中"
                         "草融厂纺矿")  # and glosses: 县自然资源局（林草）, 市发改委（金融）, 市经信局（毛纺厂）


def person_name(s: str) -> bool:
    """A person's name by its form: a common surname and one or two more characters, none of a unit's."""
    if not 2 <= len(s) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in s) or not _NOT_IN_NAME.isdisjoint(s):
        return False
    if s.startswith(COMPOUND_SURNAMES):
        return len(s) >= 3
    return s[0] in SURNAMES and len(s) <= 3


# a bracket after a unit that names its person: a person label (责任人:/分管领导:), a post (局长 / 副局长), a name, or
# a post and a name — 市城管局（局长 赵刚） / 市城管局（责任人：赵刚）; a unit's other name (（林草） / （区城管执法局）) is none
_PERSON_LABELS = ("主要负责人", "分管负责人", "负责人", "责任人", "联系人", "联络员", "分管领导", "责任领导", "牵头领导", "分管")
_POSTS = tuple(POST_TITLES) + ("分管领导", "主要领导", "党组书记", "党委书记", "总经理", "董事长", "处长", "副处长")


def person_gloss(s: str) -> bool:
    """The text of a bracket after a unit names a person or a post, not a part of the unit (局长 赵刚 / 副局长孙丽 /
    责任人：赵刚 / 分管领导：李明 / 王涛)."""
    t = "".join(s.split()).replace("：", ":")
    labelled = t.startswith(_PERSON_LABELS)
    if labelled:
        t = t[next(len(x) for x in _PERSON_LABELS if t.startswith(x)):].lstrip(":")
    post = next((x for x in sorted(_POSTS, key=len, reverse=True) if t.startswith(x)), "")
    rest = t[len(post):].lstrip(":")
    return bool(labelled or post or rest) and (not rest or all(map(person_name, re.split(r"[、,，]", rest))))


@dataclass
class Member:
    para: Paragraph
    name: str
    role: str
    post: str  # as written
    post_title: Optional[str]
    unit: Optional[str]  # the unit as written: 县委宣传部


@dataclass
class GroupList:
    name: str
    para: Paragraph  # the paragraph naming the group
    start: int
    end: int
    members: list[Member]


def _member(p: Paragraph, text: str, role: str) -> Optional[Member]:
    tokens = text.split()
    if len(tokens) < 2:
        return None
    post = tokens[-1]
    name = "".join(tokens[:-1])
    if not NAME.match(name) or len(post) < 3:
        return None
    title = next((t for t in POST_TITLES if post.endswith(t) and len(post) > len(t)), None)
    unit = post[: -len(title)] if title else None
    return Member(p, name, re.sub(r"\s+", "", role), post, title, unit)


def find_groups(paras: list[Paragraph]) -> list[GroupList]:
    """Member lists of leading groups, each with the group named by the paragraph before it."""
    out: list[GroupList] = []
    current: Optional[GroupList] = None
    role: Optional[str] = None
    for i, p in enumerate(paras):
        t = p.text.strip()
        m = ROLE_LINE.match(t)
        if m:
            if current is None:
                intro = next((q for q in reversed(paras[max(0, i - 3):i]) if GROUP.search(q.text)), None)
                if intro is None:
                    continue
                gm = GROUP.search(intro.text)
                if gm is None:  # never: intro was picked because GROUP matches it
                    continue
                current = GroupList(gm.group(1), intro, gm.start(1), gm.end(1), [])
                out.append(current)
            role = m.group(1)
            member = _member(p, m.group(2), role)
            if member:
                current.members.append(member)
            continue
        if current is not None and role is not None:
            member = _member(p, t, role)
            if member:
                current.members.append(member)
                continue
        current, role = None, None
    return out
