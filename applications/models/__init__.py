from .applications import Application, RuleResult, StateChange
from .content import Attachment, CommitmentLetter, Invitation, KeyFigure, Recommendation, SelfAssessment
from .organizations import Certification, Membership, MujuGrade, Organization
from .programs import (
    AwardProgram,
    Category,
    CriteriaVersion,
    EligibilityRule,
    Item,
    ProgramArticle,
    ProgramNoticeStage,
    Recommender,
    Tier,
)
from .rounds import PhaseChange, Round

__all__ = [
    "Application", "Attachment", "CommitmentLetter", "Invitation", "KeyFigure", "Recommendation",
    "SelfAssessment", "AwardProgram", "Category", "Certification", "CriteriaVersion", "EligibilityRule",
    "Item", "Membership", "MujuGrade", "Organization", "PhaseChange", "ProgramArticle", "ProgramNoticeStage",
    "Recommender", "Round", "RuleResult", "StateChange", "Tier",
]
