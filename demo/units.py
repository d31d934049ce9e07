"""The unit table: the handling units of the demo year, their seed figures and subjects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitProfile:
    code: str
    name: str
    doc_prefix: str  # reply document numbers: 财函〔2025〕12号
    lead: int  # lead cases in the year at scale 1 (the R-V2 bucket)
    visited: int  # lead cases with a face-to-face visit
    declined: int  # lead cases whose proposer declined a meeting (R-V3)
    key: int  # key cases (重点建议提案), visited first
    classes: tuple[int, int, int] | None = None  # exact A/B/C of the lead replies (seed 002)
    exemplary: bool = False  # on time, no dissatisfied verdict (seed 002's "five 100 %")

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(SUBJECTS[self.code].split("、"))


# R-V2 steps: ≤10 lead cases → 100 % visited; 11–49 → 50 %; ≥50 → 30 % (ceil, exact).
UNITS: tuple[UnitProfile, ...] = (
    UnitProfile("FIN", "财政厅", "财函", 76, 40, 0, 4, classes=(41, 17, 18), exemplary=True),
    UnitProfile("HOU", "住房城乡建设厅", "建函", 51, 47, 4, 12, exemplary=True),
    UnitProfile("EDU", "教育厅", "教函", 50, 15, 1, 2),  # 15 of 50 meets 30 % exactly
    UnitProfile("HEA", "卫生健康委", "卫函", 49, 24, 2, 2),  # 24 of 49: one short of 50 %
    UnitProfile("HRS", "人力资源社会保障厅", "人社函", 36, 20, 1, 2),
    UnitProfile("ENV", "生态环境厅", "环函", 30, 12, 1, 1),  # three short of 50 %
    UnitProfile("IND", "工业和信息化厅", "工信函", 26, 14, 0, 1),  # 14 of 28 with its splits
    UnitProfile("COM", "商务厅", "商函", 22, 11, 0, 1),
    UnitProfile("CIV", "民政厅", "民函", 18, 10, 1, 1),
    UnitProfile("NRC", "自然资源厅", "自然资源函", 12, 6, 0, 1),
    UnitProfile("TRA", "交通运输厅", "交函", 11, 6, 0, 1),  # ceil(5.5) = 6 meets 50 %
    UnitProfile("AGR", "农业农村厅", "农函", 10, 10, 0, 1),  # every one visited
    UnitProfile("WAT", "水利厅", "水函", 9, 8, 1, 1),  # one declined: raw rate short (R-V3)
    UnitProfile("CUL", "文化和旅游厅", "文旅函", 6, 6, 0, 1),
)
SUBJECTS: dict[str, str] = {
    "FIN": "加大对县级财政转移支付力度、完善乡村振兴衔接资金管理、支持政府性融资担保体系建设、"
    "提高城乡居民医保财政补助标准、加强地方政府债务风险防控、落实中小企业税费优惠政策",
    "HOU": "推进城镇老旧小区改造、支持既有住宅加装电梯、加强农村危房改造、规范住房租赁市场、"
    "加快城市地下管网更新改造、促进房地产市场平稳健康发展",
    "EDU": "加强乡村教师队伍建设、推进义务教育优质均衡发展、扩大普惠性学前教育资源、"
    "深化产教融合发展职业教育、加强中小学生心理健康教育",
    "HEA": "加强基层医疗卫生服务能力建设、推进紧密型县域医共体建设、完善婴幼儿照护服务体系、"
    "加强精神卫生服务、推动中医药传承创新发展",
    "HRS": "促进高校毕业生就业、保障新就业形态劳动者权益、完善灵活就业人员社保政策、"
    "根治拖欠农民工工资、加强高技能人才培养",
    "ENV": "加强长江流域生态环境保护、推进农村生活污水治理、加强大气污染联防联控、"
    "推进固体废物综合利用",
    "IND": "推动制造业数字化转型、支持专精特新中小企业发展、加快5G网络建设、促进新能源汽车产业发展",
    "COM": "促进县域商业体系建设、扩大跨境电商发展、提振大宗消费、支持外贸企业稳订单拓市场",
    "CIV": "加快发展农村养老服务、完善困难群众救助保障、加强社区治理能力建设、规范殡葬服务管理",
    "NRC": "保障乡村振兴用地需求、推进全域土地综合整治、加强地质灾害防治、盘活存量建设用地",
    "TRA": "加强农村公路养护、完善城乡客运一体化、加快高速公路网建设、推进内河航运发展",
    "AGR": "稳定粮食生产扶持政策、发展特色农业产业、加强高标准农田建设、培育新型农业经营主体",
    "WAT": "加强中小河流治理、推进农村供水保障工程、加强山洪灾害防御、推进水库除险加固",
    "CUL": "推动文旅深度融合发展、加强非物质文化遗产保护、发展乡村旅游、完善公共文化服务体系",
}
UNIT_BY_CODE = {u.code: u for u in UNITS}
