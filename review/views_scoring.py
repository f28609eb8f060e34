"""The scoring page of an expert (review/scoring.py holds the rules): a GB/Z 19579 band per item,
strengths and opportunities, the overall comment, live totals (static/js/scorecard.js), autosave
with a version check, submission, and the group leader's reopening.

Every page answers 404 unless `access.can_review` lets the user review the application now.
The page runs a fixed number of queries whatever the number of items.
"""

import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import ItemType
from applications.models import Application
from applications.selectors import detail_panels
from award_portal.roles import Role, has_role

from . import access, scoring
from .models import Scorecard
from .permissions import expert_profile
from .scoring import ScoringError
from .watermark import watermark_text, watermark_time


def _scorecard_or_404(request, pk):
    """The expert's scorecard of application `pk`, or 404. `scoring.scorecard_for` asks
    `access.can_review` (once per request: nothing is shown before it answers)."""
    expert = expert_profile(request.user)
    # The form as typed and the snapshot are large and not shown here (the application opens in its own tab).
    application = (Application.objects.select_related("round__program__criteria", "organization")
                   .defer("draft_data", "snapshot", "declarations").filter(pk=pk).first())
    if expert is None or application is None:
        raise Http404
    try:
        card = scoring.scorecard_for(expert, application)
    except ScoringError:
        raise Http404 from None
    card.application, card.expert = application, expert
    return expert, application, card


def form_items(data, rows) -> tuple[dict, str | None]:
    """The items and overall comment posted by the page's form (fields absent are left alone)."""
    items = {}
    for row in rows:
        values = {}
        for prefix, field in (("p", "percent"), ("s", "strengths"), ("o", "opportunities")):
            name = f"{prefix}-{row.item_id}"
            if name in data:
                values[field] = data.get(name)
        if values:
            items[row.item_id] = values
    return items, data.get("overall_comment") if "overall_comment" in data else None


def _fmt(value) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _percent_options(selected: str):
    """The percentage <option>s of one item (integers only, nothing to escape): built here rather
    than by a template loop of ~20 options × every item, the largest part of the page's rendering."""
    return mark_safe("".join(f'<option value="{p}"{" selected" if str(p) == selected else ""}>{p} %</option>'
                             for p in scoring.PERCENTAGES))


def _items_context(application, card, rows, *, conflicts=None, posted=None, errors=None) -> dict:
    """What the items' part of the page shows: stored values, or what was posted when a save was refused."""
    total_points = application.round.program.criteria.total_points
    result = scoring.totals(rows, total_points)
    stored = scoring.snapshot(card, rows)
    shown = dict(stored)
    if posted:
        shown.update({k: v for k, v in posted.items() if k in stored})
    boxes = {}
    for name, value in (conflicts or {}).items():
        mine = (posted or {}).get(name, "")
        pct = name.startswith("p-")
        boxes[name] = {"stored": value, "shown": f"{value} %" if pct and value != "" else (value or "—"),
                       "mine": f"{mine} %" if pct and mine != "" else (mine or "—")}
    categories, current = [], None
    for row in rows:
        category = row.item.category
        if current is None or current["category"].pk != category.pk:
            current = {"category": category, "rows": [],
                       "total": _fmt(result["categories"].get(category.pk))}
            categories.append(current)
        percent_text = shown.get(f"p-{row.item_id}", "")
        percent = int(percent_text) if str(percent_text).isdigit() else None
        current["rows"].append({
            "row": row, "item": row.item, "np": f"p-{row.item_id}", "ns": f"s-{row.item_id}",
            "no": f"o-{row.item_id}", "percent": "" if percent is None else str(percent),
            "percent_options": _percent_options("" if percent is None else str(percent)),
            "strengths": shown.get(f"s-{row.item_id}", ""), "opportunities": shown.get(f"o-{row.item_id}", ""),
            "points": _fmt(scoring.points(percent, row.item.points)),
            "band": scoring.band_of(percent, row.item.item_type),
            "is_result": row.item.item_type == ItemType.RESULT,
            "conflict_p": boxes.get(f"p-{row.item_id}"), "conflict_s": boxes.get(f"s-{row.item_id}"),
            "conflict_o": boxes.get(f"o-{row.item_id}"),
            "error": (errors or {}).get(f"p-{row.item_id}"),
        })
    return {"categories": categories, "total": _fmt(result["overall"]), "total_points": total_points,
            "locked": card.status == Scorecard.Status.SUBMITTED,
            "overall_comment": shown.get("overall_comment", ""), "overall_conflict": boxes.get("overall_comment")}


ITEMS_CACHE_SECONDS = 24 * 3600


@functools.lru_cache(maxsize=8)
def _bands_json(language: str) -> str:
    """The band descriptions for the page's script, in the page's language (fixed texts)."""
    with translation.override(language):
        return json.dumps(scoring.bands_for_page(), ensure_ascii=False)


def _items_cache_key(card) -> str:
    # A save bumps the version and submitting/reopening changes the status; the criteria are
    # frozen once the first scorecard exists; names and band texts follow the language.
    return f"review:scorecard-items:{card.pk}:{card.version}:{card.status}:{translation.get_language()}"


def _items_part(application, card, rows=None, **refused) -> tuple[str, str]:
    """(the rendered items with the live totals, the overall comment). A plain view of a
    scorecard is cached by its version, so reading an unchanged scorecard renders nothing again;
    a refused save (`refused`: conflicts, posted, errors) is rendered afresh."""
    key = None if any(refused.values()) else _items_cache_key(card)
    if key is not None and (hit := cache.get(key)) is not None:
        return hit
    context = _items_context(application, card, rows if rows is not None else scoring.item_scores(card), **refused)
    part = (render_to_string("review/scoring/_items.html", context), context["overall_comment"],
            context["overall_conflict"])
    if key is not None:
        cache.set(key, part, ITEMS_CACHE_SECONDS)
    return part


PANELS_CACHE_SECONDS = 60


def _panels(request, application) -> list[str]:
    """The application's panels beside the form (its big-data feedback above all), rendered at most
    once a minute per reader: they change with the office's screening work, not with the scores,
    and reading them costs more than the rest of the page."""
    key = f"review:scorecard-panels:{application.pk}:{request.user.pk}:{translation.get_language()}"
    panels = cache.get(key)
    if panels is None:
        panels = [render_to_string(template, context, request=request)
                  for template, context in detail_panels(application, request.user)]
        cache.set(key, panels, PANELS_CACHE_SECONDS)
    return panels


def _page_context(request, application, card, rows=None, *, conflicts=None, posted=None, errors=None):
    items_html, overall_comment, overall_conflict = _items_part(
        application, card, rows, conflicts=conflicts, posted=posted, errors=errors)
    leader = scoring.is_group_leader(request.user, application, card.stage)
    group_cards = []
    if leader:
        group_cards = list(Scorecard.objects.filter(application=application, stage=card.stage)
                           .select_related("expert").order_by("expert__name"))
    panels = _panels(request, application)
    expert = card.expert if card.expert_id else None
    return {
        "application": application, "card": card, "items_html": mark_safe(items_html),
        "locked": card.status == Scorecard.Status.SUBMITTED,
        "overall_comment": overall_comment, "overall_conflict": overall_conflict,
        "bands_json": _bands_json(translation.get_language()),
        "leader": leader, "group_cards": group_cards, "panels": panels,
        "watermark": watermark_text(expert.name if expert else request.user.get_username(), time_text=TIME_PLACEHOLDER),
        "watermark_cells": range(12),
    }


PAGE_CACHE_SECONDS = 60
#: Each process keeps the pages it served last (their keys name what they show) for this long.
LOCAL_PAGE_SECONDS, LOCAL_PAGES = 20, 64
#: Stand for the request's CSRF token and the watermark's time in a stored page; derived from the
#: deployment's secret, so no text a user types can be mistaken for one.
_PLACEHOLDER_SALT = salted_hmac("review.views_scoring.placeholders", "stored-page").hexdigest()[:24]
CSRF_PLACEHOLDER = f"csrf-{_PLACEHOLDER_SALT}"
TIME_PLACEHOLDER = f"time-{_PLACEHOLDER_SALT}"
_local_pages: OrderedDict = OrderedDict()
_local_lock = threading.Lock()


def _page_key(request, pk) -> str | None:
    """The key of the stored page for this request, or None when it must be rendered afresh.

    The key holds everything the page shows that can change: the session (so a stored page is
    only ever served to the session that rendered it), the application's state and stage, the
    scorecard's id, version and status, whether the user leads the group and the group's cards,
    the unread count in the menu and the language (the watermark's time is filled in for each
    response). What is not in it (the menu's entries, the organisation's name, the big-data
    panels, themselves cached a minute) may lag by PAGE_CACHE_SECONDS + LOCAL_PAGE_SECONDS.
    `access.scoring_page_state` asks the same `can_review` predicate the page and the services ask,
    on every request."""
    if request.method != "GET" or request.GET or not has_role(request.user, Role.EXPERT):
        return None
    session_key = request.session.session_key
    if not session_key or len(messages.get_messages(request)):
        return None
    state = access.scoring_page_state(request.user, pk)
    if state is None:
        return None
    parts = (session_key, pk, state["state"], state["stage"], state["card"], state["leader"], state["group"],
             state["unread"], translation.get_language())
    return "review:scoring-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _stored_page(key) -> str | None:
    """The page stored under `key`: from this process's last pages, else the shared cache."""
    now = time.monotonic()
    with _local_lock:
        hit = _local_pages.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
    html = cache.get(key)
    if html is not None:
        _keep_locally(key, html)
    return html


def forget_stored_pages():
    """Drop this process's stored pages (tests that clear the cache to see a page rendered)."""
    with _local_lock:
        _local_pages.clear()


def _keep_locally(key, html):
    with _local_lock:
        _local_pages[key] = (time.monotonic() + LOCAL_PAGE_SECONDS, html)
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _with_csrf(request, html: str) -> str:
    """The stored page with this request's CSRF token and the watermark's time filled in."""
    return html.replace(CSRF_PLACEHOLDER, get_token(request)).replace(TIME_PLACEHOLDER, watermark_time())


def _rendered_page(request, key, context, status=200):
    """The page rendered with placeholders for the CSRF token and the watermark's time, stored
    under `key` (when there is one), and answered with this request's in their place."""
    html = render_to_string("review/scoring/scorecard.html", {**context, "csrf_token": CSRF_PLACEHOLDER},
                            request=request)
    if key is not None:
        cache.set(key, html, PAGE_CACHE_SECONDS)
        _keep_locally(key, html)
    return HttpResponse(_with_csrf(request, html), status=status)


@login_required
def scorecard_page(request, pk):
    """GET answers from the page stored under `_page_key` when nothing it shows has changed
    (issue 13's throughput: the state is one compiled statement, the page is not rendered)."""
    page_key = _page_key(request, pk)
    if page_key is not None and (html := _stored_page(page_key)) is not None:
        return HttpResponse(_with_csrf(request, html))
    expert, application, card = _scorecard_or_404(request, pk)
    if request.method == "POST":
        rows = scoring.item_scores(card)
        items, comment = form_items(request.POST, rows)
        action = request.POST.get("action", "save")
        try:
            card = scoring.scorecard_save(scorecard_id=card.pk, expert=expert, version=request.POST.get("version"),
                                          items=items, overall_comment=comment)
            if action == "submit":
                card = scoring.scorecard_submit(scorecard_id=card.pk, expert=expert, version=card.version)
        except ScoringError as exc:
            card = Scorecard.objects.get(pk=card.pk)
            card.application = application
            rows = scoring.item_scores(card)
            conflicts = {}
            if exc.code == "stale" and exc.current:
                stored = exc.current["values"]
                conflicts = {name: stored[name] for name in stored
                             if name in request.POST and str(request.POST.get(name)).replace("\r\n", "\n")
                             != str(stored[name])}
            messages.error(request, exc.message)
            posted = {k: request.POST.get(k) for k in request.POST} if exc.code in ("stale", "invalid",
                                                                                  "incomplete") else None
            context = _page_context(request, application, card, rows, conflicts=conflicts, posted=posted,
                                    errors=exc.fields)
            return _rendered_page(request, None, context, status=409 if exc.code in ("stale", "locked") else 400)
        messages.success(request, _("The scorecard is submitted and locked.") if action == "submit"
                         else _("The scorecard is saved."))
        return redirect("review-scorecard", pk=application.pk)
    return _rendered_page(request, page_key, _page_context(request, application, card))


@login_required
@require_POST
def scorecard_autosave(request, pk):
    expert, application, card = _scorecard_or_404(request, pk)
    rows = scoring.item_scores(card)
    items, comment = form_items(request.POST, rows)
    try:
        card = scoring.scorecard_save(scorecard_id=card.pk, expert=expert, version=request.POST.get("version"),
                                      items=items, overall_comment=comment)
    except ScoringError as exc:
        body = {"ok": False, "code": exc.code, "message": exc.message, "fields": exc.fields}
        if exc.code == "stale" and exc.current:
            body.update({"stored": exc.current["values"], "version": exc.current["version"]})
            return JsonResponse(body, status=409)
        return JsonResponse(body, status=409 if exc.code == "locked" else 400)
    rows = scoring.item_scores(card)
    result = scoring.totals(rows, application.round.program.criteria.total_points)
    return JsonResponse({
        "ok": True, "version": card.version,
        "saved_at": formats.date_format(timezone.localtime(card.updated_at), "TIME_FORMAT"),
        "totals": {"overall": _fmt(result["overall"]),
                   "categories": {str(k): _fmt(v) for k, v in result["categories"].items()}},
    })


@login_required
@require_POST
def scorecard_reopen(request, pk):
    """The group leader reopens a submitted scorecard of their group's application (404 for anyone else)."""
    card = Scorecard.objects.select_related("application").filter(pk=pk).first()
    if card is None or not access.can_review(request.user, card.application) \
            or not scoring.is_group_leader(request.user, card.application, card.stage):
        raise Http404
    try:
        scoring.scorecard_reopen(scorecard_id=card.pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ScoringError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The scorecard is reopened; the expert can change and submit it again."))
    return redirect("review-scorecard", pk=card.application_id)
