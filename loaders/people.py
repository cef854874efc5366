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
