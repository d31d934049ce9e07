"""Registration and assignment: assign, key designation, reassignment requests and rulings."""

from __future__ import annotations

from demo.actors import LEADER, OFFICE, handler
from demo.dates import DEMO_YEAR
from demo.story_base import StoryBase
from demo.units import UNIT_BY_CODE
from domain import commands as c
from domain.records import Proposer


class AssignmentSteps(StoryBase):
    """R-A1..R-A4 and key cases: from registration until the final lead unit holds the case."""

    def register(self) -> None:
        p = self.plan
        command = c.RegisterCase(
            number=p.number,
            kind=p.kind,
            level=p.level,
            year=DEMO_YEAR,
            title=p.title,
            proposers=tuple(Proposer(**q) for q in p.proposers),
            received_on=p.received_on,
        )
        result = self.demo.app.register(self.demo.ctx(OFFICE), command)
        self.case_id = result.case_id

    def assign(self) -> None:
        p = self.plan
        self.on = p.assigned_on
        if p.reference:
            command = c.Assign(
                case_id=self.case_id, assigned_on=self.on, lead_unit=p.unit, reference=True
            )
        elif p.split:
            command = c.Assign(
                case_id=self.case_id, assigned_on=self.on, split_units=tuple(p.split)
            )
        else:
            lead = p.earlier_units[0] if p.earlier_units else p.unit
            command = c.Assign(
                case_id=self.case_id, assigned_on=self.on, lead_unit=lead, co_units=tuple(p.co)
            )
        self.do(OFFICE, command)

    def designate_key(self) -> None:
        p = self.plan
        if p.key_source is None or p.unit is None:
            return
        actor = handler(p.unit) if p.key_source == "unit" else OFFICE
        self.do(
            actor,
            c.DesignateKey(
                case_id=self.case_id,
                source=p.key_source,
                leader_in_charge=self.staff(p.unit).leader_title,
                occurred_on=self.later(0, 3),
            ),
        )

    def reassign(self) -> None:
        p = self.plan
        if p.reassignment is None or p.unit is None:
            return
        if p.reassignment == "rejected":
            request = self.request_reassignment(p.unit, "该件涉及多个部门职责，建议改由他单位主办")
            self.decide_reassignment(request, None, "经研究，该件主要涉及贵单位职责，请继续主办")
            return
        first = p.earlier_units[0]
        second = p.earlier_units[1] if p.reassignment == "ruled" else p.unit
        request = self.request_reassignment(first, f"该件主要涉及{UNIT_BY_CODE[second].name}职责")
        restart = p.reassignment == "approved_restart"  # R-A4: only when the office says so
        self.decide_reassignment(request, second, "同意改办", restart=restart)
        if p.reassignment == "ruled":  # R-A2: a third round only by the leader's ruling
            self.request_reassignment(second, f"该件应由{UNIT_BY_CODE[p.unit].name}主办")
            on = self.later(1, 3)
            # On the office's recommendation, made the day the leader rules.
            self.do(
                OFFICE,
                c.RecommendRuling(
                    case_id=self.case_id,
                    lead_unit=p.unit,
                    co_units=tuple(p.co),
                    note=f"已两次批分，建议由{UNIT_BY_CODE[p.unit].name}主办，报分管厅领导裁定",
                    occurred_on=on,
                ),
            )
            self.do(
                LEADER,
                c.RuleOnAssignment(
                    case_id=self.case_id,
                    leader=self.staff(p.unit).leader_title,
                    lead_unit=p.unit,
                    co_units=tuple(p.co),
                    note="已两次批分，经办公室建议报分管厅领导裁定",
                    occurred_on=on,
                ),
            )

    def request_reassignment(self, unit: str, reason: str) -> str:
        result = self.do(
            handler(unit),
            c.RequestReassignment(
                case_id=self.case_id, unit=unit, reason=reason, occurred_on=self.later(1, 4)
            ),
        )
        request_id: str = result.extra["request_id"]
        return request_id

    def decide_reassignment(
        self, request_id: str, lead: str | None, note: str, *, restart: bool = False
    ) -> None:
        self.do(
            OFFICE,
            c.DecideReassignment(
                case_id=self.case_id,
                request_id=request_id,
                approved=lead is not None,
                note=note,
                restart_deadlines=restart,
                occurred_on=self.later(1, 3),
                lead_unit=lead,
                co_units=tuple(self.plan.co) if lead else (),
            ),
        )
