"""Communication and visits: contacts, disclosure preferences, visits, on-site handling and co
units' opinions (R-C1..R-C4, R-V1..R-V4, R-D1, R-D5)."""

from __future__ import annotations

import zlib
from datetime import date

from demo.actors import handler
from demo.story_base import StoryBase
from demo.units import UNIT_BY_CODE
from domain import commands as c


class CommunicationSteps(StoryBase):
    """Everything a case hears from and says to its proposers and co units before the reply."""

    def contact(self, unit: str, *, reached: bool, phase: str, channel: str | None = None) -> None:
        p = self.plan
        if channel is None:
            channel = self.rng.choice(("phone", "phone", "wechat", "email", "video", "meeting"))
        summary = (
            f"就{p.subject}与{p.proposer}沟通办理思路，听取意见建议"
            if reached
            else "电话未接通，已发短信说明来意并约定再次联系"
        )
        staff = self.staff(unit)
        self.do(
            handler(unit),
            c.RecordContact(
                case_id=self.case_id,
                unit=unit,
                phase=phase,
                channel=channel,
                contacted_by=staff.head if reached else staff.clerk,
                person=p.proposer,
                reached=reached,
                summary=summary,
                occurred_on=self.later(1, 4),
            ),
        )

    def responsibilities(self) -> None:
        """Seed 003 §三: most units record who answers for their part soon after assignment
        (the 责任分解表). Chosen by the case's number, not the demo's random draws, so the rest
        of the demo year is drawn as before."""
        for unit in self.demo.app.get_case(self.case_id).units:
            if _drawn(f"{self.plan.number}:{unit}") % 10 >= 8:
                continue  # not recorded yet: the 责任分解表 says so
            staff = self.staff(unit)
            self.do(
                handler(unit),
                c.RecordResponsibility(
                    case_id=self.case_id,
                    unit=unit,
                    unit_leader=staff.leader_title,
                    handler=staff.clerk.name,
                    phone=f"0311-{_drawn(unit) % 9_000_000 + 1_000_000}",
                    occurred_on=self.on,
                ),
            )

    def first_contact(self, unit: str) -> None:
        """R-C1/R-C2: failed attempts are kept; a returned case has only a failed one."""
        if self.plan.returned or self.rng.random() < 0.15:
            self.contact(unit, reached=False, phase="before", channel="phone")
        if not self.plan.returned:
            self.contact(unit, reached=True, phase="before")

    def reference_contact(self) -> None:
        """R-D5: a reference case gets no reply, but its unit contacts the proposer in time."""
        self.remind("circular", "参阅件须于10月31日前与代表委员沟通联系并登记（R-D5）")
        if self.plan.outcome == "open" or self.plan.unit is None:
            return
        self.since_assignment(20, 60)
        self.first_contact(self.plan.unit)

    def disclosure_preference(self) -> None:
        if self.rng.random() >= 0.3:
            return
        consent_reply = self.rng.random() >= 0.2
        consent_original = consent_reply and self.rng.random() < 0.5
        self.consent = (consent_reply, consent_original)
        self.do(
            handler(self.replying_units[0]),
            c.RecordDisclosurePreference(
                case_id=self.case_id,
                consent_reply=consent_reply,
                consent_original=consent_original,
                occurred_on=self.later(0, 3),
            ),
        )

    def meet(self) -> None:
        """R-V1/R-V4: visits organised by the lead unit itself; R-V3 declined meetings."""
        p = self.plan
        if p.unit is None or p.visit == "none":
            return
        if p.visit == "declined":
            self.do(
                handler(p.unit),
                c.RecordVisitDeclined(
                    case_id=self.case_id,
                    unit=p.unit,
                    note=f"{p.proposer}表示情况已电话沟通清楚，主动提出无需见面",
                    occurred_on=self.later(2, 8),
                ),
            )
            return
        staff = self.staff(p.unit)
        visitors = [staff.leader, staff.head] if p.key_source else [staff.head, staff.clerk]
        self.do(
            handler(p.unit),
            c.RecordVisit(
                case_id=self.case_id,
                unit=p.unit,
                organised_by=p.unit,
                visitors=tuple(visitors),
                persons=tuple(q["name"] for q in p.proposers),
                summary=f"赴{p.place}走访{p.proposer}，面商{p.subject}有关问题",
                proposer_opinion=self.rng.choice(
                    ("认可办理思路，希望加快推进", "对走访表示感谢", "建议进一步加大支持力度")
                ),
                occurred_on=self.later(2, 8),
            ),
        )

    def on_site(self) -> None:
        p = self.plan
        if p.unit is None or not (p.key_source or self.rng.random() < 0.1):
            return
        self.do(
            handler(p.unit),
            c.RecordOnSiteHandling(
                case_id=self.case_id,
                unit=p.unit,
                proposer_present=bool(p.key_source) or p.exemplary or self.rng.random() < 0.8,
                summary=f"在{p.place}开门办案，实地查看{p.subject}有关情况",
                occurred_on=self.later(2, 6),
            ),
        )

    def co_opinions(self) -> None:
        """R-D1: mostly within two months, a few late, two missing (the lead then overrides)."""
        p = self.plan
        # A late opinion still leaves time for an on-time reply, unless returns or a merge
        # stretch the case; exemplary units' cases stay clean.
        may_be_late = p.outcome != "on_time" or not (
            p.returned or p.merge_group is not None or p.exemplary
        )
        for unit in p.co:
            if unit == p.missing_co:
                continue
            late = may_be_late and unit != "FIN" and self.rng.random() < 0.05
            on = self.since_assignment(62, 70) if late else self.later(1, 5)
            self.co_opinion(unit, on)

    def co_opinion(self, unit: str, on: date) -> None:
        roll = self.rng.random()
        opinion = "withheld" if roll < 0.05 else "on_request" if roll < 0.1 else "proactive"
        self.co_objects |= opinion == "withheld"
        self.do(
            handler(unit),
            c.RecordCoOpinion(
                case_id=self.case_id,
                unit=unit,
                summary=f"{UNIT_BY_CODE[unit].name}会办意见：结合职责提出{self.plan.subject}的支持措施",
                disclosure_opinion=opinion,
                occurred_on=on,
            ),
        )


def _drawn(text: str) -> int:
    """A number fixed by ``text`` (the same in every run and process, unlike ``hash``)."""
    return zlib.crc32(text.encode())
