"""The pages of experts and of the public: who reaches them, what they show, what they record."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Attachment
from award_portal.audit import AuditEvent
from review.experts import COMMITMENT_ZH, commitment_sign
from review.models import Availability, Conflict, DrawnExpert, Expert, ReviewerCommitment
from tests.applications.support import pdf_bytes
from tests.review import matrix
from tests.review.matrix import EXPERTS, PUBLIC
from tests.review.support import make_expert

pytestmark = pytest.mark.django_db

EXPERTS_WITH_PROFILE = EXPERTS - {"expert"}


def add_attachment(application, name="证据.pdf", content=None, content_type="application/pdf"):
    data = content if content is not None else pdf_bytes("evidence page")
    return Attachment.objects.create(application=application, file=ContentFile(data, name=name),
                                     original_name=name, content_type=content_type, size=len(data), sha256="0" * 64,
                                     uploaded_by=_any_user())


def _any_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.first()


def invitation(o, expert=None):
    row, _created = DrawnExpert.objects.get_or_create(draw=o.draw, expert=expert or o.expert_a,
                                                      defaults={"position": 1})
    return row.pk


MATRIX = {
    "review-join": ("get", None, PUBLIC),
    "review-join-thanks": ("get", None, PUBLIC),
    "review-expert-home": ("get", None, EXPERTS_WITH_PROFILE),
    "review-invitation-answer": ("post", lambda o: [invitation(o)], {"expert_a"}),
    "review-commitment": ("get", lambda o: [o.round.pk], EXPERTS_WITH_PROFILE),
    "review-availability": ("post", lambda o: [o.round.pk], EXPERTS_WITH_PROFILE),
    "review-conflicts": ("get", lambda o: [o.round.pk], EXPERTS_WITH_PROFILE),
    "review-application-read": ("get", lambda o: [o.app_a.pk], {"expert_a"}),
    "review-application-pdf": ("get", lambda o: [o.app_a.pk], {"expert_a"}),
    "review-attachment-download": ("get", lambda o: [o.app_a.pk, add_attachment(o.app_a).pk], {"expert_a"}),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


# ------------------------------------------------------------------ group A never sees group B

def test_expert_of_group_a_gets_404_for_everything_of_group_b(client, review_objects):
    o = review_objects
    attachment_b = add_attachment(o.app_b)
    attachment_a = add_attachment(o.app_a)
    client.force_login(o.expert_a.user)
    for url in (reverse("review-application-read", args=[o.app_b.pk]),
                reverse("review-application-pdf", args=[o.app_b.pk]),
                reverse("review-attachment-download", args=[o.app_b.pk, attachment_b.pk]),
                # app A's page with B's file: the attachment must belong to the application
                reverse("review-attachment-download", args=[o.app_a.pk, attachment_b.pk])):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 404, url
        assert AuditEvent.objects.count() == before
    assert client.get(reverse("review-application-read", args=[o.app_a.pk])).status_code == 200
    response = client.get(reverse("review-attachment-download", args=[o.app_a.pk, attachment_a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_reading_page_is_watermarked_and_audited(client, review_objects):
    o = review_objects
    client.force_login(o.expert_a.user)
    response = client.get(reverse("review-application-read", args=[o.app_a.pk]))
    html = response.content.decode()
    assert 'class="review-watermark"' in html
    assert html.count(o.expert_a.name) >= 10
    assert "css/review.css" in html
    assert o.app_a.organization.name in html
    for name in ("application-detail", "application-pdf"):  # the reviewer's own (watermarked) links only
        assert f'href="{reverse(name, args=[o.app_a.pk])}"' not in html
    event = AuditEvent.objects.filter(action="review.application_viewed").latest("id")
    assert event.object_id == str(o.app_a.pk) and event.actor == o.expert_a.user


def test_declared_conflict_removes_access_at_once(client, review_objects):
    o = review_objects
    client.force_login(o.expert_a.user)
    url = reverse("review-application-read", args=[o.app_a.pk])
    assert client.get(url).status_code == 200
    page = client.get(reverse("review-conflicts", args=[o.round.pk]))
    assert page.status_code == 200
    assert o.app_a.organization.name in page.content.decode()
    assert o.app_a.number not in page.content.decode()  # names only, no application material
    response = client.post(reverse("review-conflicts", args=[o.round.pk]),
                           {"organization": o.app_a.organization_id, "detail": "曾为该企业提供咨询"})
    assert response.status_code == 302
    assert Conflict.objects.filter(expert=o.expert_a, organization=o.app_a.organization, source="declared").exists()
    assert client.get(url).status_code == 404
    assert client.get(reverse("review-application-pdf", args=[o.app_a.pk])).status_code == 404


def test_conflict_without_detail_keeps_the_choice(client, review_objects):
    o = review_objects
    client.force_login(o.expert_a.user)
    response = client.post(reverse("review-conflicts", args=[o.round.pk]),
                           {"organization": o.app_a.organization_id, "detail": ""})
    assert response.status_code == 200
    assert f'value="{o.app_a.organization_id}" selected' in response.content.decode()
    assert not Conflict.objects.filter(expert=o.expert_a, source="declared").exists()


def test_unsigned_expert_sees_no_material(client, review_objects):
    o = review_objects
    ReviewerCommitment.objects.filter(expert=o.expert_a).delete()
    client.force_login(o.expert_a.user)
    assert client.get(reverse("review-application-read", args=[o.app_a.pk])).status_code == 404
    assert client.get(reverse("review-application-pdf", args=[o.app_a.pk])).status_code == 404
    home = client.get(reverse("review-expert-home")).content.decode()
    assert reverse("review-commitment", args=[o.round.pk]) in home
    assert f'data-awaiting="{o.app_a.pk}"' in home
    assert reverse("review-application-read", args=[o.app_a.pk]) not in home
    # signing through the page gives access, with the address recorded
    page = client.get(reverse("review-commitment", args=[o.round.pk]))
    assert COMMITMENT_ZH.splitlines()[0] in page.content.decode()
    assert client.post(reverse("review-commitment", args=[o.round.pk]), {}).status_code == 200  # box not ticked
    assert not ReviewerCommitment.objects.filter(expert=o.expert_a).exists()
    response = client.post(reverse("review-commitment", args=[o.round.pk]), {"accept": "on"},
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert ReviewerCommitment.objects.get(expert=o.expert_a, round=o.round).ip == "10.1.2.3"
    assert client.get(reverse("review-application-read", args=[o.app_a.pk])).status_code == 200


def test_home_lists_assigned_applications_and_invitations(client, review_objects):
    o = review_objects
    o.draw.status = "drawn"
    o.draw.save(update_fields=["status"])
    pk = invitation(o)
    client.force_login(o.expert_a.user)
    html = client.get(reverse("review-expert-home")).content.decode()
    assert reverse("review-application-read", args=[o.app_a.pk]) in html
    assert reverse("review-application-read", args=[o.app_b.pk]) not in html
    assert reverse("review-invitation-answer", args=[pk]) in html
    # declining without a reason is refused with the service's message
    response = client.post(reverse("review-invitation-answer", args=[pk]), {"answer": "decline"}, follow=True)
    assert DrawnExpert.objects.get(pk=pk).response == "pending"
    assert "messages" in response.content.decode()
    client.post(reverse("review-invitation-answer", args=[pk]), {"answer": "decline", "reason": "出差"})
    row = DrawnExpert.objects.get(pk=pk)
    assert row.response == "declined" and row.decline_reason == "出差"
    # someone else's invitation: 404
    other = invitation(o, o.expert_b)
    assert client.post(reverse("review-invitation-answer", args=[other]), {"answer": "accept"}).status_code == 404


def test_todo_and_menu(client, review_objects):
    o = review_objects
    client.force_login(o.expert_a.user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("review-expert-home") in home
    assert reverse("review-application-read", args=[o.app_a.pk]) in home
    ReviewerCommitment.objects.filter(expert=o.expert_a).delete()
    home = client.get(reverse("home")).content.decode()
    assert reverse("review-commitment", args=[o.round.pk]) in home
    assert reverse("review-application-read", args=[o.app_a.pk]) not in home


def test_availability(client, review_objects):
    o = review_objects
    client.force_login(o.spare.user)
    response = client.post(reverse("review-availability", args=[o.round.pk]), {"available": "0", "note": "出国"})
    assert response.status_code == 302
    row = Availability.objects.get(expert=o.spare, round=o.round)
    assert not row.available and row.note == "出国"


def test_english_commitment_page_shows_the_english_text(client, review_objects):
    o = review_objects
    client.force_login(o.expert_a.user)
    zh = client.get(reverse("review-commitment", args=[o.round.pk])).content.decode()
    assert 'id="commitment-en"' not in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("review-commitment", args=[o.round.pk])).content.decode()
    assert "solemnly undertake" in en
    assert COMMITMENT_ZH.splitlines()[0] in en  # the binding text stays


def test_commitment_for_a_round_outside_the_experts_rounds_is_404(client, review_objects, make_user):
    o = review_objects
    stranger = make_expert(make_user, region="440300")  # Shenzhen: not a Beijing expert
    client.force_login(stranger.user)
    assert client.get(reverse("review-commitment", args=[o.round.pk])).status_code == 404
    assert client.get(reverse("review-conflicts", args=[o.round.pk])).status_code == 404


# ------------------------------------------------------------------ the public form

JOIN = {"name": "李四", "name_en": "Li Si", "email": "Li.Si@Example.cn", "phone": "13800000000",
        "title": "高级工程师", "expertise": ["C", "I"], "region_code": "110108", "qualifications": "卓越绩效评价师",
        "employer": "某某研究院", "employer_credit_code": "", "employed_since": "2015-03-01"}


def test_public_form_creates_an_applied_expert(client, db):
    page = client.get(reverse("review-join"))
    assert page.status_code == 200
    assert 'type="checkbox" name="expertise"' in page.content.decode()
    response = client.post(reverse("review-join"), JOIN)
    assert response.status_code == 302 and response["Location"] == reverse("review-join-thanks")
    expert = Expert.objects.get(email="li.si@example.cn")
    assert expert.status == Expert.Status.APPLIED and expert.expertise == "CI" and expert.user is None
    assert expert.employments.get().employer == "某某研究院"
    assert AuditEvent.objects.filter(action="review.expert_applied").exists()
    assert client.get(reverse("review-join-thanks")).status_code == 200


def test_public_form_keeps_typed_values_on_failure(client, db):
    assert client.post(reverse("review-join"), JOIN).status_code == 302
    response = client.post(reverse("review-join"), {**JOIN, "name": "李四二", "qualifications": "新的资质说明"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "already exists" in html or "已存在" in html, re.findall(r'role="alert".{0,300}|errorlist.{0,300}', html)
    assert 'value="李四二"' in html and "新的资质说明" in html
    assert 'value="I" checked' in html.replace(' id="id_expertise_8"', "").replace(' class="', ' x="') or \
        html.count("checked") >= 2
    assert Expert.objects.count() == 1
    # a field error keeps the values too
    response = client.post(reverse("review-join"), {**JOIN, "email": "x@example.cn", "region_code": "11"})
    assert response.status_code == 200
    assert 'value="x@example.cn"' in response.content.decode()


def test_home_page_links_the_public_form(client, db):
    assert reverse("review-join") in client.get(reverse("home")).content.decode()


def test_sign_again_changes_nothing(review_objects):
    o = review_objects
    first = ReviewerCommitment.objects.get(expert=o.expert_a, round=o.round)
    assert commitment_sign(expert=o.expert_a, round_id=o.round.pk).signed_at == first.signed_at
