"""Scorecards (review/scoring.py): points from bands, totals, versions, locking, reopening and the
criteria frozen once scoring began."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from applications.models.programs import Category, Item
from award_portal.audit import AuditEvent
from review import scoring
from review.models import GroupMember, Scorecard
from review.scoring import ScoringError

pytestmark = pytest.mark.django_db


def card_of(o, expert=None, application=None):
    return scoring.scorecard_for(expert or o.expert_a, application or o.app_a)


def all_items(card, percent=100):
    return {row.item_id: {"percent": percent} for row in scoring.item_scores(card)}


def test_a_scorecard_has_one_row_per_item_and_is_only_for_reviewers(review_objects):
    o = review_objects
    card = card_of(o)
    items = Item.objects.filter(category__version_id=o.round.program.criteria_id)
    assert card.item_scores.count() == items.count() > 0
    assert card_of(o).pk == card.pk  # get, not create again
    with pytest.raises(ScoringError) as exc:
        scoring.scorecard_for(o.expert_b, o.app_a)
    assert exc.value.code == "forbidden"
    with pytest.raises(ScoringError):
        scoring.scorecard_for(o.expert_a, o.app_a, stage="site")


def test_points_from_bands_match_the_criteria_maxima_and_totals_never_exceed_1000(review_objects):
    o = review_objects
    card = card_of(o)
    total_points = o.round.program.criteria.total_points
    assert total_points == 1000
    for percent in (0, 5, 35, 100):
        card = scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                      items=all_items(card, percent))
        rows = scoring.item_scores(card)
        for row in rows:
            assert scoring.points(row.percent, row.item.points) == (Decimal(row.item.points) * percent / 100)
        result = scoring.totals(rows, total_points)
        assert result["overall"] == Decimal(total_points) * percent / 100
        assert result["overall"] <= total_points
        for category in Category.objects.filter(version_id=o.round.program.criteria_id):
            assert result["categories"][category.pk] == Decimal(category.points) * percent / 100
    # At 100 % every item gives exactly its maximum.
    assert all(scoring.points(100, row.item.points) == row.item.points for row in rows)


def test_a_percentage_outside_the_5_percent_steps_is_refused(review_objects):
    o = review_objects
    card = card_of(o)
    item_id = scoring.item_scores(card)[0].item_id
    for bad in (7, 105, -5, "x", 12.5, True):
        with pytest.raises(ScoringError) as exc:
            scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                   items={item_id: {"percent": bad}})
        assert exc.value.code == "invalid"
    assert Scorecard.objects.get(pk=card.pk).version == card.version


def test_two_saves_with_the_same_version_the_second_is_refused_and_nothing_is_lost(review_objects):
    o = review_objects
    card = card_of(o)
    first, second = [row.item_id for row in scoring.item_scores(card)[:2]]
    version = card.version
    scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=version,
                           items={first: {"percent": 50, "strengths": "Tab one"}})
    before = AuditEvent.objects.filter(action="review.scorecard_saved").count()
    with pytest.raises(ScoringError) as exc:
        scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=version,
                               items={first: {"percent": 70, "strengths": "Tab two"}, second: {"percent": 10}})
    assert exc.value.code == "stale"
    assert exc.value.current["version"] == version + 1
    assert exc.value.current["values"][f"p-{first}"] == "50"
    assert exc.value.current["values"][f"s-{first}"] == "Tab one"
    row = card.item_scores.get(item_id=first)
    assert (row.percent, row.strengths) == (50, "Tab one")
    assert card.item_scores.get(item_id=second).percent is None
    assert AuditEvent.objects.filter(action="review.scorecard_saved").count() == before
    # The same values again under the old version write nothing and are not refused.
    scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=version,
                           items={first: {"percent": 50, "strengths": "Tab one"}})
    assert Scorecard.objects.get(pk=card.pk).version == version + 1
    # A save without a version is refused.
    with pytest.raises(ScoringError) as exc:
        scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=None, items={first: {"percent": 5}})
    assert exc.value.code == "version"


def test_submit_needs_every_item_then_locks_every_write(review_objects):
    o = review_objects
    card = card_of(o)
    first = scoring.item_scores(card)[0].item_id
    card = scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                  items={first: {"percent": 40}})
    with pytest.raises(ScoringError) as exc:
        scoring.scorecard_submit(scorecard_id=card.pk, expert=o.expert_a, version=card.version)
    assert exc.value.code == "incomplete"
    card = scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                  items=all_items(card, 60), overall_comment="Solid.")
    card = scoring.scorecard_submit(scorecard_id=card.pk, expert=o.expert_a, version=card.version)
    assert card.status == Scorecard.Status.SUBMITTED and card.submitted_at
    assert AuditEvent.objects.filter(action="review.scorecard_submitted", object_id=str(card.pk)).exists()
    for call in (lambda: scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                                items={first: {"percent": 100}}),
                 lambda: scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                                overall_comment="changed"),
                 lambda: scoring.scorecard_submit(scorecard_id=card.pk, expert=o.expert_a, version=card.version)):
        with pytest.raises(ScoringError) as exc:
            call()
        assert exc.value.code == "locked"
    assert card.item_scores.get(item_id=first).percent == 60


def leader_and_member(o):
    members = list(GroupMember.objects.filter(group=o.group_a).select_related("expert"))
    leader = next(m.expert for m in members if m.is_leader)
    member = next(m.expert for m in members if not m.is_leader)
    return leader, member


def test_reopen_by_the_group_leader_only_and_with_a_reason(review_objects):
    o = review_objects
    leader, member = leader_and_member(o)
    card = card_of(o, expert=member)
    card = scoring.scorecard_save(scorecard_id=card.pk, expert=member, version=card.version, items=all_items(card, 50))
    card = scoring.scorecard_submit(scorecard_id=card.pk, expert=member, version=card.version)
    for actor in (member.user, o.expert_b.user, o.users["expert_none"]):
        with pytest.raises(ScoringError) as exc:
            scoring.scorecard_reopen(scorecard_id=card.pk, actor=actor, reason="Please check 4.1.1")
        assert exc.value.code == "not_leader"
    with pytest.raises(ScoringError) as exc:
        scoring.scorecard_reopen(scorecard_id=card.pk, actor=leader.user, reason="   ")
    assert exc.value.code == "reason"
    assert Scorecard.objects.get(pk=card.pk).status == Scorecard.Status.SUBMITTED
    card = scoring.scorecard_reopen(scorecard_id=card.pk, actor=leader.user, reason="Please check 4.1.1")
    assert card.status == Scorecard.Status.DRAFT and card.submitted_at is None
    event = AuditEvent.objects.filter(action="review.scorecard_reopened", object_id=str(card.pk)).get()
    assert event.after["reason"] == "Please check 4.1.1"
    # Writable again.
    scoring.scorecard_save(scorecard_id=card.pk, expert=member, version=card.version,
                           items={scoring.item_scores(card)[0].item_id: {"percent": 55}})


def test_the_criteria_are_frozen_once_a_scorecard_exists(review_objects):
    o = review_objects
    criteria = o.round.program.criteria
    item = Item.objects.filter(category__version=criteria).first()
    item.name_en = item.name_en  # saving before any scorecard is allowed
    item.save()
    card_of(o)
    item.points += 1
    with pytest.raises(ValidationError):
        item.save()
    category = item.category
    category.save()  # re-saving the stored values (an idempotent loader) is allowed
    category.name_en = "Changed"
    with pytest.raises(ValidationError):
        category.save()
    criteria.total_points = 900
    with pytest.raises(ValidationError):
        criteria.save()
    with pytest.raises(ValidationError):
        Item.objects.create(category=category, number="9.9.9", points=1, item_type="process", name_zh="新")
    with pytest.raises(ProtectedError):
        category.delete()


def test_unsubmitted_scorecards_are_on_the_to_do_list(review_objects):
    o = review_objects
    titles = [i.title for i in scoring.scoring_todo(o.users["expert_a"])]
    assert any(o.app_a.number in t for t in titles)
    card = card_of(o)
    card = scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version, items=all_items(card))
    scoring.scorecard_submit(scorecard_id=card.pk, expert=o.expert_a, version=card.version)
    titles = [i.title for i in scoring.scoring_todo(o.users["expert_a"])]
    assert not any(o.app_a.number in t for t in titles)
    assert scoring.scoring_todo(o.users["expert_none"]) == []


def test_the_admin_shows_frozen_criteria_read_only_and_refuses_a_post(client, review_objects, django_user_model):
    from django.urls import reverse

    o = review_objects
    criteria = o.round.program.criteria
    category = criteria.categories.first()
    admin_user = django_user_model.objects.create_superuser("criteria-admin", "ca@example.cn", "x-Admin-pass-2026")
    client.force_login(admin_user)
    url = reverse("admin:applications_category_change", args=[category.pk])
    assert 'name="_save"' in client.get(url).content.decode()  # not frozen yet: a form
    card_of(o)
    response = client.get(url)
    assert response.status_code == 200 and 'name="_save"' not in response.content.decode()
    response = client.post(url, {"version": criteria.pk, "number": category.number, "points": category.points,
                                 "name_zh": "改名", "order": category.order})
    assert response.status_code == 403
    category.refresh_from_db()
    assert category.name_zh != "改名"
    version_page = client.get(reverse("admin:applications_criteriaversion_change", args=[criteria.pk]))
    assert version_page.status_code == 200 and 'name="_save"' not in version_page.content.decode()
