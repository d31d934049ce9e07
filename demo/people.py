"""Deputies, members, parties and cities: who raises the demo's cases, and where."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高邓谭曾彭唐蒋"
GIVEN_NAMES = (
    "建国", "丽华", "志强", "海燕", "国平", "晓东", "春梅", "卫东", "红霞", "永红", "明亮",
    "淑芬", "德胜", "秀英", "文斌", "小平", "立新", "桂兰", "振华", "玉梅", "湘军", "岳林",
)  # fmt: skip
PARTIES = (
    "民革省委会", "民盟省委会", "民建省委会", "民进省委会", "农工党省委会", "致公党省委会",
    "九三学社省委会", "省工商联",
)  # fmt: skip
CITIES = (
    "长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州",
    "怀化", "娄底", "湘西州",
)  # fmt: skip


class People:
    """Deputies and members, drawn once so that some of them raise several cases."""

    def __init__(self, rng: random.Random) -> None:
        names = list(dict.fromkeys(s + g for s in SURNAMES for g in GIVEN_NAMES))
        rng.shuffle(names)
        self.deputies = names[:180]
        self.members = names[180:300]
        self.rng = rng

    def proposers(self, kind: str) -> list[dict[str, str]]:
        rng = self.rng
        if kind == "proposal" and rng.random() < 0.15:
            return [{"name": rng.choice(PARTIES), "type": "unit", "role": "lead"}]
        pool, kind_type = (
            (self.deputies, "deputy") if kind == "suggestion" else (self.members, "member")
        )
        joint = rng.random() < (0.3 if kind == "suggestion" else 0.15)
        names = rng.sample(pool, 1 + (rng.randint(1, 4) if joint else 0))
        return [
            {"name": n, "type": kind_type, "role": "lead" if i == 0 else "co_signer"}
            for i, n in enumerate(names)
        ]
