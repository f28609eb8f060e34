"""The applicant's side: starting an application, the step-by-step form with autosave,
attachments, the commitment letter, submission and the PDF; the recommender's endorse/return;
the office's decisions on eligibility results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from award_portal.middleware import client_ip

from . import drafts, permissions, recommendation, selectors, services
from . import forms as step_forms
from .enums import EDITABLE_STATES
from .models import Attachment, CommitmentLetter, Membership, Organization, Round, RuleResult
from .workflow import TransitionError


def _own_application(user, pk):
    application = get_object_or_404(selectors.applications_visible_to(user), pk=pk)
    if not permissions.is_member(user, application):
        raise PermissionDenied
    return application


def _posted_id(request, name) -> int:
    """A primary key from the POST; ValueError unless it is a whole number a column can hold."""
    text = request.POST[name].strip()
    if not text.isdigit() or len(text) > 18:
        raise ValueError(name)
    return int(text)


def _posted_text(request, name) -> str:
    """A free text of the POST without NUL characters (PostgreSQL refuses them in text)."""
    return drafts.strip_nul(request.POST.get(name, ""))


@login_required
def application_start(request):
    """Pick an open round and one of your organisations; creates the draft."""
    if not permissions.can_start_application(request.user):
        raise PermissionDenied
    memberships = Membership.objects.filter(user=request.user).select_related("organization")
    rounds = selectors.open_rounds()
    if request.method == "POST":
        try:
            application = services.application_create(round_id=_posted_id(request, "round"),
                                                      organization_id=_posted_id(request, "organization"),
                                                      actor=request.user)
            return redirect("application-edit", pk=application.pk, step="basic")
        except (KeyError, ValueError, Round.DoesNotExist, Organization.DoesNotExist):
            messages.error(request, _("Choose a round and an organisation."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "applications/application_start.html", {"memberships": memberships, "rounds": rounds})


def steps_complete(application) -> set[str]:
    """The steps the indicator marks complete: each only when what it requires is there (the
    same conditions `drafts.completeness_problems` checks before submission). Visiting a step or
    saving it half-filled does not complete it."""
    done = set()
    for key in ("basic", "declarations", "figures", "report"):
        if key != "basic" and key not in application.draft_data:
            continue
        form = drafts.step_form(application, key, drafts.initial_step_data(application, key))
        if form is not None and not form.is_valid():
            continue
        if key == "report":
            typed = application.draft_data.get("report", {})
            if any(len(typed.get(step_forms.report_field_name(c), "").strip()) < step_forms.REPORT_MIN_CHARS
                   for c in application.round.program.criteria.categories.all()):
                continue
        done.add(key)
    if application.attachments.filter(kind=Attachment.Kind.EVIDENCE).exists():
        done.add("attachments")
    if CommitmentLetter.objects.filter(application=application).exists():
        done.add("commitment")
    if application.submitted_at and application.state not in EDITABLE_STATES:
        done.add("review")
    return done


def _step_context(application, step, form):
    done = steps_complete(application)
    steps = [{"key": k, "label": label, "complete": k in done} for k, label in step_forms.STEPS]
    editable = application.state in EDITABLE_STATES
    if form is not None and not editable:
        for field in form.fields.values():  # a submitted form reads as locked (the values stay shown)
            field.widget.attrs["disabled"] = True
    return {"application": application, "step": step, "steps": steps, "form": form,
            "step_label": dict(step_forms.STEPS)[step], "editable": editable}


def _post_step(request, application, step):
    """Save (and, without `goto`, apply) the posted step. Returns (form, redirect or None);
    when the save is refused the form shows what was posted with the reasons, so nothing typed
    is lost from the page."""
    pk, data = application.pk, request.POST.dict()
    goto = data.get("goto")
    if goto and goto not in step_forms.STEP_KEYS:
        goto = step
    try:
        if goto:  # moving between steps: keep what was typed, validate later
            saved = drafts.draft_save(application_id=pk, actor=request.user, step=step, data=data,
                                      version=data.get("version"))
            _warn_nul_removed(request, saved)
            return None, redirect("application-edit", pk=pk, step=goto)
        saved, form = drafts.draft_apply_step(application_id=pk, actor=request.user, step=step, data=data,
                                              version=data.get("version"))
        _warn_nul_removed(request, saved)
        if form.is_valid():
            messages.success(request, _("Saved."))
            index = step_forms.STEP_KEYS.index(step)
            return form, redirect("application-edit", pk=pk, step=step_forms.STEP_KEYS[index + 1])
        return form, None
    except drafts.DraftConflict as exc:
        messages.error(request, str(exc))
        form = _refused_form(application, step, data)
        for name, stored in _conflicting_fields(exc.application, step, form, data).items():
            form[name].draft_conflict = {"stored": stored, "shown": _shown_value(form.fields[name], stored),
                                         "mine": _shown_value(form.fields[name], drafts.strip_nul(data.get(name, "")))}
        return form, None
    except drafts.DraftRefused as exc:
        messages.error(request, exc.messages[0])
        form = _refused_form(application, step, data)
        for name, message in exc.field_errors.items():
            if name in form.fields:
                form.add_error(name, message)
        return form, None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _refused_form(application, step, data), None


def _conflicting_fields(application, step, form, data) -> dict:
    """Field name -> the stored value, for each field where what was posted differs from what
    is stored now: the page shows both there and lets the applicant choose."""
    stored = drafts.initial_step_data(application, step)
    return {name: stored.get(name, "") for name in form.fields
            if str(stored.get(name, "")) != drafts.strip_nul(data.get(name, ""))}


def _shown_value(field, value) -> str:
    """A stored value as the applicant reads it: a choice by its label."""
    for key, label in getattr(field, "choices", ()) or ():
        if str(key) == str(value):
            return str(label)
    return str(value)


def _refused_form(application, step, data):
    """The step's form bound to what was posted (NUL characters removed, so the page can show it)."""
    form = drafts.step_form(application, step, {k: drafts.strip_nul(v) for k, v in data.items()})
    form.is_valid()
    return form


def _warn_nul_removed(request, application):
    if getattr(application, "nul_removed", None):
        messages.warning(request, drafts.nul_removed_message(application.nul_removed))


@login_required
def application_edit(request, pk, step):
    application = _own_application(request.user, pk)
    if step not in step_forms.STEP_KEYS:
        raise Http404
    if application.state not in EDITABLE_STATES and request.method == "POST":
        messages.error(request, _("The application has been submitted and can no longer be edited."))
        return redirect("application-detail", pk=pk)
    form = None
    if request.method == "POST" and step not in ("attachments", "review", "commitment"):
        form, done = _post_step(request, application, step)
        if done is not None:
            return done
        application.refresh_from_db()
    if form is None:
        data = drafts.initial_step_data(application, step)
        if step in application.draft_data and step != "commitment":
            form = drafts.step_form(application, step, data)
            form.is_valid()  # show the errors of what was typed earlier
        else:  # a step not yet visited: the stored values, and no errors before anything was typed
            form = drafts.step_form(application, step, None)
            if form is not None:
                form.initial = data
    context = _step_context(application, step, form)
    if step == "attachments":
        context.update(attachments=application.attachments.filter(kind=Attachment.Kind.EVIDENCE),
                       upload_form=step_forms.AttachmentForm(),
                       limits={"mb": application.round.program.max_attachment_mb,
                               "count": application.round.program.max_attachments})
    if step == "commitment":
        letter = getattr(application, "commitment", None)
        context.update(commitment=drafts.commitment_for_reader(letter), letter=letter)
    if step == "review":
        context.update(problems=drafts.completeness_problems(application))
    return render(request, "applications/application_form.html", context)


@login_required
@require_POST
def application_autosave(request, pk):
    """Background save of one step as typed; answers with the new version or a conflict."""
    application = _own_application(request.user, pk)
    step = request.POST.get("step", "")
    try:
        application = drafts.draft_save(application_id=application.pk, actor=request.user, step=step,
                                        data=request.POST.dict(), version=request.POST.get("version"))
    except drafts.DraftConflict as exc:
        # The stored values and their version travel with the refusal, so the page can show
        # them beside what was typed and let the applicant choose (nothing is overwritten).
        stored = drafts.initial_step_data(exc.application, step) if step in step_forms.STEP_KEYS else {}
        return JsonResponse({"ok": False, "conflict": True, "message": str(exc),
                             "version": exc.application.version, "stored": stored}, status=409)
    except drafts.DraftRefused as exc:
        return JsonResponse({"ok": False, "message": exc.messages[0], "fields": exc.field_errors}, status=400)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=400)
    body = {"ok": True, "version": application.version,
            "saved_at": timezone.localtime(application.updated_at).strftime("%H:%M:%S")}
    if application.nul_removed:
        body["message"] = drafts.nul_removed_message(application.nul_removed)
    return JsonResponse(body)


@login_required
@require_POST
def attachment_upload(request, pk):
    application = _own_application(request.user, pk)
    form = step_forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        # A file that was sent but refused by the form (an empty one) says why; no file at all
        # asks for one.
        errors = form.errors.get("file") if request.FILES.get("file") is not None else None
        messages.error(request, " ".join(errors) if errors else _("Choose a file to upload."))
    else:
        try:
            drafts.attachment_add(application_id=application.pk, actor=request.user, upload=form.cleaned_data["file"],
                                  description=form.cleaned_data["description"])
            messages.success(request, _("Uploaded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("application-edit", pk=pk, step="attachments")


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk)
    _own_application(request.user, attachment.application_id)
    try:
        drafts.attachment_remove(attachment_id=pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("application-edit", pk=attachment.application_id, step="attachments")


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk)
    if not permissions.can_download(request.user, attachment):
        raise Http404  # do not reveal that the file exists
    attachment, handle = drafts.attachment_open(attachment_id=pk, actor=request.user)
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@login_required
@require_POST
def commitment_sign(request, pk):
    application = _own_application(request.user, pk)
    form = step_forms.CommitmentForm(request.POST)
    if form.is_valid():
        try:
            drafts.commitment_sign(application_id=application.pk, actor=request.user,
                                   signer_name=form.cleaned_data["signer_name"],
                                   signer_title=form.cleaned_data["signer_title"], ip=client_ip(request))
            messages.success(request, _("The commitment letter has been accepted."))
            return redirect("application-edit", pk=pk, step="review")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = _step_context(application, "commitment", form)
    letter = getattr(application, "commitment", None)
    context.update(commitment=drafts.commitment_for_reader(letter), letter=letter)
    return render(request, "applications/application_form.html", context)


@login_required
@require_POST
def application_submit(request, pk):
    application = _own_application(request.user, pk)
    try:
        drafts.application_submit(application_id=application.pk, actor=request.user,
                                  version=request.POST.get("version"))
        messages.success(request, _("Submitted. You can follow its progress on this page."))
        return redirect("application-detail", pk=pk)
    except drafts.DraftConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except TransitionError as exc:  # deadline, phase
        messages.error(request, exc.message)
    return redirect("application-edit", pk=pk, step="review")


@login_required
def application_pdf(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    from .pdf import application_pdf_bytes

    data = application_pdf_bytes(application, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.number}.pdf"'
    return response


@login_required
@require_POST
def recommend(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    try:
        if request.POST.get("decision") == "return":
            recommendation.recommendation_return(application_id=application.pk, actor=request.user,
                                                 reason=_posted_text(request, "reason"))
            messages.success(request, _("Returned to the applicant."))
        else:
            recommendation.recommendation_endorse(application_id=application.pk, actor=request.user,
                                                  opinion=_posted_text(request, "opinion"),
                                                  stamped_form=request.FILES.get("stamped_form"))
            messages.success(request, _("Recommended."))
    except TransitionError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("application-detail", pk=pk)


@login_required
@require_POST
def rule_result_decide(request, pk):
    result = get_object_or_404(RuleResult, pk=pk)
    try:
        services.rule_result_decide(result_id=pk, decision=_posted_text(request, "decision"),
                                    reason=_posted_text(request, "reason"), actor=request.user)
        messages.success(request, _("Decision recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("application-detail", pk=result.application_id)


@login_required
@require_POST
def eligibility_rerun(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    try:
        services.eligibility_evaluate(application_id=application.pk, actor=request.user)
        messages.success(request, _("The eligibility rules were evaluated again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("application-detail", pk=pk)
