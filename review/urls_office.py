"""The office's review pages (read-only for supervisors and the guidance group): pool, experts,
draws, groups. Every POST action has its own URL."""

from django.urls import path

from . import views_office as v

urlpatterns = [
    path("experts/", v.pool, name="review-pool"),
    path("experts/invite/", v.expert_invite, name="review-expert-invite"),
    path("experts/<int:pk>/", v.expert_detail, name="review-expert"),
    path("experts/<int:pk>/approve/", v.expert_approve, name="review-expert-approve"),
    path("experts/<int:pk>/decline/", v.expert_decline, name="review-expert-decline"),
    path("experts/<int:pk>/settings/", v.expert_settings, name="review-expert-settings"),
    path("experts/<int:pk>/training/", v.expert_training, name="review-expert-training"),
    path("experts/<int:pk>/suspend/", v.expert_suspend, name="review-expert-suspend"),
    path("experts/<int:pk>/reinstate/", v.expert_reinstate, name="review-expert-reinstate"),
    path("experts/<int:pk>/conflicts/", v.expert_conflict_set, name="review-expert-conflict-set"),
    path("conflicts/<int:pk>/dismiss/", v.conflict_dismiss_view, name="review-conflict-dismiss"),
    path("rounds/<int:round_pk>/draws/", v.draw_list, name="review-draws"),
    path("rounds/<int:round_pk>/draws/freeze/", v.draw_freeze, name="review-draw-freeze"),
    path("draws/<int:pk>/", v.draw_detail, name="review-draw"),
    path("draws/<int:pk>/run/", v.draw_run, name="review-draw-run"),
    path("draws/<int:pk>/replay/", v.draw_replay, name="review-draw-replay"),
    path("draws/<int:pk>/replace/", v.draw_replace, name="review-draw-replace"),
    path("drawn/<int:pk>/respond/", v.drawn_respond, name="review-drawn-respond"),
    path("rounds/<int:round_pk>/groups/<str:stage>/", v.groups, name="review-groups"),
    path("rounds/<int:round_pk>/groups/<str:stage>/propose/", v.groups_propose, name="review-groups-propose"),
    path("rounds/<int:round_pk>/groups/<str:stage>/apply/", v.groups_apply, name="review-groups-apply"),
    path("rounds/<int:round_pk>/groups/<str:stage>/move/", v.group_move_application,
         name="review-group-move-application"),
    path("groups/<int:pk>/members/", v.group_add_member, name="review-group-add-member"),
    path("groups/<int:pk>/members/<int:expert_pk>/remove/", v.group_remove_member,
         name="review-group-remove-member"),
    path("groups/<int:pk>/members/<int:expert_pk>/leader/", v.group_set_leader, name="review-group-set-leader"),
]
