"""Recorded decisions of a deciding committee besides the ratings themselves, each with a reason,
locked and written to the season's audit chain like the workflow's steps:

- raising one group's rate of HTXSNV for a season (R366-RATE-10);
- ordering a check and a re-appraisal before a decision, and concluding it (R366-ORDER-4).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access
from reviews.audit import append_event
from reviews.models import CheckFlag, QuotaGroup, Subject
from reviews.workflow import WorkflowError, allow


@transaction.atomic
def raise_quota(*, group: QuotaGroup, actor, percent: int, reason: str) -> QuotaGroup:
    """R366-RATE-10: the group's units had outstanding results beyond plan, so the deciding
    committee lets up to `percent` % of its HTTNV count be HTXSNV this season (at most the rule
    set's `raised_percent`, 25 by default); back to the rule set's rate with percent = its rate."""
    allow(access.may_raise_quota(actor, group))
    group = (
        QuotaGroup.objects.select_for_update().select_related("season__rule_set", "decider").get(pk=group.pk)
    )
    quota = group.season.rule_set.quota
    ceiling, usual = quota.get("raised_percent"), quota["percent"]
    problems = []
    if not ceiling:
        problems.append(_("This rule set does not allow raising the rate."))
    elif not usual <= percent <= ceiling:
        problems.append(
            _("The rate can be raised to at most %(ceiling)s%% (the usual rate is %(usual)s%%).")
            % {"ceiling": ceiling, "usual": usual}
        )
    if not reason.strip():
        problems.append(_("Say which outstanding results beyond plan justify the higher rate."))
    if problems:
        raise WorkflowError(problems)
    before = group.raised_percent or usual
    group.raised_percent = None if percent == usual else percent
    group.raised_reason, group.raised_by, group.raised_at = reason.strip(), actor, timezone.now()
    group.save(update_fields=["raised_percent", "raised_reason", "raised_by", "raised_at"])
    append_event(
        season=group.season,
        subject=None,
        actor=actor,
        action="raise_quota",
        reason=reason.strip(),
        data={"group": group.key, "from": before, "to": percent},
    )
    return group


@transaction.atomic
def order_check(*, subject: Subject, actor, kind: str, reason: str) -> CheckFlag:
    """R366-ORDER-4: a complaint, a denunciation, discipline under way or signs of disunity: the
    rating waits until the check is concluded."""
    allow(access.may_order_check(actor, subject))
    if kind not in CheckFlag.Kind.values:
        raise WorkflowError([_("Choose what is being checked.")])
    if not reason.strip():
        raise WorkflowError([_("Say what is being checked.")])
    subject = Subject.objects.select_for_update().select_related("season").get(pk=subject.pk)
    flag = CheckFlag.objects.create(subject=subject, kind=kind, reason=reason.strip(), opened_by=actor)
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="order_check",
        from_state=subject.state,
        to_state=subject.state,
        reason=flag.reason,
        data={"check": flag.pk, "kind": kind},
    )
    return flag


@transaction.atomic
def conclude_check(*, flag: CheckFlag, actor, conclusion: str) -> CheckFlag:
    allow(access.may_order_check(actor, flag.subject))
    flag = CheckFlag.objects.select_for_update().select_related("subject__season").get(pk=flag.pk)
    if flag.closed_at is not None:
        raise WorkflowError([_("This check is already concluded.")])
    if not conclusion.strip():
        raise WorkflowError([_("Write the conclusion of the check.")])
    flag.closed_by, flag.closed_at, flag.conclusion = actor, timezone.now(), conclusion.strip()
    flag.save(update_fields=["closed_by", "closed_at", "conclusion"])
    subject = flag.subject
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="conclude_check",
        from_state=subject.state,
        to_state=subject.state,
        reason=flag.conclusion,
        data={"check": flag.pk, "kind": flag.kind},
    )
    return flag
