from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications.enums import RoundPhase
from applications.models import AwardProgram, Organization, Round
from award_portal.roles import Role, can_read_everything, has_role, is_office

from . import screening, services
from .models import Flag, ImportBatch, PublicRecord, RecordSource, Run


def _require_reader(user):
    if not (can_read_everything(user) or has_role(user, Role.GUIDANCE)):
        raise PermissionDenied


class ImportForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source"), queryset=RecordSource.objects.all())
    file = forms.FileField(label=_("CSV or Excel file"))
    accept_partial = forms.BooleanField(label=_("Import the valid rows even if some rows are rejected"),
                                        required=False)


class RunForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=AwardProgram.objects.all(), required=False)
    round = forms.ModelChoiceField(
        label=_("Round (screened as of its application deadline)"), required=False,
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
    _require_reader(request.user)
    sources = RecordSource.objects.all()
    counts = dict(PublicRecord.objects.values("source").annotate(n=Count("id")).values_list("source", "n"))
    return render(request, "bigdata/home.html", {
        "sources": [(s, counts.get(s.pk, 0)) for s in sources],
        "batches": ImportBatch.objects.select_related("source", "imported_by")[:20],
        "runs": Run.objects.select_related("program")[:20],
        "import_form": ImportForm(), "run_form": RunForm(), "is_office": is_office(request.user),
    })


@login_required
@require_POST
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a source and a file."))
        return redirect("bigdata-home")
    upload = form.cleaned_data["file"]
    batch = services.records_import(source=form.cleaned_data["source"], data=upload.read(), file_name=upload.name,
                                    actor=request.user, accept_partial=form.cleaned_data["accept_partial"])
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.success(request, _("Imported %(n)s records (%(d)s already present).") % {
            "n": batch.rows_imported, "d": batch.rows_duplicate})
    else:
        messages.error(request, batch.message)
    return redirect("bigdata-import", pk=batch.pk)


@login_required
def import_detail(request, pk):
    _require_reader(request.user)
    batch = get_object_or_404(ImportBatch.objects.select_related("source"), pk=pk)
    unmatched = PublicRecord.objects.filter(batch=batch, organization__isnull=True).order_by("id")
    by_name = PublicRecord.objects.filter(batch=batch, match_method="name").order_by("id")[:100]
    return render(request, "bigdata/import_detail.html", {
        "batch": batch, "rejected": batch.rejected_rows.all()[:500],
        "unmatched": Paginator(unmatched, 100).get_page(request.GET.get("page")), "by_name": by_name})


@login_required
@require_POST
def run_start(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose a program or a round."))
        return redirect("bigdata-home")
    run = services.run_start(program=form.cleaned_data["program"], actor=request.user, kind=form.cleaned_data["kind"],
                             reference_date=form.cleaned_data["reference_date"])
    return redirect("bigdata-run", pk=run.pk)


@login_required
def run_detail(request, pk):
    _require_reader(request.user)
    run = get_object_or_404(Run.objects.select_related("program"), pk=pk)
    flags = Flag.objects.filter(run=run).select_related("organization", "rule", "decided_by")
    for key in ("outcome", "decision"):
        if request.GET.get(key):
            flags = flags.filter(**{key: request.GET[key]})
    summary = dict(Flag.objects.filter(run=run).values("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    return render(request, "bigdata/run_detail.html", {
        "run": run, "flags": Paginator(flags.order_by("outcome", "organization__name"), 100).get_page(
            request.GET.get("page")),
        "summary": summary, "chunks": run.chunks.all(), "is_office": is_office(request.user),
        "scores": run.scores.select_related("organization").order_by("-score")[:50]
        if run.kind == Run.Kind.EVALUATION else []})


@login_required
def run_progress(request, pk):
    _require_reader(request.user)
    run = get_object_or_404(Run, pk=pk)
    return JsonResponse({"status": run.status, "progress": run.progress, "chunks_done": run.chunks_done,
                         "chunks_total": run.chunks_total, "flags": run.flags_count})


@login_required
@require_POST
def run_resume(request, pk):
    services.run_resume(run_id=pk, actor=request.user)
    return redirect("bigdata-run", pk=pk)


@login_required
def flag_detail(request, pk):
    _require_reader(request.user)
    flag = get_object_or_404(Flag.objects.select_related("organization", "rule", "run__program", "decided_by"),
                             pk=pk)
    return render(request, "bigdata/flag_detail.html", {
        "flag": flag, "evidence": flag.records.select_related("source").order_by("-occurred_on"),
        "is_office": is_office(request.user)})


@login_required
@require_POST
def flag_decide(request, pk):
    try:
        screening.flag_decide(flag_id=pk, decision=request.POST.get("decision", ""),
                              reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("Decision recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("bigdata-flag", pk=pk)


@login_required
def organization_records(request, pk):
    _require_reader(request.user)
    org = get_object_or_404(Organization, pk=pk)
    records = PublicRecord.objects.filter(organization=org).select_related("source").order_by("-occurred_on")
    return render(request, "bigdata/organization_records.html", {
        "org": org, "records": Paginator(records, 100).get_page(request.GET.get("page"))})
