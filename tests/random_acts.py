"""The commands one case's state allows, for ``tests.random_history``.

Each is chosen only where the rules accept it (a refusal is a bug here and fails the test that
drives it), with the arguments a real user would give: replies wait for a reached contact
(R-C1), a further reply for a face-to-face one after the verdict (R-F2), the lead's reply for
the co opinions or an override (R-R2), publication for the proposer's consent (R-P2, R-P4).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from domain import commands as cmd
from domain.case import Case
from domain.records import Actor, Person, Reply
from domain.rules.approval import approval_refusal
from domain.rules.replies import (
    has_issued_reply,
    latest_issued_classification,
    units_yet_to_reply,
)
from domain.vocabulary import FINDINGS_BY_CLASS
from tests.support import LEADER, OFFICE, handler

UNITS = ("FIN", "HOU", "EDU", "TRA")
# The business "today" of every command: after any date a history reaches.
TODAY = date(2027, 12, 31)
POLICIES = ("hebei-2022", "guangxi-2018")  # guangxi counts disclosure in working days (R-D4)

Act = Callable[[], object]
NextDate = Callable[[str, int], date]  # (case id, most days later) -> the act's date
Command = Callable[[Actor, cmd.CaseCommand], Any]  # (actor, command) -> the command's result


class CaseActs:
    """The commands one case's state allows, each with a weight."""

    def __init__(
        self, case: Case, next_date: NextDate, command: Command, rng: random.Random
    ) -> None:
        self.case = case
        self.id = str(case.id)
        self.next_date = next_date
        self.command = command
        self.rng = rng

    def options(self) -> list[tuple[float, Act]]:
        c = self.case
        found: list[tuple[float, Act]] = []
        if c.key is None:
            found.append((0.3, self.designate_key))
        if c.assigned_on is None:
            found.append((5, self.assign))
            return found
        found.append((0.15, self.remind))
        if c.units:
            found += [(1, self.contact), (0.6, self.visit), (0.3, self.responsibility)]
        if c.disclosure_preference is None:
            found.append((0.4, self.disclosure_preference))
        if any(u not in c.co_opinions for u in c.co_units):
            found.append((1.5, self.co_opinion))
        if self._may_submit():
            found.append((3, self.submit))
        if self._replies("submitted"):
            found.append((4, self.decide))
        if self._replies("approved"):
            found.append((4, self.issue))
        if self._undisclosed():
            found.append((2, self.disclose))
        if self._up() and self._consents()[0]:
            found.append((0.15, self.refuse_since))  # R-P2: refused after publishing
        if self._up() and not self._consents()[0]:
            found.append((1, self.take_down))
        if has_issued_reply(c):
            found.append((0.2, self.follow_up_call))
            # R-F1: a split case's verdict waits for every split unit's reply.
            if c.stage != "rehandling" and len(c.feedback) < 3 and not units_yet_to_reply(c):
                found.append((2.5, self.feedback))
        if latest_issued_classification(c) in FINDINGS_BY_CLASS:
            found.append((1.2, self.reassess))
            if self._may_close_out():
                found.append((2, self.close_out))
        if c.stage == "handling" and not c.ruled and not c.reference:
            found.append((0.2, self.request_reassignment))
        if any(r.status == "open" for r in c.requests.values()):
            found.append((1, self.decide_reassignment))
        return found

    # ------------------------------------------------------------------ state questions

    def _replies(self, status: str) -> list[Reply]:
        return [r for r in self.case.replies.values() if r.status == status]

    def _submitting_units(self) -> list[str]:
        """Replying units with no reply in progress and (but in re-handling) none issued."""
        c = self.case
        units = []
        for unit in c.replying_units:
            mine = [r for r in c.replies.values() if r.unit == unit]
            if any(r.status in ("submitted", "approved") for r in mine):
                continue
            if c.stage != "rehandling" and any(r.issued for r in mine):
                continue
            units.append(unit)
        return units

    def _may_submit(self) -> bool:
        return bool(self._submitting_units())

    def _undisclosed(self) -> list[Reply]:
        return [r for r in self._replies("issued") if r.reply_id not in self.case.disclosures]

    def _up(self) -> list[str]:
        """The published replies not recorded as taken down."""
        return [
            reply_id
            for reply_id, d in self.case.disclosures.items()
            if d.status == "published" and d.taken_down_on is None
        ]

    def _consents(self) -> tuple[bool, bool]:
        pref = self.case.disclosure_preference
        if pref is None:
            return True, False
        return pref.consent_reply, pref.consent_original

    def _may_close_out(self) -> bool:
        c = self.case
        return (
            c.closed_out_on is None
            and latest_issued_classification(c) == "B"
            and bool(c.reassessments)
            and c.reassessments[-1].finding == "fulfilled"
        )

    def _ready_for_approval(self, reply: Reply) -> bool:
        """R-C1 a reached contact first; R-F2 a further reply after a face-to-face one: the
        domain's own ``approval_refusal``, so the history never asks what it would refuse."""
        return approval_refusal(self.case, reply.unit, reply.further) is None

    # ------------------------------------------------------------------ acts

    def on(self, most: int = 30) -> date:
        return self.next_date(self.id, most)

    def do(self, actor: Actor, command: cmd.CaseCommand) -> Any:
        return self.command(actor, command)

    def designate_key(self) -> None:
        # Not "unit": a unit names at most two of its own a year (R-S2), a limit across cases
        # that one case's acts cannot see; its own test covers it.
        sources = ["congress", "government"]
        self.do(
            OFFICE,
            cmd.DesignateKey(
                case_id=self.id,
                source=self.rng.choice(sources),
                leader_in_charge=self.rng.choice([None, "孙副省长"]),
                occurred_on=self.on(10),
            ),
        )

    def assign(self) -> None:
        rng = self.rng
        shape = rng.random()
        units = list(UNITS)
        rng.shuffle(units)
        fields: dict[str, Any]
        if shape < 0.12:
            fields = {"lead_unit": rng.choice([None, units[0]]), "reference": True}
        elif shape < 0.25:
            fields = {"split_units": tuple(units[: rng.randint(2, 3)])}
        else:
            fields = {"lead_unit": units[0], "co_units": tuple(units[1 : 1 + rng.randint(0, 2)])}
        self.do(
            OFFICE,
            cmd.Assign(
                case_id=self.id, assigned_on=self.on(20), policy=rng.choice(POLICIES), **fields
            ),
        )

    def contact(self) -> None:
        rng = self.rng
        self._contact(
            rng.choice(self.case.units),
            phase=rng.choice(["before", "during", "after"]),
            channel=rng.choice(["phone", "wechat", "meeting", "visit", "site", "letter"]),
            reached=rng.random() < 0.8,
        )

    def _meet(self, unit: str) -> None:
        """What a unit does when its reply would be returned: meet the proposer first."""
        channel = self.rng.choice(["meeting", "visit", "site"])
        self._contact(unit, phase="during", channel=channel, reached=True)

    def _contact(self, unit: str, *, phase: str, channel: str, reached: bool) -> None:
        self.do(
            handler(unit),
            cmd.RecordContact(
                case_id=self.id,
                unit=unit,
                phase=phase,
                channel=channel,
                contacted_by=Person(name="王科长", rank="科长"),
                person="张三",
                reached=reached,
                summary="沟通办理思路",
                occurred_on=self.on(),
            ),
        )

    def visit(self) -> None:
        unit = self._acting_unit()
        self.do(
            handler(unit),
            cmd.RecordVisit(
                case_id=self.id,
                unit=unit,
                organised_by=unit,
                visitors=(Person(name="赵处长", rank="处长"),),
                persons=("张三",),
                summary="面对面听取意见",
                proposer_opinion="认可",
                occurred_on=self.on(),
            ),
        )

    def _acting_unit(self) -> str:
        """Mostly a replying unit (re-handling needs its face-to-face contact), else any."""
        replying = self.case.replying_units
        if replying and self.rng.random() < 0.7:
            return str(self.rng.choice(replying))
        return str(self.rng.choice(self.case.units))

    def remind(self) -> None:
        means = self.rng.choice(["phone", "meeting", "on_site", "circular"])
        self.do(
            OFFICE,
            cmd.Remind(case_id=self.id, means=means, note="请抓紧办理", occurred_on=self.on()),
        )

    def responsibility(self) -> None:
        """R-A1: a unit's people, never the very ones on record (that is refused)."""
        unit = self._acting_unit()
        held = self.case.responsibilities.get(unit)
        handlers = [n for n in ("王五", "赵六", "孙七") if held is None or n != held.handler]
        self.do(
            handler(unit),
            cmd.RecordResponsibility(
                case_id=self.id,
                unit=unit,
                unit_leader="李副厅长",
                handler=self.rng.choice(handlers),
                phone=self.rng.choice(["0311-87801234", "13800000000"]),
                occurred_on=self.on(),
            ),
        )

    def disclosure_preference(self) -> None:
        self.do(
            OFFICE,
            cmd.RecordDisclosurePreference(
                case_id=self.id,
                consent_reply=self.rng.random() < 0.8,
                consent_original=self.rng.random() < 0.5,
                occurred_on=self.on(),
            ),
        )

    def refuse_since(self) -> None:
        self.do(
            OFFICE,
            cmd.RecordDisclosurePreference(
                case_id=self.id, consent_reply=False, consent_original=False, occurred_on=self.on()
            ),
        )

    def take_down(self) -> None:
        reply_id = self.rng.choice(self._up())
        self.do(
            OFFICE,
            cmd.RecordTakeDown(
                case_id=self.id,
                reply_id=reply_id,
                taken_down_from="政府门户网站",
                occurred_on=self.on(5),
            ),
        )

    def co_opinion(self) -> None:
        unit = self.rng.choice([u for u in self.case.co_units if u not in self.case.co_opinions])
        self.do(
            handler(unit),
            cmd.RecordCoOpinion(
                case_id=self.id,
                unit=unit,
                summary="会办意见",
                disclosure_opinion=self.rng.choice(["proactive", "proactive", "withheld"]),
                occurred_on=self.on(),
            ),
        )

    def submit(self) -> None:
        rng = self.rng
        unit = rng.choice(self._submitting_units())
        consent, _ = self._consents()
        options = ["proactive", "on_request", "withheld"] if consent else ["on_request", "withheld"]
        disclosure = rng.choice(options)
        self.do(
            handler(unit),
            cmd.SubmitReply(
                case_id=self.id,
                unit=unit,
                classification=rng.choice(["A", "B", "B", "C"]),
                disclosure=disclosure,
                withheld_reason="confidential" if disclosure == "withheld" else None,
                consultation_form_ref="征询表-001",
                summary="答复正文摘要",
                occurred_on=self.on(45),
            ),
        )

    def decide(self) -> None:
        reply = self.rng.choice(self._replies("submitted"))
        ready = self._ready_for_approval(reply)
        if not ready and reply.unit in self.case.units and self.rng.random() < 0.7:
            self._meet(reply.unit)
            return
        approved = ready and self.rng.random() < 0.85
        self.do(
            LEADER,
            cmd.DecideReply(
                case_id=self.id,
                reply_id=reply.reply_id,
                approved=approved,
                leader="钱厅长",
                note="同意" if approved else "退回重办",
                occurred_on=self.on(10),
            ),
        )

    def issue(self) -> None:
        reply = self.rng.choice(self._replies("approved"))
        c = self.case
        missing = reply.unit == c.lead_unit and any(u not in c.co_opinions for u in c.co_units)
        override = "领导同意先行答复" if missing or self.rng.random() < 0.1 else None
        self.do(
            OFFICE if override else handler(reply.unit),  # R-R2: the office overrides
            cmd.IssueReply(
                case_id=self.id,
                reply_id=reply.reply_id,
                document_number=f"函〔2026〕{reply.version}号",
                override_reason=override,
                occurred_on=self.on(10),
            ),
        )

    def disclose(self) -> None:
        reply = self.rng.choice(self._undisclosed())
        consent, consent_original = self._consents()
        if reply.disclosure == "withheld" or not consent or self.rng.random() < 0.2:
            self.do(
                OFFICE,
                cmd.WithholdReply(
                    case_id=self.id,
                    reply_id=reply.reply_id,
                    withheld_reason=self.rng.choice(["proposer_refused", "confidential"]),
                    occurred_on=self.on(25),
                ),
            )
            return
        objected = any(o.disclosure_opinion == "withheld" for o in self.case.co_opinions.values())
        on = self.on(25)
        review = cmd.ReviewDisclosure(
            case_id=self.id, reply_id=reply.reply_id, approved=True, note="同意公开", occurred_on=on
        )
        self.do(OFFICE, review)  # R-P3: the office reviews before publishing
        self.do(
            OFFICE,
            cmd.PublishReply(
                case_id=self.id,
                reply_id=reply.reply_id,
                published_on=on,
                url=f"https://example.gov.cn/replies/{reply.reply_id}",
                include_original=consent_original and self.rng.random() < 0.5,
                secrecy_review_ref="保审-01" if objected else None,
            ),
        )

    def feedback(self) -> None:
        verdict = self.rng.choice(["satisfied", "basically_satisfied", "dissatisfied"])
        self.do(
            OFFICE,
            cmd.RecordFeedback(
                case_id=self.id,
                verdict=verdict,
                comments="措施不够具体" if verdict == "dissatisfied" else "",  # R-F1
                occurred_on=self.on(),
            ),
        )

    def follow_up_call(self) -> None:
        self.do(
            OFFICE,
            cmd.RecordFollowUpCall(case_id=self.id, summary="电话回访", occurred_on=self.on()),
        )

    def reassess(self) -> None:
        classification = latest_issued_classification(self.case)
        assert classification is not None
        finding = self.rng.choice(sorted(FINDINGS_BY_CLASS[classification]))
        self.do(
            OFFICE,
            cmd.Reassess(case_id=self.id, finding=finding, note="回头看", occurred_on=self.on(60)),
        )

    def close_out(self) -> None:
        self.do(OFFICE, cmd.CloseOut(case_id=self.id, note="承诺事项已落实", occurred_on=self.on()))

    def request_reassignment(self) -> None:
        open_units = {r.unit for r in self.case.requests.values() if r.status == "open"}
        units = [u for u in self.case.units if u not in open_units]
        if not units:
            return
        unit = self.rng.choice(units)
        self.do(
            handler(unit),
            cmd.RequestReassignment(
                case_id=self.id, unit=unit, reason="职能不符", occurred_on=self.on()
            ),
        )

    def decide_reassignment(self) -> None:
        c = self.case
        request = self.rng.choice([r for r in c.requests.values() if r.status == "open"])
        approved = c.assignment_rounds < 2 and self.rng.random() < 0.7
        lead = self.rng.choice([u for u in UNITS if u != request.unit])
        self.do(
            OFFICE,
            cmd.DecideReassignment(
                case_id=self.id,
                request_id=request.request_id,
                approved=approved,
                lead_unit=lead if approved else None,
                co_units=(),
                note="同意改办" if approved else "维持原交办",
                # Restarting moves every deadline of the case (R-D2 from the new assignment).
                restart_deadlines=approved and self.rng.random() < 0.5,
                occurred_on=self.on(),
            ),
        )
