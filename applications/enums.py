"""States, phases and actions of the pipeline. Meaning comes from these sets, never from names."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting recommendation")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended, awaiting eligibility review")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    IN_MATERIAL_REVIEW = "in_material_review", _("In material review")
    NOT_ADVANCED = "not_advanced", _("Not advanced to site review")
    IN_SITE_REVIEW = "in_site_review", _("In site review")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    IN_DELIBERATION = "in_deliberation", _("In deliberation")
    NOT_PROPOSED = "not_proposed", _("Not proposed for the award")
    PROPOSED = "proposed", _("Proposed for the award")
    IN_PUBLIC_NOTICE = "in_public_notice", _("In public notice")
    WITHDRAWN_AFTER_OBJECTION = "withdrawn_after_objection", _("Withdrawn after objection")
    APPROVED = "approved", _("Approved by the government")
    AWARDED = "awarded", _("Awarded")
    REVOKED = "revoked", _("Award revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    DISQUALIFIED = "disqualified", _("Disqualified")


S = ApplicationState

#: States in which the applicant may still edit the form.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
#: States that end an application's journey in this round (no further transitions but revoke).
TERMINAL_STATES = frozenset({
    S.INELIGIBLE, S.NOT_ADVANCED, S.NOT_SHORTLISTED, S.NOT_PROPOSED,
    S.WITHDRAWN_AFTER_OBJECTION, S.REVOKED, S.WITHDRAWN, S.DISQUALIFIED,
})
#: States from which the office may disqualify an applicant found to have cheated: every state
#: after submission and before the award is conferred (revocation takes over afterwards).
BEFORE_AWARD_STATES = frozenset({
    S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.ELIGIBLE, S.IN_MATERIAL_REVIEW, S.IN_SITE_REVIEW,
    S.IN_DELIBERATION, S.PROPOSED, S.IN_PUBLIC_NOTICE, S.APPROVED,
})
#: States that count as "winning" for re-application waits and monitoring.
AWARDED_STATES = frozenset({S.AWARDED})


class RoundPhase(models.TextChoices):
    SETUP = "setup", _("Setup")
    APPLICATIONS_OPEN = "applications_open", _("Applications open")
    RECOMMENDATION = "recommendation", _("Recommendation")
    ELIGIBILITY = "eligibility", _("Eligibility review")
    MATERIAL_REVIEW = "material_review", _("Material review")
    SITE_REVIEW = "site_review", _("Site review")
    DELIBERATION = "deliberation", _("Deliberation")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    APPROVAL = "approval", _("Approval")
    CLOSED = "closed", _("Closed")


#: Phases in their only order: a round moves forward one step at a time.
PHASE_ORDER = list(RoundPhase)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    RETURN = "return", _("Return to applicant")
    RECOMMEND = "recommend", _("Recommend")
    MARK_ELIGIBLE = "mark_eligible", _("Mark eligible")
    MARK_INELIGIBLE = "mark_ineligible", _("Mark ineligible")
    START_MATERIAL_REVIEW = "start_material_review", _("Start material review")
    ADVANCE_TO_SITE_REVIEW = "advance_to_site_review", _("Advance to site review")
    NOT_ADVANCE = "not_advance", _("Do not advance")
    SHORTLIST = "shortlist", _("Shortlist for deliberation")
    NOT_SHORTLIST = "not_shortlist", _("Do not shortlist")
    PROPOSE = "propose", _("Propose for a tier")
    NOT_PROPOSE = "not_propose", _("Do not propose")
    START_NOTICE = "start_notice", _("Put on public notice")
    WITHDRAW_AFTER_OBJECTION = "withdraw_after_objection", _("Withdraw after a sustained objection")
    APPROVE = "approve", _("Record government approval")
    AWARD = "award", _("Confer the award")
    REVOKE = "revoke", _("Revoke the award")
    DISQUALIFY = "disqualify", _("Disqualify (fraud or improper means)")


class Cycle(models.TextChoices):
    ANNUAL = "annual", _("Every year")
    BIENNIAL = "biennial", _("Every two years")
    AS_APPROVED = "as_approved", _("In years approved for awards")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and lowest score")
    MEDIAN = "median", _("Median")


class VotingMethod(models.TextChoices):
    SECRET_BALLOT = "secret_ballot", _("Secret ballot")
    SHOW_OF_HANDS = "show_of_hands", _("Show of hands")
    DELIBERATION = "deliberation", _("Deliberation (no vote prescribed)")


class NoticeStage(models.TextChoices):
    MATERIAL_REVIEW_LIST = "material_review_list", _("List entering material review")
    SITE_REVIEW_LIST = "site_review_list", _("List entering site review")
    PROPOSED_WINNERS = "proposed_winners", _("Proposed winners")


class ItemType(models.TextChoices):
    PROCESS = "process", _("Process item (ADLI)")
    RESULT = "result", _("Result item (LeTCI)")


class RuleOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class LegalForm(models.TextChoices):
    COMPANY = "company", _("Company (legal person)")
    STATE_OWNED = "state_owned", _("State-owned enterprise (legal person)")
    COOPERATIVE = "cooperative", _("Cooperative")
    PARTNERSHIP = "partnership", _("Partnership (no legal personality)")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship / individual business")
    BRANCH = "branch", _("Branch (no legal personality)")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organisation")
    GOVERNMENT_BODY = "government_body", _("Government or party body, civil-service managed unit")
    PEOPLES_ORGANIZATION = "peoples_organization", _("People's organisation")


#: Legal forms without legal personality.
NON_LEGAL_PERSON_FORMS = frozenset({LegalForm.PARTNERSHIP, LegalForm.SOLE_PROPRIETORSHIP, LegalForm.BRANCH})
#: Bodies managed under (or by reference to) the Civil Servant Law, excluded by e.g. Hangzhou's
#: rules: party and government bodies, legislatures, courts, procuratorates and people's
#: organisations (人民团体, 群众团体).
PUBLIC_BODY_FORMS = frozenset({LegalForm.GOVERNMENT_BODY, LegalForm.PEOPLES_ORGANIZATION})
#: Legal forms that are enterprises (企业), for awards open to enterprises only (Anhui art. 2, 13).
ENTERPRISE_FORMS = frozenset({LegalForm.COMPANY, LegalForm.STATE_OWNED, LegalForm.PARTNERSHIP,
                              LegalForm.SOLE_PROPRIETORSHIP, LegalForm.BRANCH})
