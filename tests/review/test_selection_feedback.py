"""Selection of who advances, the guidance group's opinions and the feedback letters: who reaches
each page, selection through the workflow, letters without expert names, draft letters hidden
from the applicant."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Application, Item, Membership
from award_portal.audit import AuditEvent
from award_portal.notifications import Notification
from award_portal.roles import Role
from review import feedback, scoring
from review.models import FeedbackLetter, GroupApplication, GroupMember, GuidanceOpinion
from tests.review import matrix

pytestmark = pytest.mark.django_db

READERS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE, Role.COMMITTEE}
STATISTICS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE}


def _letter(o):
    letter = feedback.feedback_compose(o.app_a, "material")
    return [letter.pk]


MATRIX = {
    "review-selection": ("get", lambda o: [o.round.pk, "material"], READERS),
    "review-opinions": ("get", lambda o: [o.round.pk, "material"], STATISTICS),
    "review-feedback": ("get", _letter, matrix.OFFICE),
    "review-feedback-release": ("post", _letter, matrix.OFFICE),
    "review-feedback-pdf": ("get", _letter, matrix.OFFICE),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def score(o, groups=None):
    """Every member of the groups scores every item and submits, writing strengths and
    opportunities (one repeated by every expert, to check de-duplication)."""
    items = list(Item.objects.filter(category__version_id=o.round.program.criteria_id))
    for group in groups or [o.group_a, o.group_b]:
        members = list(GroupMember.objects.filter(group=group).select_related("expert").order_by("expert_id"))
        for link in GroupApplication.objects.filter(group=group).select_related("application__round__program"):
            for index, member in enumerate(members):
                card = scoring.scorecard_for(member.expert, link.application, "material")
                values = {it.pk: {"percent": 50 + 5 * index} for it in items}
                values[items[0].pk].update({"strengths": "Clear leadership vision",
                                            "opportunities": f"Measure supplier results {index}"})
                card = scoring.scorecard_save(scorecard_id=card.pk, expert=member.expert, version=card.version,
                                              items=values)
                scoring.scorecard_submit(scorecard_id=card.pk, expert=member.expert, version=card.version)


def _applicant(application):
    return Membership.objects.filter(organization_id=application.organization_id).select_related("user").first().user


def _en(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_letter_has_strengths_without_expert_names(review_objects):
    o = review_objects
    score(o)
    letter = feedback.feedback_compose(o.app_a, "material")
    assert letter.body.count("Clear leadership vision") == 1  # de-duplicated
    assert "Measure supplier results 0" in letter.body and "Measure supplier results 2" in letter.body
    for member in GroupMember.objects.filter(group=o.group_a).select_related("expert__user"):
        assert member.expert.name not in letter.body
        assert member.expert.user.username not in letter.body
    assert letter.language == "zh-hans"
    assert "优势" in letter.body or "Strengths" not in letter.body


def test_letter_in_english_for_english_members(review_objects):
    o = review_objects
    score(o)
    user = _applicant(o.app_a)
    user.language = "en"
    user.save(update_fields=["language"])
    letter = feedback.feedback_compose(o.app_a, "material")
    assert letter.language == "en"
    assert "Strengths:" in letter.body


def test_selection_moves_states_and_requires_reason(client, review_objects):
    o = review_objects
    score(o)
    _en(client, o.users[Role.OFFICE])
    url = reverse("review-selection", args=[o.round.pk, "material"])
    page = client.get(url)
    assert page.status_code == 200 and b"data-confirm" in page.content
    # Not advanced without a reason: refused, nothing changed.
    response = client.post(url, {"advance": [o.app_a.pk], "not_advance": [o.app_b.pk]}, follow=True)
    assert b"Give a reason" in response.content
    o.app_a.refresh_from_db()
    o.app_b.refresh_from_db()
    assert o.app_a.state == o.app_b.state == ApplicationState.IN_MATERIAL_REVIEW
    # With a reason: both run through the workflow; the one not advanced gets a draft letter.
    client.post(url, {"advance": [o.app_a.pk], "not_advance": [o.app_b.pk],
                      f"reason_{o.app_b.pk}": "Results below the threshold"})
    o.app_a.refresh_from_db()
    o.app_b.refresh_from_db()
    assert o.app_a.state == ApplicationState.IN_SITE_REVIEW
    assert o.app_b.state == ApplicationState.NOT_ADVANCED
    letter = FeedbackLetter.objects.get(application=o.app_b, stage="material")
    assert "Results below the threshold" in letter.body
    assert letter.status == FeedbackLetter.Status.DRAFT
    # A second decision on the same application is refused by the workflow, reported, not lost.
    response = client.post(url, {"advance": [o.app_b.pk]}, follow=True)
    assert response.status_code == 200
    o.app_b.refresh_from_db()
    assert o.app_b.state == ApplicationState.NOT_ADVANCED


def test_readers_cannot_select(client, review_objects):
    o = review_objects
    client.force_login(o.users[Role.SUPERVISOR])
    url = reverse("review-selection", args=[o.round.pk, "material"])
    assert client.post(url, {"advance": [o.app_a.pk]}).status_code == 403
    o.app_a.refresh_from_db()
    assert o.app_a.state == ApplicationState.IN_MATERIAL_REVIEW


def test_applicant_gets_letter_only_once_released(client, review_objects, django_capture_on_commit_callbacks):
    o = review_objects
    score(o)
    letter = feedback.feedback_compose(o.app_a, "material")
    applicant = _applicant(o.app_a)
    pdf = reverse("review-feedback-pdf", args=[letter.pk])
    client.force_login(applicant)
    assert client.get(pdf).status_code == 404
    detail = client.get(reverse("application-detail", args=[o.app_a.pk]))
    assert pdf.encode() not in detail.content
    # The office edits (version check) and releases.
    _en(client, o.users[Role.OFFICE])
    edit = reverse("review-feedback", args=[letter.pk])
    client.post(edit, {"body": letter.body + "\nEdited by the office", "version": letter.version})
    letter.refresh_from_db()
    assert letter.body.endswith("Edited by the office") and letter.version == 2
    stale = client.post(edit, {"body": "lost", "version": 1}, follow=True)
    assert b"changed in the meantime" in stale.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review-feedback-release", args=[letter.pk]), {"version": letter.version})
    letter.refresh_from_db()
    assert letter.status == FeedbackLetter.Status.RELEASED
    assert AuditEvent.objects.filter(action="review.feedback_released").exists()
    assert Notification.objects.filter(user=applicant, link=pdf).exists()
    client.force_login(applicant)
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    detail = client.get(reverse("application-detail", args=[o.app_a.pk]))
    assert pdf.encode() in detail.content
    # Another organisation's member still gets 404.
    client.force_login(_applicant(o.app_b))
    assert client.get(pdf).status_code == 404


def test_guidance_records_opinion_others_read(client, review_objects):
    o = review_objects
    url = reverse("review-opinions", args=[o.round.pk, "material"])
    client.force_login(o.users[Role.GUIDANCE])
    client.post(url, {"text": "Group 1 was strict on category 4", "group": o.group_a.pk})
    opinion = GuidanceOpinion.objects.get()
    assert opinion.group == o.group_a and opinion.author == o.users[Role.GUIDANCE]
    assert AuditEvent.objects.filter(action="review.guidance_opinion_recorded").exists()
    client.force_login(o.users[Role.OFFICE])
    assert b"Group 1 was strict" in client.get(url).content
    assert client.post(url, {"text": "office may not"}).status_code == 403
    assert GuidanceOpinion.objects.count() == 1
    assert Application.objects.filter(pk=o.app_a.pk).exists()
