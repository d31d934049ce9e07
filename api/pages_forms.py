"""The case page's forms: one per case command of API.md, each the fields of its request body
(``schemas_*``) and nothing else, shown to the roles the API admits at the stages where the
command makes sense.

A posted form becomes that very body (``Body.model_validate``: the same strict, bounded types
as JSON) and then its typed command (``body.command(…)``), run by ``BanliApplication.execute``
like the API's: no rule is judged here. Which forms a page offers is a convenience, not a
rule: a form shown at the wrong moment is refused by the domain, with its rule id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api import schemas_review as sr
from api.pages_labels import LABELS, status_word
from api.pages_ledger_rows import is_remindable
from api.pages_web import Form
from api.schemas import Body
from api.schemas_audit import AuditEventPublic
from api.schemas_case import CasePublic, ReplyPublic
from domain.case import Case
from domain.corrections import CORRECTABLE
from domain.deadlines.status import OPEN_STATUSES
from domain.errors import DomainError
from domain.records import Actor
from domain.rules.accountability import correction_refusal
from domain.rules.assignment import check_may_request_reassignment, ruling_refusal
from domain.rules.deadlines import EXTENDABLE, check_co_opinion_open
from domain.rules.disclosure import approves_publishing
from domain.rules.replies import has_issued_reply
from domain.rules.review import check_close_out_allowed
from domain.rules.submission import check_may_submit
from infra import paper_labels as words
from infra.directory import Principal
from projections.audit_trail import correction_day

OPEN = frozenset({"handling", "replied", "rehandling"})
ANY = frozenset({"registered", "handling", "replied", "rehandling", "closed"})


def options(vocabulary: str) -> tuple[tuple[str, str], ...]:
    return tuple(LABELS[vocabulary].items())


# Field kinds shown beside a form and never sent: a ruling's open 改办 requests, the office's
# recommendation, what approving a reply would be refused for now.
SHOWN_ONLY = frozenset({"shown_requests", "shown_recommendation", "shown_obstacles"})


@dataclass(frozen=True)
class Field:
    """One input. ``kind``: text, textarea, date, select, bool (是/否), check, units (several
    unit codes), unit (one), case_unit (one of the case's units), person (name and rank),
    people (a line per ``姓名 职务``), finding (a 回头看's, those the case's reply class allows),
    names (a line each), own_unit (the handler's unit, not editable), unit_code (a visit's
    organising unit: the handler's own, shown by name and sent, R-V1), reply, request (a
    reassignment request), shown_requests (the open reassignment requests, shown and not
    sent), extension (an extension request), shown_recommendation (the office's
    recommendation a ruling answers, shown and not sent), shown_obstacles (what approving a
    reply would be refused for now, shown and not sent), extendable (a kind of deadline the
    handler's unit may still ask to extend), repeat (a possible repeat), event, reason
    (R-P5: one of ``choices`` and words beside it, sent as one text: ``confidential``,
    ``other: 涉及…``)."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True
    default: str = ""
    # A required date starts on today (the business date, R-X1); one the user must choose
    # (the date an extension asks for, never today) starts empty.
    starts_today: bool = True
    # When a field the form does not require is needed after all (shown for "选填").
    needed_when: str = ""


@dataclass(frozen=True)
class AtHand:
    """A case as its page holds it: the document it shows, its events, and the domain's state
    both were read from, loaded once, which a form's ``due`` asks the domain's rules about
    (a page that restated a rule on the document could drift from it)."""

    case: CasePublic
    events: list[AuditEventPublic]
    state: Case


def allowed(check: Callable[[], object]) -> bool:
    """Whether the domain's ``check`` takes the case as it stands (it raises if not)."""
    try:
        check()
    except DomainError:
        return False
    return True


@dataclass(frozen=True)
class CaseForm:
    name: str  # the form's path: /cases/{id}/forms/{name}
    title: str
    roles: frozenset[str]
    body: type[Body]
    fields: tuple[Field, ...]
    stages: frozenset[str] = OPEN
    # The path ids of the command besides the case (``reply_id``, ``request_id``): fields.
    ids: tuple[str, ...] = ()
    # Where a refusal naming a rule is shown (R-X1, a date, is found by itself).
    rule_fields: dict[str, str] = field(default_factory=dict)
    # Which replies the ``reply`` field offers: their statuses (None: any).
    reply_statuses: frozenset[str] | None = None
    # Handlers only for the units that have this part (co-opinion: co units; replies: lead;
    # reassign: a unit with no 改办 request awaiting the office).
    handler_part: str | None = None
    # Extra fixed values of the body (one body, two commands: publish or withhold).
    fixed: dict[str, Any] = field(default_factory=dict)
    # Only replies whose disclosure is not decided yet (R-P1: a reply is published or withheld
    # once; the review, publish and withhold forms name only the others).
    undecided_disclosure: bool = False
    # Only replies the office's latest review approved for publishing (R-P3): publishing any
    # other could only be refused.
    reviewed_disclosure: bool = False
    # Which replies it may name besides (None: any the options above let through).
    reply_if: Callable[[CasePublic, ReplyPublic], bool] | None = None
    # Offered only when the domain would take it now (None: whenever the stage and roles fit).
    due: Callable[[AtHand], bool] | None = None
    # What its fields start on, from the case and who fills it in (None: nothing chosen).
    presets: Callable[[CasePublic, Principal], dict[str, list[str]]] | None = None
    # What the workbench refuses beyond the API, before the command runs (a RuleViolation).
    page_check: Callable[[Any], None] | None = None

    def field_for(self, rule: str | None) -> str | None:
        if rule in self.rule_fields:
            return self.rule_fields[rule]
        dates = [f.name for f in self.fields if f.kind == "date"]
        return dates[0] if rule == "R-X1" and dates else None

    def field_of(self, error: Exception) -> str:
        """Where a refusal is said: the form's field the refusal names itself (R-A1's
        分办至少两个单位 names 分办单位), else the field its rule speaks for, else the form's
        top (a refusal of split units was said under 主办单位, the rule's usual field)."""
        rule = getattr(error, "rule", None)
        return self.field_named(getattr(error, "field", None)) or self.field_for(rule) or ""

    def field_named(self, field: str | None) -> str:
        """The form's field a plain check names (``contacted_by.rank`` is ``contacted_by``'s),
        or "" (the form's top) when the form has none such."""
        top = (field or "").partition(".")[0]
        return top if any(f.name == top for f in self.fields) else ""

    def labels(self) -> dict[str, str]:
        return {f.name: f.label for f in self.fields}


def replies_for(
    form: CaseForm,
    case: CasePublic,
    who: Principal,
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The replies a form may name: of the statuses it acts on, a handler's own unit's only;
    each shown by its unit's name (``names``), class and status."""
    names = names or {}
    decided = decided_disclosures(case) if form.undecided_disclosure else set()
    found = []
    for reply in case.replies:
        if form.reply_statuses is not None and reply.status not in form.reply_statuses:
            continue
        review = case.disclosure_reviews.get(reply.reply_id)
        if form.reviewed_disclosure and not approves_publishing(review):
            continue
        if who.role == "handler" and reply.unit != who.unit:
            continue
        if reply.reply_id in decided:
            continue
        if form.reply_if is not None and not form.reply_if(case, reply):
            continue
        words = reply_words(reply, names)
        published = case.disclosures.get(reply.reply_id)
        if published is not None and published.published_on is not None:
            # 登记撤下 names published replies: the day it went up bounds the take-down's (R-X1).
            words += f" · {published.published_on.isoformat()} 公开"
        found.append((reply.reply_id, words))
    return found


def reply_words(reply: ReplyPublic, names: Mapping[str, str]) -> str:
    """A reply as a choice names it: unit, class, status, the day it was submitted and its 文号
    once issued. Unit and class alone named a returned reply and its resubmission alike, and a
    reply letter could be filed under the returned one."""
    words = [
        names.get(reply.unit, reply.unit),
        f"{reply.classification} 类",
        LABELS["reply_status"][reply.status],
        *(["进一步答复"] if reply.further else []),
        f"{reply.submitted_on.isoformat()} 送审",
        *([reply.document_number] if reply.document_number else []),
    ]
    return " · ".join(words)


def decided_disclosures(case: CasePublic) -> set[str]:
    """The replies already published or withheld (R-P1, R-P5): those the case holds a
    disclosure for (publishing or withholding records one, as the domain's ``check_undecided``
    asks), and those submitted as 不予公开 with their reason, which the register lists as
    withheld and which may never be published (``check_publishable``)."""
    withheld = {r.reply_id for r in case.replies if r.disclosure == "withheld"}
    return withheld | set(case.disclosures)


def published_up(case: CasePublic, reply: ReplyPublic) -> bool:
    """A reply published and not recorded as taken down since (R-P2's 登记撤下 names one)."""
    published = case.disclosures.get(reply.reply_id)
    return published is not None and published.status == "published" and not published.taken_down_on


def open_requests(
    case: CasePublic, names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Reassignment requests not yet decided nor superseded (R-A3), each shown as the
    requesting unit's name and its reason."""
    names = names or {}
    return [
        (r.request_id, f"{names.get(r.unit, r.unit)}：{r.reason}")
        for r in case.reassignment_requests
        if r.status == "open"
    ]


def recommendation_shown(
    case: CasePublic, names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """R-A2: the office's recommendation a ruling answers, in words; without one, that the
    office has made none (a ruling is accepted without one: API.md's ruling takes none)."""
    names = names or {}
    rec = case.ruling_recommendation
    if rec is None:
        return [("", "办公室尚未提出建议（R-A2：第三次交办由分管领导依办公室的建议裁定）")]
    words = f"主办 {names.get(rec.lead_unit, rec.lead_unit)}"
    if rec.co_units:
        words += "，会办 " + "、".join(names.get(u, u) for u in rec.co_units)
    if rec.restart_deadlines:
        words += "，重新计算办理期限"
    return [("", f"{words}（{rec.occurred_on}）：{rec.note}")]


def recommended_units(case: CasePublic, who: Principal) -> dict[str, list[str]]:
    """R-A2: the units a leader's ruling form starts on, the office's recommendation's (the
    leader may choose others); nothing without a recommendation."""
    rec = case.ruling_recommendation
    if rec is None:
        return {}
    restart = ["1"] if rec.restart_deadlines else []  # R-A4, as the office proposed
    return {
        "lead_unit": [rec.lead_unit],
        "co_units": list(rec.co_units),
        "restart_deadlines": restart,
    }


def current_co_units(case: CasePublic, who: Principal) -> dict[str, list[str]]:
    """R-A3: the co-units a 改办 decision starts on, the case's own (the office removes one
    that is to leave)."""
    return {"co_units": list(case.co_units)}


def recorded_people(case: CasePublic, who: Principal) -> dict[str, list[str]]:
    """R-A1: the 责任分解 form starts on the people the handler's unit has on record (so a
    change is one field's), or on the handler as the person handling it."""
    held = next((r for r in case.responsibilities if r.unit == who.unit), None)
    if held is None:
        return {"handler": [who.display_name]}
    return {"unit_leader": [held.unit_leader], "handler": [held.handler], "phone": [held.phone]}


def returned_draft(case: CasePublic, who: Principal) -> dict[str, list[str]]:
    """R-R2 退回重办: the 答复送审 form starts on the unit's returned reply, to be redone, not
    typed again (a review retyped class, form number and text after every return)."""
    own = [r for r in case.replies if r.unit == who.unit]
    last = own[-1] if own else None
    if last is None or last.status != "returned":
        return {}
    draft: dict[str, list[str]] = {
        "classification": [last.classification],
        "disclosure": [last.disclosure],
        "consultation_form_ref": [last.consultation_form_ref],
        "summary": [last.summary],
    }
    if last.withheld_reason:
        draft["withheld_reason"] = [last.withheld_reason]
    return draft


def open_extensions(
    case: CasePublic, names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Extension requests the office has yet to decide (R-E1), as the decision form names them."""
    names = names or {}
    return [
        (
            x.request_id,
            f"{names.get(x.unit, x.unit)} · {LABELS['deadline'][x.deadline_kind]} · "
            f"原定 {x.original_due_on} → 申请 {x.requested_due_on}：{x.reason}",
        )
        for x in case.extensions
        if x.status == "open"
    ]


def replying_units(case: CasePublic) -> list[str]:
    """The units that reply (R-R3): the lead unit, or each split unit (the domain's
    ``Case.replying_units``, on the page's copy of the case)."""
    return [case.lead_unit] if case.lead_unit else list(case.split_units)


def extendable_kinds(case: CasePublic, unit: str | None) -> list[tuple[str, str]]:
    """The deadlines ``unit`` may ask to extend (R-E1), as the request form offers them: its
    own, still open, never extended nor asked for before. The domain judges the request
    (``rules.deadlines.extendable_deadline``); offering a kind it could only refuse sent a co
    unit to ask for the lead's reply deadline, or for one already extended or met. A deadline
    passed today stays offered: a request made on paper before it passed is recorded with its
    own date (R-X1), and the domain judges it as of that date."""
    replying = replying_units(case)
    asked = {
        (x.deadline_kind, x.unit, x.opened_on)
        for x in case.extensions
        if x.status in ("open", "approved")
    }
    due = {
        d.kind: d
        for d in case.deadlines
        if d.kind in EXTENDABLE
        and (d.unit == unit or (d.kind == "rehandling" and d.unit is None and unit in replying))
        and d.status in OPEN_STATUSES
        and (d.kind, unit, d.opened_on) not in asked
    }
    # Each with its due date and status: one passed today is asked for only with the date of
    # a request made before it passed.
    return [
        (k, f"{LABELS['deadline'][k]}（{due[k].due_on} 到期，{status_word(due[k].status)}）")
        for k in EXTENDABLE
        if k in due
    ]


def possible_repeats(case: CasePublic) -> list[tuple[str, str]]:
    """The earlier cases found alike (R-S4), each with the office's verdict so far: a verdict
    may be given again (the domain keeps the last), so a reviewed one is offered too."""
    return [
        (
            r.case_id,
            # Short enough for the form's column; the similarity is in the page's table.
            f"{r.number}（{r.year}）· {LABELS['repeat_status'][r.status]}",
        )
        for r in case.possible_repeats
    ]


def not_ruled(hand: AtHand) -> bool:
    """R-A2: after a leader's ruling no reassignment request is taken."""
    return not hand.state.ruled


def ruling_due(hand: AtHand) -> bool:
    """R-A2: a leader rules only once both assignment rounds are used, and only once."""
    return ruling_refusal(hand.state.assignment_rounds, hand.state.ruled) is None


def owes_a_reply(hand: AtHand) -> bool:
    """R-R3: a reference case (参阅件) owes no written reply, so it has no reply to submit and
    no reply, co-opinion or re-handling deadline to extend: those forms would only be refused."""
    return not hand.state.reference


def co_opinion_outstanding(hand: AtHand) -> bool:
    """R-R2: the office overrides only while a co unit's opinion is still awaited."""
    deadlines = hand.case.deadlines
    return any(d.kind == "co_opinion" and d.status in OPEN_STATUSES for d in deadlines)


def reply_under_way(case: CasePublic) -> bool:
    """A reply of the case submitted, approved or issued: written for what the case is now
    (merged or not), so a merge is neither made nor undone under it (R-M1)."""
    return any(r.status in ("submitted", "approved", "issued") for r in case.replies)


def mergeable(hand: AtHand) -> bool:
    """R-M1: a case not merged yet, not a reference case, with no reply under way."""
    case = hand.case
    return case.merge is None and not case.reference and not reply_under_way(case)


def undoable_merge(hand: AtHand) -> bool:
    """R-M1: a merge with no reply under way can be undone (on every case of it); a partner's
    page cannot see the primary's reply, and the domain's refusal then says why."""
    case = hand.case
    merge = case.merge
    return merge is not None and merge.answered_by is None and not reply_under_way(case)


def awaits_feedback(hand: AtHand) -> bool:
    """R-F1/R-F2: a verdict answers an issued reply; the further reply after a dissatisfied
    one closes the case, which still awaits the verdict on it (the last verdict counts) while
    the last on record is that dissatisfied one. (The domain takes a verdict on any replied
    case not being re-handled, a later one counting: the page offers the form where one is
    awaited, not wherever one would be taken.)"""
    case = hand.case
    if case.stage == "replied":
        return True
    further_issued = any(r.further and r.status == "issued" for r in case.replies)
    last = case.feedback[-1] if case.feedback else None
    return (
        case.stage == "closed"
        and further_issued
        and last is not None
        and last.verdict == "dissatisfied"
    )


def reassessable(hand: AtHand) -> bool:
    """R-Rv1: a 回头看 has something it may find (an A- or B-class reply issued)."""
    return bool(hand.case.reassessment_findings)


def replied(hand: AtHand) -> bool:
    """R-F3: a call back follows a reply issued (a merge's answers a partner); a 参阅件 gets
    none (R-R3), closed though it is once its proposer is reached (R-D5)."""
    return has_issued_reply(hand.state)


def closable_out(hand: AtHand) -> bool:
    """R-Rv2: 销号 closes out a B-class commitment the latest 回头看 found fulfilled, once."""
    return allowed(lambda: check_close_out_allowed(hand.state))


def remindable(hand: AtHand) -> bool:
    """R-S3: the 催办 form, where the 督办 rows offer one (``is_remindable``)."""
    return is_remindable(hand.case.stage, hand.case.under_supervision)


def _handlers_part_open(form: CaseForm, hand: AtHand, unit: str | None) -> bool:
    """Whether a handler's unit still has the part ``form`` acts for, as the domain judges it:
    a co-opinion not yet given by a co unit (R-D1), a reply the unit may submit now (R-R3, R-M1,
    R-R2, R-F2), a 改办 request while it has none open (R-A3)."""
    state, own = hand.state, unit or ""
    if form.handler_part == "co":
        return allowed(lambda: check_co_opinion_open(state, own))
    if form.handler_part == "reply":
        return allowed(lambda: check_may_submit(state, own))
    if form.handler_part == "reassign":
        return allowed(lambda: check_may_request_reassignment(state, own))
    return True


def correctable_events(events: list[Any], who: Principal) -> list[Any]:
    """The events ``who`` may correct (R-X2: the office any but a proposer's own words, anyone
    else those they recorded; ``correction_refusal``), of a type with something to correct
    (an assignment, a correction itself has nothing)."""
    actor = who.actor()
    return [
        e
        for e in events
        if CORRECTABLE.get(e.type) and correction_refusal(actor, recorded_by(e)) is None
    ]


def corrected_day(event: AuditEventPublic, events: list[AuditEventPublic]) -> object:
    """The day ``event`` happened as it now stands: its latest correction's, if one moved it
    (R-X2; a corrected contact was still listed under its first date)."""
    day: object = event.occurred_on
    for later in events:
        moved = correction_day(later.data) if later.corrects == event.id else None
        day = moved or day
    return day


def recorded_by(event: AuditEventPublic) -> Actor:
    """Who recorded ``event``, as the domain names an actor (an event of no user: no one)."""
    who = event.actor
    return Actor(user=who.user or "", role=who.role or "", unit=who.unit)


def _has_choices(form: CaseForm, case: CasePublic, who: Principal, events: list[Any]) -> bool:
    """A form naming a reply, a request, an extension, a repeat or an event to correct makes
    sense only when there is one to name."""
    kinds = {f.kind for f in form.fields}
    if "reply" in kinds and not replies_for(form, case, who):
        return False
    if "request" in kinds and not open_requests(case):
        return False
    if "extension" in kinds and not open_extensions(case):
        return False
    if "extendable" in kinds and not extendable_kinds(case, who.unit):
        return False
    if "event" in kinds and not correctable_events(events, who):
        return False
    return "repeat" not in kinds or bool(case.possible_repeats)


def applies(form: CaseForm, hand: AtHand, who: Principal) -> bool:
    """Whether the page offers ``form`` to ``who`` on the case now."""
    case = hand.case
    if who.role not in form.roles or case.stage not in form.stages:
        return False
    if who.role == "handler" and not _handlers_part_open(form, hand, who.unit):
        return False
    if form.due is not None and not form.due(hand):
        return False
    return _has_choices(form, case, who, hand.events)


Parsed = dict[str, Any]
Problems = dict[str, str]


# People apart: a line each, or on one line after 、 or ；. One person: 姓名 职务 (any space, the
# full-width one an input method types, or a comma between), or 姓名（职务）, as the timeline
# and the 沟通联络总台账 print them. Read otherwise, 蒋振华（处长） had no rank, and 张三 处长、
# 李四 科长 was one person ranked 处长、李四 科长.
# (Not a 、 inside a rank's brackets: 钱七（副处长、一级调研员） is one person.)
_PEOPLE_APART = re.compile(r"[\n；;]|、(?![^（(]*[）)])")
_NAME_AND_RANK_APART = re.compile(r"[\s,，]+")
_RANK_IN_BRACKETS = re.compile(r"(.+?)\s*[（(](.+)[）)]")


def _people(text: str) -> list[dict[str, str]]:
    people = []
    for person in filter(None, (part.strip() for part in _PEOPLE_APART.split(text))):
        bracketed = _RANK_IN_BRACKETS.fullmatch(person)
        if bracketed:
            name, rank = bracketed.groups()
        else:
            name, _, rank = _NAME_AND_RANK_APART.sub(" ", person).partition(" ")
        people.append({"name": name.strip(), "rank": rank.strip()})
    return people


def _reason(form: Form, name: str) -> str:
    """R-P5: the reason chosen, with the words written beside it (``confidential: 含工作秘密``;
    其他 alone is no reason, and the domain refuses it); words with no reason chosen, as
    written."""
    kind, words = form.get(f"{name}.kind").strip(), form.get(f"{name}.text").strip()
    if kind and words:
        return f"{kind}: {words}"
    return kind or words


READERS: dict[str, Callable[[Form, str], Any]] = {
    "reason": _reason,
    "check": lambda form, name: form.has(name),
    "bool": lambda form, name: {"true": True, "false": False}.get(form.get(name), form.get(name)),
    "units": lambda form, name: [u for u in form.getlist(name) if u],
    "people": lambda form, name: _people(form.get(name)),
    "names": lambda form, name: _names(form.get(name)),
    "person": lambda form, name: {
        "name": form.get(f"{name}.name").strip(),
        "rank": form.get(f"{name}.rank").strip(),
    },
}


# A correctable field with fixed values (R-X2) is typed as its word on the page (办前), and
# stored as its code (before); the code itself is still taken.
CORRECTABLE_VOCABULARIES = {"phase": words.PHASE}
CORRECTABLE_WORDS = {
    field: {word: code for code, word in vocabulary.items()}
    for field, vocabulary in CORRECTABLE_VOCABULARIES.items()
}


def _one_person(text: str) -> dict[str, str] | str:
    """联系人 as 姓名 职务; anything else as typed (the domain says what a person needs)."""
    found = _people(text)
    return found[0] if len(found) == 1 else text


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace("、", "\n").splitlines() if n.strip()]


# The corrections typed as their own forms take them: one person, people, names, yes or no.
CORRECTED_AS: dict[str, Callable[[str], Any]] = {
    "contacted_by": _one_person,
    "visitors": _people,
    "persons": _names,
    "proposer_present": lambda text: {"是": True, "否": False}.get(text.strip(), text),
}


def corrected_value(field: str, text: str) -> Any:
    """A correction's new value as the field's own form would send it (a phase by its word,
    联系人 as 姓名 职务, …); what does not read so goes as typed, for the domain to refuse."""
    if field in CORRECTED_AS:
        return CORRECTED_AS[field](text)
    return CORRECTABLE_WORDS.get(field, {}).get(text.strip(), text)


def body_data(form: CaseForm, posted: Form, who: Principal) -> Parsed:
    """The request body the form's fields make (JSON's shapes: lists, booleans, objects).

    An empty optional field is left out, so the body's default applies, as an absent JSON key."""
    if form.body is sr.Correction:
        # One field and its new value: the body's ``corrected`` object.
        field = posted.get("field")
        value = corrected_value(field, posted.get("value"))
        # No field chosen is no correction ("更正内容不能为空"), not a field named "".
        corrected = {field: value} if field else {}
        return {
            "event_id": posted.get("event_id"),
            "reason": posted.get("reason"),
            "corrected": corrected,
        }
    data: Parsed = dict(form.fixed)
    for f in form.fields:
        if f.name in form.ids:
            continue  # a path id of the command (``reply_id`` of an approval), not the body's
        if f.kind == "own_unit":
            data[f.name] = who.unit
            continue
        if f.kind in SHOWN_ONLY:
            continue  # shown to the decider, no part of the body
        read = READERS.get(f.kind)
        value = read(posted, f.name) if read else posted.get(f.name).strip()
        if value == "" and not f.required:
            continue
        data[f.name] = value
    return data
