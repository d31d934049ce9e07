"""Request schemas shared by several routes (pydantic v2), separate from the domain's types,
the set-up bodies (API.md § Set-up) and what every command answers.

Closed vocabularies are the ``Literal``s of ``domain.vocabulary`` so the OpenAPI document lists
them; the rules themselves are checked by the domain, which names the rule a refused command
breaks. The bodies of case commands are in ``schemas_assignment``, ``schemas_handling`` and
``schemas_review``; each maps itself to its typed command (``command``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr

from api.fields import Code, Day, Name, storable
from domain import records
from domain.vocabulary import ProposerRole, ProposerType, Role


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    """An answer's model. Read from the read side's rows and documents, it refuses a key it
    does not declare: a read that grows a key fails its tests (500) instead of losing the key
    without a word, and the OpenAPI document closes the object (``additionalProperties``)."""

    model_config = ConfigDict(extra="forbid")


class Person(Body):
    name: Name
    rank: Name

    def record(self) -> records.Person:
        return records.Person(name=self.name, rank=self.rank)


class Proposer(Body):
    name: Name
    type: ProposerType
    role: ProposerRole

    def record(self) -> records.Proposer:
        return records.Proposer(name=self.name, type=self.type, role=self.role)


class UnitCreate(Body):
    code: Annotated[Code, Field(min_length=1)]
    name: Annotated[Name, Field(min_length=1)]


class UserCreate(Body):
    username: Annotated[StrictStr, Field(min_length=1, max_length=100), AfterValidator(storable)]
    display_name: Annotated[Name, Field(min_length=1)]
    role: Role
    unit_code: Code | None = None


class CalendarYear(Body):
    holidays: Annotated[list[Day], Field(max_length=366)]
    workdays: Annotated[list[Day], Field(max_length=366)] = []


class EventRef(BaseModel):
    id: str
    type: str
    position: int | None = None


class CommandAnswer(BaseModel):
    case_id: str
    version: int
    events: list[EventRef]
    reply_id: str | None = None
    request_id: str | None = None
    merge_id: str | None = None
    case_ids: list[str] | None = None
    link_id: str | None = None
    document_id: str | None = None
