"""Feedback and re-handling: the proposer's verdict, a further reply after a dissatisfied one,
and follow-up calls (R-F1..R-F3, R-D3)."""

from __future__ import annotations

from datetime import timedelta

from demo.actors import OFFICE, handler, proposer_actor
from demo.replies import ReplySteps
from domain import commands as c


class FeedbackSteps(ReplySteps):
    """What the proposer says of the reply, and what the units do about it."""

    def feedback(self, verdict: str) -> None:
        comments = {
            "satisfied": "对办理结果满意",
            "basically_satisfied": "基本满意，希望持续跟进落实",
            "dissatisfied": "答复较为原则，具体措施不够明确",
        }[verdict]
        # R-F4: most proposers answer through their own link; the office keys in the rest.
        by_link = self.rng.random() < 0.75
        actor = proposer_actor(self.plan.proposer) if by_link else OFFICE
        self.do(
            actor,
            c.RecordFeedback(
                case_id=self.case_id,
                verdict=verdict,
                comments=comments,
                occurred_on=self.later(5, 30),
                proposer=self.plan.proposer if by_link else None,
            ),
        )

    def rehandle(self) -> None:
        """R-F2/R-D3: face-to-face contact, then a further reply within 30 days (a few late)."""
        unit = self.replying_units[0]
        opened = self.on
        self.remind("phone", "代表不满意，挂账督办，请于30日内再次答复")
        self.contact(unit, reached=True, phase="after", channel="meeting")
        if self.plan.late_further:
            self.at_least(opened + timedelta(days=self.rng.randint(30, 34)))
        self.classification = "A" if self.classification == "A" else self.rng.choice("AB")
        self.reply(unit, further=True)

    def follow_up(self) -> None:
        p = self.plan
        if p.unit == "HOU":  # 002: the department's office called back on every lead case
            actor = handler("HOU")
        elif self.rng.random() < 0.2:
            actor = OFFICE
        else:
            return
        self.do(
            actor,
            c.RecordFollowUpCall(
                case_id=self.case_id,
                summary=f"电话回访{p.proposer}，了解对答复及落实情况的意见",
                occurred_on=self.later(3, 20),
            ),
        )
