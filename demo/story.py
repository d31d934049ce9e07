"""A whole case story: the stage steps in order, from registration to the last review."""

from __future__ import annotations

from demo.assignment import AssignmentSteps
from demo.feedback import FeedbackSteps
from demo.review import ReviewSteps


class Story(AssignmentSteps, FeedbackSteps, ReviewSteps):
    """One case's commands in business-date order; ``self.on`` is the case's own clock."""

    def run(self) -> None:
        self.open()
        self.finish()

    def open(self) -> None:
        """Registration to the eve of the reply: assignment, contacts, visits, co opinions."""
        self.register()
        self.assign()
        if self.plan.reference:
            self.reference_contact()
            return
        self.reassign()
        self.designate_key()
        self.responsibilities()
        for unit in self.replying_units:
            self.first_contact(unit)
        self.disclosure_preference()
        self.meet()
        self.on_site()
        self.co_opinions()

    def finish(self) -> None:
        outcome = self.plan.outcome
        if self.plan.reference or outcome == "recent":
            return
        if outcome == "open":
            self.chase(overdue=True)
            return
        if outcome == "late":
            self.chase(overdue=False)
            self.since_assignment(93, 110)
        for unit in self.replying_units:
            self.reply(unit)
        self.after_reply()

    def after_reply(self) -> None:
        """A late co opinion, feedback (and any re-handling), a follow-up call, 回头看."""
        if self.plan.missing_co is not None and self.plan.missing_co_arrives:
            self.co_opinion(self.plan.missing_co, self.later(3, 20))
        verdict = self.plan.verdict
        if verdict is not None:
            self.feedback(verdict)
        if verdict == "dissatisfied":
            self.rehandle()
            self.feedback("basically_satisfied")
        self.follow_up()
        self.reassess()
