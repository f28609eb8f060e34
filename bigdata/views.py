from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications.enums import RoundPhase
from applications.models import AwardProgram, Organization, Round

from . import permissions, screening, services
from .models import Flag, ImportBatch, PublicRecord, RecordSource, Run, ScreeningRule


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


class ImportForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source"), queryset=RecordSource.objects.all())
    file = forms.FileField(label=_("CSV or Excel file"))
    accept_partial = forms.BooleanField(label=_("Import the valid rows even if some rows are rejected"),
                                        required=False)


class RunForm(forms.Form):
    """A run of a round screens the round's applicants as of its application deadline; a run of a
    program (no round) screens every registered organisation."""

    program = forms.ModelChoiceField(label=_("Program (every registered organisation)"),
                                     queryset=AwardProgram.objects.all(), required=False)
    round = forms.ModelChoiceField(
        label=_("Round (its applicants, screened as of its application deadline)"), required=False,
        queryset=Round.objects.select_related("program").exclude(phase=RoundPhase.CLOSED))
    kind = forms.ChoiceField(label=_("Kind"), choices=Run.Kind.choices)
    reference_date = forms.DateField(label=_("Reference date (default: today)"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        rnd = data.get("round")
        if rnd is not None:
            data["program"] = rnd.program
            data["reference_date"] = timezone.localtime(rnd.application_deadline).date()
        if data.get("program") is None:
            raise forms.ValidationError(_("Choose a program or a round."))
        return data


@login_required
def home(request):
    user = request.user
    _require(permissions.can_read_screening(user))
    everything = permissions.can_read_bigdata(user)
    sources, batches = [], []
    if everything:
        counts = dict(PublicRecord.objects.values("source").annotate(n=Count("id")).values_list("source", "n"))
        sources = [(s, counts.get(s.pk, 0)) for s in RecordSource.objects.all()]
        batches = ImportBatch.objects.select_related("source", "imported_by")[:20]
    return render(request, "bigdata/home.html", {
        "can_read_bigdata": everything, "sources": sources, "batches": batches,
        "runs": Run.objects.select_related("program", "round")[:20],
        "can_import": permissions.can_import(user), "can_run": permissions.can_run(user),
        "import_form": ImportForm(), "run_form": RunForm(),
    })


@login_required
@require_POST
def import_upload(request):
    _require(permissions.can_import(request.user))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a source and a file."))
        return redirect("bigdata-home")
    upload = form.cleaned_data["file"]
    batch = services.records_import_queued(source=form.cleaned_data["source"], data=upload.read(),
                                           file_name=upload.name, actor=request.user,
                                           accept_partial=form.cleaned_data["accept_partial"])
    if batch.status == ImportBatch.Status.RUNNING:
        messages.info(request, _("The file is being imported; this page shows the report when it is done."))
    elif batch.status == ImportBatch.Status.IMPORTED:
        messages.success(request, _("Imported %(n)s records (%(d)s already present).") % {
            "n": batch.rows_imported, "d": batch.rows_duplicate})
    else:
        messages.error(request, batch.message_text)
    return redirect("bigdata-import", pk=batch.pk)


@login_required
def import_detail(request, pk):
    batch = get_object_or_404(ImportBatch.objects.select_related("source"), pk=pk)
    _require(permissions.can_open_import(request.user, batch))
    unmatched = PublicRecord.objects.filter(batch=batch, organization__isnull=True).order_by("id")
    by_name = PublicRecord.objects.filter(batch=batch, match_method="name").order_by("id")[:100]
    return render(request, "bigdata/import_detail.html", {
        "batch": batch, "rejected": batch.rejected_rows.all()[:500],
        "unmatched": Paginator(unmatched, 100).get_page(request.GET.get("page")), "by_name": by_name})


@login_required
@require_POST
def run_start(request):
    _require(permissions.can_run(request.user))
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose a program or a round."))
        return redirect("bigdata-home")
    run = services.run_start(program=form.cleaned_data["program"], actor=request.user, kind=form.cleaned_data["kind"],
                             reference_date=form.cleaned_data["reference_date"], round=form.cleaned_data.get("round"))
    return redirect("bigdata-run", pk=run.pk)


#: The flag filters of the run page: query parameter → its allowed values.
FLAG_FILTERS = {"outcome": set(ScreeningRule.Outcome.values), "decision": set(Flag.Decision.values)}


@login_required
def run_detail(request, pk):
    run = get_object_or_404(Run.objects.select_related("program", "round"), pk=pk)
    _require(permissions.can_open_run(request.user, run))
    flags = Flag.objects.filter(run=run).select_related("organization", "rule", "decided_by")
    for key, allowed in FLAG_FILTERS.items():
        if request.GET.get(key) in allowed:
            flags = flags.filter(**{key: request.GET[key]})
    summary = [(ScreeningRule.Outcome(outcome).label, n) for outcome, n in Flag.objects.filter(run=run)
               .values("outcome").annotate(n=Count("id")).order_by("outcome").values_list("outcome", "n")]
    return render(request, "bigdata/run_detail.html", {
        "run": run, "flags": Paginator(flags.order_by("outcome", "organization__name"), 100).get_page(
            request.GET.get("page")),
        "summary": summary, "chunks": run.chunks.all(), "can_run": permissions.can_run(request.user),
        "superseded_by": permissions.superseding_run(run),
        "scores": run.scores.select_related("organization").order_by("-score")[:50]
        if run.kind == Run.Kind.EVALUATION else []})


@login_required
def run_progress(request, pk):
    run = get_object_or_404(Run, pk=pk)
    _require(permissions.can_open_run(request.user, run))
    return JsonResponse({"status": run.status, "progress": run.progress, "chunks_done": run.chunks_done,
                         "chunks_total": run.chunks_total, "flags": run.flags_count})


@login_required
@require_POST
def run_resume(request, pk):
    _require(permissions.can_run(request.user))
    run = get_object_or_404(Run, pk=pk)
    try:
        services.run_resume(run_id=run.pk, actor=request.user)
    except Run.DoesNotExist:  # removed since the page was shown
        raise Http404 from None
    return redirect("bigdata-run", pk=pk)


@login_required
def flag_detail(request, pk):
    flag = get_object_or_404(Flag.objects.select_related("organization", "rule", "run__program", "decided_by"),
                             pk=pk)
    _require(permissions.can_open_flag(request.user, flag))
    return render(request, "bigdata/flag_detail.html", {
        "flag": flag, "evidence": flag.records.select_related("source").order_by("-occurred_on"),
        "mismatches": flag.figure_mismatches.select_related("record__source"),
        "superseded_by": permissions.superseding_run(flag.run),
        "can_decide": permissions.can_decide_flag(request.user, flag),
        "can_open_records": permissions.can_open_records(request.user, flag.organization)})


@login_required
@require_POST
def flag_decide(request, pk):
    _require(permissions.can_decide(request.user))
    flag = get_object_or_404(Flag, pk=pk)
    try:
        screening.flag_decide(flag_id=flag.pk, decision=request.POST.get("decision", ""),
                              reason=request.POST.get("reason", "").replace("\x00", ""), actor=request.user)
        messages.success(request, _("Decision recorded."))
    except (Flag.DoesNotExist, Run.DoesNotExist):  # removed since the page was shown
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("bigdata-flag", pk=pk)


@login_required
def organization_records(request, pk):
    org = get_object_or_404(Organization, pk=pk)
    _require(permissions.can_open_records(request.user, org))
    records = PublicRecord.objects.filter(organization=org).select_related("source").order_by("-occurred_on")
    return render(request, "bigdata/organization_records.html", {
        "org": org, "records": Paginator(records, 100).get_page(request.GET.get("page"))})
