from reviews.models.audit import AuditChain, Event
from reviews.models.criteria import ScoringCriteria
from reviews.models.figures import QuarterFigure, SeasonFigure, UnitTally
from reviews.models.forms import ReferenceItem, ReviewForm, Suggestion
from reviews.models.meetings import AffiliateReview, FormerCellComment, Meeting, MeetingEntry
from reviews.models.notifications import Notification
from reviews.models.quarters import Quarter, QuarterlyEvaluation, QuarterSetup
from reviews.models.remediation import RemediationItem, RemediationPlan
from reviews.models.rulesets import RuleSet
from reviews.models.seasons import CheckFlag, Decision, QuotaGroup, Season, SeasonUnit, Subject
from reviews.models.supervision import MeetingAttendance, RedoDemand

__all__ = [
    "AffiliateReview",
    "AuditChain",
    "CheckFlag",
    "Decision",
    "Event",
    "FormerCellComment",
    "Meeting",
    "MeetingAttendance",
    "MeetingEntry",
    "Notification",
    "Quarter",
    "QuarterSetup",
    "QuarterlyEvaluation",
    "QuotaGroup",
    "RedoDemand",
    "ReferenceItem",
    "RemediationItem",
    "RemediationPlan",
    "ReviewForm",
    "RuleSet",
    "ScoringCriteria",
    "Season",
    "QuarterFigure",
    "SeasonFigure",
    "SeasonUnit",
    "UnitTally",
    "Subject",
    "Suggestion",
]
