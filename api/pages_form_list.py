"""The case page's forms, one per case command of API.md (``pages_forms`` says how a form
becomes its command): for each, its fields (those of its request body, and nothing else), the
roles the API admits, the stages where it makes sense, and the field a refusal naming a rule is
shown beside. The forms are listed by stage in ``pages_forms_handling`` and
``pages_forms_replies``, in the order the case page shows them."""

from __future__ import annotations

from api.pages_forms import CaseForm
from api.pages_forms_handling import HANDLING_FORMS
from api.pages_forms_replies import REPLY_FORMS

FORMS: tuple[CaseForm, ...] = (*HANDLING_FORMS, *REPLY_FORMS)
FORMS_BY_NAME = {f.name: f for f in FORMS}
