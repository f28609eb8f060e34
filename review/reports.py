"""The group leader's material-review and site-review report per application (Beijing 2020
draft art. 18–19), and the round summary per stage (PDF and Excel).

The report starts prefilled from the members' submitted scorecards (their strengths and
opportunities per item, without names); the leader edits it while a draft (optimistic version
check) and finalises it. Writes are audited (`review.report_saved`, `review.report_finalised`).
Readers: the group's members (while they may review the application), the office, supervisors
and the guidance group; the PDF also for the award committee. The round summary reuses
`aggregation` (through the ranking page's table) and adds per-category aggregates.
"""

import io

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Item
from award_portal.audit import audit_record
from award_portal.roles import Role, can_read_everything, has_role

from . import permissions
from .access import can_review
from .models import GroupApplication, GroupMember, ItemScore, ReviewReport, Scorecard, Stage
from .scoring import is_group_leader

TEXT_MAX = 20000


class ReportError(Exception):
    def __init__(self, code: str, message, current=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.current = current


# --- who ----------------------------------------------------------------------------------------

def is_reader(user) -> bool:
    """Office, supervisors, guidance group: read every report."""
    return can_read_everything(user) or has_role(user, Role.GUIDANCE)


def is_member(user, application, stage) -> bool:
    """A member of the group reviewing the application in this stage who may review it now."""
    if not getattr(user, "is_authenticated", False):
        return False
    return GroupMember.objects.filter(
        expert__user=user, group__stage=stage, group__assignments__application=application,
        group__assignments__stage=stage).exists() and can_review(user, application)


def may_read(user, application, stage) -> bool:
    return is_reader(user) or is_member(user, application, stage)


def may_read_pdf(user, application, stage) -> bool:
    return may_read(user, application, stage) or has_role(user, Role.COMMITTEE)


def may_edit(user, application, stage) -> bool:
    return can_review(user, application) and is_group_leader(user, application, stage)


# --- the report ---------------------------------------------------------------------------------

def prefill(application, stage) -> tuple[str, str]:
    """(strengths, opportunities) from the members' submitted scorecards, item by item, without
    names: "4.1.2 text" lines in criteria order."""
    rows = (ItemScore.objects.filter(scorecard__application=application, scorecard__stage=stage,
                                     scorecard__status=Scorecard.Status.SUBMITTED)
            .select_related("item").order_by("item__category__order", "item__order", "item__number",
                                             "scorecard__expert_id"))
    strengths, opportunities = [], []
    for row in rows:
        if row.strengths.strip():
            strengths.append(f"{row.item.number} {row.strengths.strip()}")
        if row.opportunities.strip():
            opportunities.append(f"{row.item.number} {row.opportunities.strip()}")
    return "\n".join(strengths), "\n".join(opportunities)


def report_for(application, stage) -> ReviewReport:
    """The stored report, or an unsaved draft prefilled from the submitted scorecards."""
    report = ReviewReport.objects.filter(application=application, stage=stage).first()
    if report is not None:
        return report
    group_id = (GroupApplication.objects.filter(application=application, stage=stage)
                .values_list("group_id", flat=True).first())
    strengths, opportunities = prefill(application, stage)
    return ReviewReport(application=application, stage=stage, group_id=group_id, strengths=strengths,
                        opportunities=opportunities, version=0)


def _clean(value) -> str:
    text = value if isinstance(value, str) else ""
    return text.replace("\x00", "")[:TEXT_MAX]


def _snapshot(report) -> dict:
    return {"stage": report.stage, "status": report.status, "version": report.version,
            "summary": report.summary, "strengths": report.strengths, "opportunities": report.opportunities}


def _locked(application_id, stage, actor, version):
    if stage not in Stage.values:
        raise ReportError("missing", _("No such stage."))
    application = Application.objects.select_related("round").filter(pk=application_id).first()
    if application is None or not may_edit(actor, application, stage):
        raise ReportError("forbidden", _("Only the leader of the group reviewing this application writes its "
                                         "report."))
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ReportError("invalid", _("The form is incomplete; reload the page.")) from None
    report = ReviewReport.objects.select_for_update().filter(application=application, stage=stage).first()
    if report is None:
        report = report_for(application, stage)
        if report.group_id is None:
            raise ReportError("forbidden", _("No group reviews this application in this stage."))
    if report.version != version:
        raise ReportError("conflict", _("The report was changed elsewhere since you opened it; your text is "
                                        "below, the current version has been loaded."), current=report)
    if report.status == ReviewReport.Status.FINAL:
        raise ReportError("final", _("The report is final."))
    return application, report


def report_save(*, application_id: int, stage: str, actor, version, summary, strengths,
                opportunities) -> ReviewReport:
    with transaction.atomic():
        application, report = _locked(application_id, stage, actor, version)
        before = _snapshot(report) if report.pk else None
        report.summary, report.strengths = _clean(summary), _clean(strengths)
        report.opportunities = _clean(opportunities)
        report.version += 1
        report.written_by = actor
        report.save()
        audit_record(action="review.report_saved", obj=application, actor=actor, before=before,
                     after=_snapshot(report))
    return report


def report_finalise(*, application_id: int, stage: str, actor, version) -> ReviewReport:
    with transaction.atomic():
        application, report = _locked(application_id, stage, actor, version)
        if not report.pk or not report.summary.strip():
            raise ReportError("invalid", _("Write and save the summary before finalising the report."))
        before = _snapshot(report)
        report.status = ReviewReport.Status.FINAL
        report.finalised_at = timezone.now()
        report.version += 1
        report.save()
        audit_record(action="review.report_finalised", obj=application, actor=actor, before=before,
                     after=_snapshot(report))
    return report


# --- the round summary --------------------------------------------------------------------------

def may_read_summary(user) -> bool:
    return permissions.can_read_ranking(user)


def round_summary(rnd, stage) -> dict:
    """The stage's ranking rows (as the ranking page computes them) with per-category points,
    and the per-item aggregates: {"rows", "categories", "items"}."""
    from .ranking import ranking_table as _ranking_table

    rows, result, _rank_by = _ranking_table(rnd, stage)
    items = list(Item.objects.filter(category__version_id=rnd.program.criteria_id).select_related("category"))
    categories = []
    for item in items:
        if item.category not in categories:
            categories.append(item.category)
    item_frame = result.items if result is not None else pd.DataFrame(
        columns=["application", "item", "final_percent", "final_points", "spread", "flagged", "n"])
    category_of = {i.pk: i.category_id for i in items}
    per_category = {}
    if len(item_frame):
        frame = item_frame.assign(category=item_frame["item"].map(category_of))
        sums = frame.groupby(["application", "category"])["final_points"].sum()
        per_category = {(int(a), int(c)): round(float(v), 2) for (a, c), v in sums.items()}
    for row in rows:
        row["categories"] = [per_category.get((row["pk"], c.pk)) for c in categories]
    return {"rows": rows, "categories": categories, "items": items, "item_frame": item_frame}


def summary_xlsx(rnd, stage) -> bytes:
    """Two sheets: the ranking with per-category points ("summary") and every application's
    per-item aggregates ("scores")."""
    data = round_summary(rnd, stage)
    cats = data["categories"]
    summary = pd.DataFrame([{
        "rank": r["rank"], "application": r["application"].number if r["application"] else r["pk"],
        "organisation": r["application"].organization.name if r["application"] else "",
        "group": r["group"], "experts": r["experts"],
        **{f"{c.number} {c.name_zh}": v for c, v in zip(cats, r["categories"], strict=True)},
        "raw": r["raw"], "calibrated": r["calibrated"], "bigdata": r["bigdata"], "final": r["final"],
        "spread": r["spread"], "disagreements": r["disagreements"],
    } for r in data["rows"]])
    numbers = {r["pk"]: (r["application"].number if r["application"] else r["pk"]) for r in data["rows"]}
    item_no = {i.pk: i.number for i in data["items"]}
    frame = data["item_frame"]
    scores = pd.DataFrame({
        "application": [numbers.get(int(a), a) for a in frame["application"]],
        "item": [item_no.get(int(i), i) for i in frame["item"]],
        "experts": frame["n"].astype(int).to_list(),
        "percent": frame["final_percent"].round(2).to_list(),
        "points": frame["final_points"].round(2).to_list(),
        "spread": frame["spread"].to_list(), "flagged": frame["flagged"].astype(bool).to_list(),
    }) if len(frame) else pd.DataFrame(columns=["application", "item", "experts", "percent", "points", "spread",
                                                "flagged"])
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="summary", index=False)
        scores.to_excel(writer, sheet_name="scores", index=False)
    return out.getvalue()


def _pdf(template, context) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf()


def summary_pdf(rnd, stage) -> bytes:
    data = round_summary(rnd, stage)
    return _pdf("review/pdf/round_summary.html", {"round": rnd, "stage": stage,
                                                   "stage_label": {"material": "材料评审", "site": "现场评审"}[stage],
                                                   **data})


def report_pdf(report) -> bytes:
    application = report.application
    stage_label = {"material": "材料评审", "site": "现场评审"}[report.stage]
    return _pdf("review/pdf/review_report.html", {"report": report, "application": application,
                                                   "org": application.organization, "stage_label": stage_label})
