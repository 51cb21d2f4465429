"""The workflow engine: every step a subject takes is a function of this package, one module per
stage (forms, meeting, proposals, decisions, reopen); `core` holds what they share. Callers use
`from reviews import workflow; workflow.decide(...)`: every step is re-exported here."""

from reviews.workflow.core import (
    EDITABLE,
    STEP_LABELS,
    NotAllowed,
    WorkflowError,
    _locked,
    _refuse_if,
    allow,
    blockers,
    open_check_problems,
    permission,
)
from reviews.workflow.decisions import DecisionInput, _quota_refusals, decide, decision_order
from reviews.workflow.forms import (
    _take_self_scores,
    change_profile,
    choose_form,
    get_form,
    return_form,
    save_answer,
    submit_form,
)
from reviews.workflow.meeting import EntryInput, MeetingInput, record_meeting
from reviews.workflow.proposals import ProposalInput, propose, return_proposal
from reviews.workflow.redo import REDO_FROM, may_require_redo, redo_problems, require_redo
from reviews.workflow.reopen import cancel, end_valid_decision, reopen

__all__ = [
    "EDITABLE",
    "REDO_FROM",
    "STEP_LABELS",
    "DecisionInput",
    "EntryInput",
    "MeetingInput",
    "NotAllowed",
    "ProposalInput",
    "WorkflowError",
    "_locked",
    "_quota_refusals",
    "_refuse_if",
    "_take_self_scores",
    "allow",
    "blockers",
    "cancel",
    "change_profile",
    "choose_form",
    "decide",
    "decision_order",
    "end_valid_decision",
    "get_form",
    "open_check_problems",
    "permission",
    "propose",
    "record_meeting",
    "may_require_redo",
    "redo_problems",
    "reopen",
    "require_redo",
    "return_form",
    "return_proposal",
    "save_answer",
    "submit_form",
]
