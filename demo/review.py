"""Review and close-out (回头看): reassessment findings, on-site reminders and B-class close-out
(R-Rv1/R-Rv2)."""

from __future__ import annotations

from datetime import date

from demo.actors import OFFICE
from demo.dates import FOLLOW_UP_FROM, REASSESSMENT_FROM
from demo.story_base import StoryBase
from domain import commands as c
from domain.vocabulary import SUPERVISION_FINDINGS


class ReviewSteps(StoryBase):
    """The office's later look at whether a reply's promises were kept."""

    def reassess(self) -> None:
        if self.classification == "A" and self.rng.random() < 0.5:
            finding = "implemented" if self.rng.random() < 0.85 else "not_implemented"
            self.review(REASSESSMENT_FROM, finding)
        elif self.classification == "B" and self.rng.random() < 0.8:
            finding = self.rng.choices(("advancing", "stalled", "fulfilled"), (55, 15, 30))[0]
            self.review(REASSESSMENT_FROM, finding)
            if finding == "advancing" and self.rng.random() < 0.5:
                self.review(FOLLOW_UP_FROM, "fulfilled")

    def review(self, start: date, finding: str) -> None:
        notes = {
            "implemented": "答复承诺事项已落实",
            "not_implemented": "答复承诺事项尚未落实",
            "advancing": "按计划推进中",
            "stalled": "推进缓慢，列入督办",
            "fulfilled": "承诺事项已全部兑现",
        }
        self.at_least(start)
        self.do(
            OFFICE,
            c.Reassess(
                case_id=self.case_id,
                finding=finding,
                note=notes[finding],
                occurred_on=self.later(5, 40),
            ),
        )
        if finding in SUPERVISION_FINDINGS:
            self.remind("on_site", "回头看发现承诺事项未落实，现场督办")
        elif finding == "fulfilled":
            self.do(
                OFFICE,
                c.CloseOut(
                    case_id=self.case_id,
                    note="B类承诺事项已兑现，予以销号",
                    occurred_on=self.later(3, 15),
                ),
            )
