"""Replies and disclosure: chasing, submitting, deciding, issuing and publishing or withholding
a reply (R-S3, R-R1..R-R4, R-P1..R-P5, R-D4)."""

from __future__ import annotations

from demo.actors import LEADER, OFFICE, handler
from demo.communication import CommunicationSteps
from demo.dates import DEMO_YEAR
from demo.units import UNIT_BY_CODE
from domain import commands as c


class ReplySteps(CommunicationSteps):
    """From the office's reminders to a reply issued and disclosed (or withheld)."""

    publications = 0  # of this case's replies so far: each is published at a page of its own

    def chase(self, *, overdue: bool) -> None:
        """R-S3: the office reminds slow units, before and after the reply falls due."""
        self.since_assignment(75, 85)
        self.remind("phone", "答复期限临近，请抓紧办理")
        if overdue:
            self.since_assignment(95, 110)
            self.remind("circular", "已超过三个月答复期限，予以通报督办")

    def reply(self, unit: str, *, further: bool = False) -> None:
        option, reason = self.disclosure_option()
        reply_id = self.submit(unit, option, reason)
        if self.plan.returned and not further:
            self.decide(unit, reply_id, approved=False, note="未与代表委员沟通联系到，退回重办")
            self.contact(unit, reached=True, phase="during", channel="phone")
            reply_id = self.submit(unit, option, reason)
        self.decide(unit, reply_id, approved=True, note="同意印发")
        self.issue(unit, reply_id)
        self.disclose(reply_id, option, reason)

    def disclosure_option(self) -> tuple[str, str | None]:
        if self.partner_refused or (self.consent is not None and not self.consent[0]):
            return "withheld", "proposer_refused"
        roll = self.rng.random()
        if roll < 0.05:
            return "withheld", "confidential"
        return ("on_request", None) if roll < 0.15 else ("proactive", None)

    def submit(self, unit: str, option: str, reason: str | None) -> str:
        result = self.do(
            handler(unit),
            c.SubmitReply(
                case_id=self.case_id,
                unit=unit,
                classification=self.classification,
                disclosure=option,
                withheld_reason=reason,
                consultation_form_ref=f"征询意见表-{self.plan.number}",
                summary=f"关于{self.plan.subject}的答复（{self.classification}类）",
                occurred_on=self.later(2, 6),
            ),
        )
        reply_id: str = result.extra["reply_id"]
        return reply_id

    def decide(self, unit: str, reply_id: str, *, approved: bool, note: str) -> None:
        self.do(
            LEADER,
            c.DecideReply(
                case_id=self.case_id,
                reply_id=reply_id,
                approved=approved,
                leader=self.staff(unit).leader_title,
                note=note,
                occurred_on=self.later(1, 3),
            ),
        )

    def issue(self, unit: str, reply_id: str) -> None:
        missing = self.plan.missing_co
        override = None
        if missing is not None and unit == self.plan.unit:
            # Not "逾期": the opinion may still be within its deadline when the reply goes out.
            override = f"{UNIT_BY_CODE[missing].name}会办意见尚未送达，经办公室同意先行答复"
        on = self.later(1, 3)
        self.do(
            OFFICE if override else handler(unit),  # R-R2: the office records an override
            c.IssueReply(
                case_id=self.case_id,
                reply_id=reply_id,
                document_number=self.demo.document_number(unit, on),
                override_reason=override,
                occurred_on=on,
            ),
        )
        self.demo.tally_reply(unit, self.classification)
        self.issued_on = on

    def disclose(self, reply_id: str, option: str, reason: str | None) -> None:
        """R-D4: published within 15 days (a few late), or withheld with a reason (R-P5).
        Each publication at a page of its own: the case's first at its number, the next ones
        numbered beside it (a review's reader found a case's two rows on the register opening
        one page)."""
        if option == "on_request":
            return
        if option == "withheld" or self.rng.random() < 0.04:  # the office's review says no
            if reason is None:
                reason = "confidential" if self.co_objects else "other: 涉及尚在研究的政策措施"
            self.do(
                OFFICE,
                c.WithholdReply(
                    case_id=self.case_id,
                    reply_id=reply_id,
                    withheld_reason=reason,
                    occurred_on=self.later(1, 8),
                ),
            )
            return
        late = not self.plan.exemplary and self.rng.random() < 0.05
        self.publications += 1
        page = "" if self.publications == 1 else f"-{self.publications}"
        # R-P3: the office reviews the reply (and names the secrecy review) before it is published.
        secrecy = f"保密审查-{self.plan.number}" if self.co_objects else None
        self.do(
            OFFICE,
            c.ReviewDisclosure(
                case_id=self.case_id,
                reply_id=reply_id,
                approved=True,
                note="经审核同意公开",
                occurred_on=self.later(0, 2),
                secrecy_review_ref=secrecy,
            ),
        )
        self.do(
            OFFICE,
            c.PublishReply(
                case_id=self.case_id,
                reply_id=reply_id,
                published_on=self.later(16, 25) if late else self.later(2, 12),
                url=f"https://www.example.gov.cn/jyta/{DEMO_YEAR}/{self.plan.number}{page}.html",
                include_original=self.consent is not None and self.consent[1],
            ),
        )
