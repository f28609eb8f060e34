"""A stage's ranking, an application's aggregates with the group leader's consensus, and the
inter-rater statistics — recomputed from the submitted scorecards on every request.

Readers: `permissions.can_read_ranking` (office, supervisors, guidance group, committee) and
`can_read_statistics` (office, supervisors, guidance group); expert names only for
`can_see_expert_names` (office, guidance group). The leader of the group reviewing an
application (while they may review it, `access.can_review`) reads that application's page and
records consensus scores; anybody else gets 404 there. The number of queries does not grow with
the number of applications (`aggregation.load_scores` reads a stage in one query).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application, Item, Round

from . import aggregation, permissions
from .access import can_review
from .models import ExpertGroup, ReviewSettings, Stage
from .ranking import analyse_stage as _analyse
from .ranking import num as _num
from .ranking import ranking_table as _ranking_table


def _round(pk) -> Round:
    return get_object_or_404(Round.objects.select_related("program__criteria"), pk=pk)


def _stage(stage) -> str:
    if stage not in Stage.values:
        raise Http404
    return stage


@login_required
def ranking(request, round_pk, stage):
    if not permissions.can_read_ranking(request.user):
        raise PermissionDenied
    rnd, stage = _round(round_pk), _stage(stage)
    rows, result, rank_by = _ranking_table(rnd, stage)
    floor_at = None
    if rnd.program.score_floor is not None:
        floor_at = next((i for i, r in enumerate(rows) if r["below_floor"]), len(rows))
    return render(request, "review/ranking/ranking.html", {
        "round": rnd, "program": rnd.program, "stage": stage, "stage_label": Stage(stage).label, "rows": rows,
        "rank_by": rank_by, "rank_by_label": ReviewSettings.RankBy(rank_by).label, "floor_at": floor_at,
        "parts": result.parts if result is not None else 0,
        "aggregation_label": rnd.program.get_aggregation_display(),
        "can_statistics": permissions.can_read_statistics(request.user),
        "is_site": stage == Stage.SITE,
    })


def _detail_access(request, rnd, stage, application_pk) -> tuple[Application, bool]:
    """(application, leads its group). Readers of the ranking, or the leader of the group
    reviewing it in this stage while they may review it; 404 for anybody else."""
    application = get_object_or_404(Application.objects.select_related("organization"), pk=application_pk,
                                    round=rnd)
    leads = (not permissions.can_read_ranking(request.user)) and can_review(request.user, application) \
        and aggregation.leads_group_of(request.user, application.pk, stage)
    if not (permissions.can_read_ranking(request.user) or leads):
        raise Http404
    return application, leads


def _detail_context(request, rnd, stage, application, leads):
    frame, result = _analyse(rnd, stage)
    program = rnd.program
    items = list(Item.objects.filter(category__version_id=program.criteria_id).select_related("category"))
    mine = frame[frame["application"] == application.pk] if not frame.empty else frame
    expert_ids = sorted(mine["expert"].unique().tolist()) if not mine.empty else []
    show_names = permissions.can_see_expert_names(request.user)
    names = {}
    if show_names and expert_ids:
        from .models import Expert

        names = dict(Expert.objects.filter(pk__in=expert_ids).values_list("pk", "name"))
    experts = [{"pk": e, "label": names.get(e) if show_names else _("Expert %(n)s") % {"n": i}}
               for i, e in enumerate(expert_ids, start=1)]
    percents = {(int(r.expert), int(r.item)): int(r.percent) for r in mine.itertuples()} if not mine.empty else {}
    agg_rows = {}
    summary = None
    if result is not None and application.pk in result.applications.index:
        for r in result.items[result.items["application"] == application.pk].itertuples():
            agg_rows[int(r.item)] = r
        a = result.applications.loc[application.pk]
        summary = {"raw": _num(a["raw"]), "calibrated": _num(a["calibrated"]), "spread": _num(a["spread"]),
                   "disagreements": int(a["disagreements"]), "open": int(a["open_disagreements"])}
        cards = result.scorecards[result.scorecards["application"] == application.pk].set_index("expert")
        for e in experts:
            e["total"] = _num(cards.loc[e["pk"], "total"]) if e["pk"] in cards.index else None
            if show_names:
                e["effect"] = _num(cards.loc[e["pk"], "effect"]) if e["pk"] in cards.index else None
    from .models import ConsensusScore

    reasons = {c.item_id: c for c in ConsensusScore.objects.filter(application=application, stage=stage)}
    rows = []
    for item in items:
        r = agg_rows.get(item.pk)
        rows.append({
            "item": item, "scores": [percents.get((e["pk"], item.pk)) for e in experts],
            "percent": _num(r.final_percent) if r is not None else None,
            "experts_percent": _num(r.percent) if r is not None else None,
            "points": _num(r.final_points) if r is not None else None,
            "spread": _num(r.spread) if r is not None else None,
            "flagged": bool(r.flagged) if r is not None else False,
            "consensus": reasons.get(item.pk),
        })
    return {
        "round": rnd, "program": program, "stage": stage, "stage_label": Stage(stage).label,
        "application": application, "experts": experts, "rows": rows, "summary": summary, "leads": leads,
        "show_names": show_names, "aggregation_label": program.get_aggregation_display(),
        "steps": list(range(0, 101, 5)), "is_reader": permissions.can_read_ranking(request.user),
    }


@login_required
def ranking_detail(request, round_pk, stage, application_pk):
    rnd, stage = _round(round_pk), _stage(stage)
    application, leads = _detail_access(request, rnd, stage, application_pk)
    return render(request, "review/ranking/detail.html", _detail_context(request, rnd, stage, application, leads))


@login_required
@require_POST
def consensus(request, round_pk, stage, application_pk):
    rnd, stage = _round(round_pk), _stage(stage)
    application, leads = _detail_access(request, rnd, stage, application_pk)
    if not leads:
        raise Http404
    try:
        item_id = int(request.POST.get("item", ""))
        percent = int(request.POST.get("percent", ""))
    except ValueError:
        messages.error(request, _("Choose an item and a percentage."))
        return redirect("review-ranking-detail", round_pk=rnd.pk, stage=stage, application_pk=application.pk)
    try:
        aggregation.consensus_record(application_id=application.pk, stage=stage, item_id=item_id, percent=percent,
                                     reason=request.POST.get("reason", ""), actor=request.user)
    except aggregation.ConsensusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consensus score was recorded."))
    return redirect("review-ranking-detail", round_pk=rnd.pk, stage=stage, application_pk=application.pk)


@login_required
def statistics(request, round_pk, stage):
    if not permissions.can_read_statistics(request.user):
        raise PermissionDenied
    rnd, stage = _round(round_pk), _stage(stage)
    _frame, result = _analyse(rnd, stage)
    groups, experts = [], []
    if result is not None:
        numbers = dict(ExpertGroup.objects.filter(round=rnd, stage=stage).values_list("pk", "number"))
        for g, r in result.groups.iterrows():
            groups.append({"number": numbers.get(int(g), g), "applications": int(r["applications"]),
                           "experts": int(r["experts"]), "icc": _num(r["icc"]), "alpha": _num(r["alpha"]),
                           "leniency": _num(r["leniency"])})
        show_names = permissions.can_see_expert_names(request.user)
        names = {}
        if show_names:
            from .models import Expert

            names = dict(Expert.objects.filter(pk__in=[int(e) for e in result.experts.index]).values_list(
                "pk", "name"))
        ordered = result.experts.sort_values("effect", ascending=False)
        for i, (e, r) in enumerate(ordered.iterrows(), start=1):
            experts.append({"label": names.get(int(e)) if show_names else _("Expert %(n)s") % {"n": i},
                            "group": numbers.get(int(r["group"]), r["group"]),
                            "applications": int(r["applications"]), "effect": _num(r["effect"]),
                            "deviation": _num(r["mean_deviation"])})
    return render(request, "review/ranking/statistics.html", {
        "round": rnd, "stage": stage, "stage_label": Stage(stage).label, "groups": groups, "experts": experts,
        "parts": result.parts if result is not None else 0,
    })
