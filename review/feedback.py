"""Feedback letters to organisations not advanced or not shortlisted (issue 13).

`feedback_compose` builds the letter from the submitted scorecards' strengths and opportunities
(per category, de-duplicated, never naming an expert) and the office's reason, in the applicant's
language (its members' preferred language; Chinese by default). The office edits the body
(`feedback_edit`, optimistic version check) and releases it (`feedback_release`: audited, the
organisation's members notified). `feedback_pdf_bytes` renders it with WeasyPrint (CJK fonts).

`guidance_opinion_record` stores an opinion of the expert technical guidance group (audited).
"""

from collections import OrderedDict

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application, Membership
from award_portal.audit import audit_record
from award_portal.roles import Role, has_role

from .models import ExpertGroup, FeedbackLetter, GuidanceOpinion, ItemScore, Scorecard, Stage

BODY_MAX_CHARS = 20000
OPINION_MAX_CHARS = 5000


class FeedbackError(Exception):
    def __init__(self, message, code=""):
        super().__init__(message)
        self.message = message
        self.code = code


def applicant_language(application) -> str:
    """The language most of the organisation's members prefer; Chinese when none says otherwise."""
    languages = list(Membership.objects.filter(organization_id=application.organization_id)
                     .values_list("user__language", flat=True))
    english = sum(1 for lang in languages if (lang or "").startswith("en"))
    return "en" if languages and english * 2 > len(languages) else "zh-hans"


def _unique(texts) -> list[str]:
    seen, out = set(), []
    for text in texts:
        text = (text or "").strip()
        key = " ".join(text.split()).lower()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def collect_comments(application, stage) -> list[dict]:
    """Per category (in the criteria's order): de-duplicated strengths and opportunities of the
    submitted scorecards of `stage`. No expert is named."""
    rows = (ItemScore.objects.filter(scorecard__application=application, scorecard__stage=stage,
                                     scorecard__status=Scorecard.Status.SUBMITTED)
            .select_related("item__category")
            .order_by("item__category__order", "item__category__number", "item__number", "scorecard_id"))
    by_category = OrderedDict()
    for row in rows:
        entry = by_category.setdefault(row.item.category_id, {"category": row.item.category, "strengths": [],
                                                               "opportunities": []})
        entry["strengths"].append(row.strengths)
        entry["opportunities"].append(row.opportunities)
    out = []
    for entry in by_category.values():
        strengths, opportunities = _unique(entry["strengths"]), _unique(entry["opportunities"])
        if strengths or opportunities:
            out.append({"category": entry["category"], "strengths": strengths, "opportunities": opportunities})
    return out


def _category_label(category, language) -> str:
    name = category.name_en if language == "en" and category.name_en else category.name_zh
    return f"{category.number} {name}"


def compose_body(application, stage, language: str) -> str:
    org = application.organization
    reason = (application.feedback or "").strip()
    comments = collect_comments(application, stage)
    with translation.override(language):
        stage_label = str(Stage(stage).label)
        lines = [_("Dear %(org)s,") % {"org": org.name}, "",
                 _("Thank you for taking part in %(round)s. After the %(stage)s, your application was not "
                   "advanced to the next stage. The examiners' observations below are given to help your "
                   "organisation improve; they are summarised without naming any examiner.")
                 % {"round": application.round.name, "stage": stage_label}, ""]
        if reason:
            lines += [_("The office's reason"), reason, ""]
        for entry in comments:
            lines.append(_category_label(entry["category"], language))
            if entry["strengths"]:
                lines.append(_("Strengths:"))
                lines += [f"  • {t}" for t in entry["strengths"]]
            if entry["opportunities"]:
                lines.append(_("Opportunities for improvement:"))
                lines += [f"  • {t}" for t in entry["opportunities"]]
            lines.append("")
        if not comments:
            lines += [_("The examiners recorded no written observations."), ""]
        lines.append(_("The award office"))
    return "\n".join(lines)


@transaction.atomic
def feedback_compose(application, stage, *, actor=None, recompose: bool = False) -> FeedbackLetter:
    """The letter of `application` in `stage`, composed when it does not exist yet (or recomposed
    while still a draft when `recompose`)."""
    if stage not in Stage.values:
        raise FeedbackError(_("Unknown stage."), "stage")
    letter = FeedbackLetter.objects.select_for_update().filter(application=application, stage=stage).first()
    if letter is not None and not recompose:
        return letter
    if letter is not None and letter.status == FeedbackLetter.Status.RELEASED:
        raise FeedbackError(_("The letter was released; it can no longer be changed."), "released")
    language = applicant_language(application)
    body = compose_body(application, stage, language)
    if letter is None:
        letter = FeedbackLetter.objects.create(application=application, stage=stage, language=language, body=body)
        audit_record(action="review.feedback_composed", obj=application, actor=actor,
                     after={"stage": stage, "language": language})
    else:
        letter.body, letter.language, letter.version = body, language, letter.version + 1
        letter.save(update_fields=["body", "language", "version"])
        audit_record(action="review.feedback_composed", obj=application, actor=actor,
                     after={"stage": stage, "language": language, "recomposed": True})
    return letter


def _locked(letter_id) -> FeedbackLetter:
    return FeedbackLetter.objects.select_for_update().select_related("application__organization",
                                                                     "application__round").get(pk=letter_id)


def _check_version(letter, version):
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    if version != letter.version:
        raise FeedbackError(_("The letter changed in the meantime; reload the page."), "stale")


@transaction.atomic
def feedback_edit(*, letter_id: int, body: str, version, actor) -> FeedbackLetter:
    letter = _locked(letter_id)
    if letter.status == FeedbackLetter.Status.RELEASED:
        raise FeedbackError(_("The letter was released; it can no longer be changed."), "released")
    _check_version(letter, version)
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise FeedbackError(_("The letter cannot be empty."), "body")
    if len(body) > BODY_MAX_CHARS:
        raise FeedbackError(_("The letter is too long (at most %(n)s characters).") % {"n": BODY_MAX_CHARS}, "body")
    before = {"version": letter.version, "chars": len(letter.body)}
    letter.body, letter.version = body, letter.version + 1
    letter.save(update_fields=["body", "version"])
    audit_record(action="review.feedback_edited", obj=letter.application, actor=actor, before=before,
                 after={"version": letter.version, "chars": len(body), "stage": letter.stage})
    return letter


@transaction.atomic
def feedback_release(*, letter_id: int, version, actor) -> FeedbackLetter:
    letter = _locked(letter_id)
    if letter.status == FeedbackLetter.Status.RELEASED:
        raise FeedbackError(_("The letter was already released."), "released")
    _check_version(letter, version)
    letter.status, letter.released_at, letter.released_by = FeedbackLetter.Status.RELEASED, timezone.now(), actor
    letter.version += 1
    letter.save(update_fields=["status", "released_at", "released_by", "version"])
    audit_record(action="review.feedback_released", obj=letter.application, actor=actor,
                 after={"stage": letter.stage, "version": letter.version})
    application = letter.application
    link = reverse("review-feedback-pdf", args=[letter.pk])
    from award_portal.notifications import notify

    users = [m.user for m in Membership.objects.filter(organization_id=application.organization_id)
             .select_related("user")]

    def send():
        for user in users:
            notify(user, lambda: (_("Feedback on your application %(number)s") % {"number": application.number},
                                  _("The award office released the examiners' feedback on your application.")),
                   link=link)

    transaction.on_commit(send)
    return letter


def feedback_pdf_bytes(letter, *, actor=None) -> bytes:
    from weasyprint import HTML

    with translation.override(letter.language or "zh-hans"):
        html = render_to_string("review/pdf/feedback_letter.html", {
            "letter": letter, "application": letter.application, "org": letter.application.organization,
            "stage_label": Stage(letter.stage).label, "language": letter.language,
            "generated_at": timezone.localtime(),
        })
    data = HTML(string=html).write_pdf()
    audit_record(action="review.feedback_pdf_downloaded", obj=letter.application, actor=actor,
                 after={"stage": letter.stage, "status": letter.status, "bytes": len(data)})
    return data


def can_record_opinion(user) -> bool:
    return has_role(user, Role.GUIDANCE)


def guidance_opinion_record(*, round_obj, stage: str, text: str, actor, group_id=None,
                            application_id=None) -> GuidanceOpinion:
    """Record an opinion of the guidance group on a stage, one of its groups or one application."""
    if not can_record_opinion(actor):
        raise FeedbackError(_("Only members of the guidance group record opinions."), "role")
    if stage not in Stage.values:
        raise FeedbackError(_("Unknown stage."), "stage")
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise FeedbackError(_("Write the opinion."), "text")
    if len(text) > OPINION_MAX_CHARS:
        raise FeedbackError(_("The opinion is too long (at most %(n)s characters).") % {"n": OPINION_MAX_CHARS},
                            "text")
    group = application = None
    if group_id:
        group = ExpertGroup.objects.filter(pk=group_id, round=round_obj, stage=stage).first()
        if group is None:
            raise FeedbackError(_("Unknown group."), "group")
    if application_id:
        application = Application.objects.filter(pk=application_id, round=round_obj).first()
        if application is None:
            raise FeedbackError(_("Unknown application."), "application")
    opinion = GuidanceOpinion.objects.create(round=round_obj, stage=stage, group=group, application=application,
                                             text=text, author=actor)
    audit_record(action="review.guidance_opinion_recorded", obj=opinion, actor=actor,
                 after={"stage": stage, "group": group.pk if group else None,
                        "application": application.pk if application else None})
    return opinion
