"""Filling in an application: saving drafts as typed, applying valid steps, attachments, the
commitment letter, completeness, and submission.

Nothing typed is lost: every save stores the raw values of a step in `draft_data` before
anything is validated. Two tabs editing one draft are caught by `version`: a save carrying an
older version is refused (`DraftConflict`) instead of silently overwriting the newer one.

What a draft keeps is bounded (GB/T 22239-2019 level 3, input validity and resource limits):
only the step form's own fields, each at most its form's max_length (`forms.raw_value_limit`),
the whole draft at most `forms.DRAFT_MAX_BYTES`; a save beyond a limit, or carrying a version
that is not a number, is refused whole (`DraftRefused`, nothing stored changes). NUL characters,
which PostgreSQL cannot store in text and which no keyboard types, are removed and named.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit import audit_record
from award_portal.i18n import localized

from . import forms as step_forms
from . import routing
from .enums import EDITABLE_STATES, Action
from .models import (
    Application,
    Attachment,
    CommitmentLetter,
    KeyFigure,
    SelfAssessment,
)
from .permissions import can_download, is_member
from .uploads import check_upload
from .workflow import SUBMIT_OWNER, application_transition

COMMITMENT_VERSION = "2026-1"
COMMITMENT_TEXT = (
    "本组织自愿申报本奖项，承诺：\n"
    "一、所提交的全部申报材料完整、真实、准确，无弄虚作假；\n"
    "二、遵守评审纪律，不以任何不正当手段影响评审工作；\n"
    "三、同意评审办依托大数据技术对本组织进行审查、核实与获奖后监测；\n"
    "四、如有违反，自愿承担取消评选资格、撤销所获奖项并收回奖牌、证书和奖励资金等责任。"
)
#: A translation for readers of the English pages. The Chinese text above is the one accepted
#: and kept with the application (and printed in its PDF); the English page says so.
COMMITMENT_TEXTS_EN = {
    "2026-1": (
        "This organisation applies for this award of its own free will and undertakes:\n"
        "1. that all the application materials it submits are complete, true and accurate, with nothing "
        "falsified;\n"
        "2. to observe the rules of the review and not to influence the review by any improper means;\n"
        "3. to agree that the review office examines, verifies and, after an award, monitors this organisation "
        "with the help of big-data technology;\n"
        "4. in case of any breach, to accept disqualification, the revocation of any award won and the return "
        "of the medal, certificate and prize money, and the other consequences."
    ),
}


def commitment_for_reader(letter=None) -> dict:
    """The commitment letter (the accepted `letter`'s, else the current one) as a page shows it:
    `text` in the reader's language, and `binding`, the Chinese text, when `text` is a translation."""
    version, binding = (letter.text_version, letter.text) if letter is not None else (COMMITMENT_VERSION,
                                                                                         COMMITMENT_TEXT)
    text = localized(binding, COMMITMENT_TEXTS_EN.get(version, ""))
    return {"text": text, "binding": binding if text != binding else ""}


class DraftConflict(Exception):
    """The draft was saved elsewhere (another tab, a colleague) since this page was loaded."""

    def __init__(self, application):
        self.application = application
        super().__init__(_("This application was changed in another window or by a colleague at %(time)s. "
                           "Reload the page to see the latest version; your last changes here were not saved.")
                         % {"time": timezone.localtime(application.updated_at).strftime("%H:%M:%S")})


class DraftVersionMissing(DraftConflict):
    """A save without the version its page was loaded at: it cannot be checked against a newer
    draft, so it is refused like a conflict rather than allowed to overwrite blindly."""

    def __init__(self, application):
        self.application = application
        Exception.__init__(self, _("This save did not say which version of the application it was typed against, "
                                   "so it could overwrite a newer one. Reload the page; nothing was saved."))


class DraftRefused(ValidationError):
    """A save refused whole (a value too long, a draft too large, a damaged version): nothing
    stored changed. `field_errors` maps a step field to its message, for the form to show."""

    def __init__(self, message, field_errors=None):
        self.field_errors = field_errors or {}
        super().__init__([message, *self.field_errors.values()])


def parse_version(version):
    """The draft version a page carries: None when absent, else a whole number (a damaged one
    is refused rather than skipping the check between two tabs)."""
    if version is None or version == "":
        return None
    text = str(version).strip()
    if not text.isdigit() or len(text) > 18:
        raise DraftRefused(_("This page is out of date or damaged (its version is not a number): reload it. "
                             "Nothing was saved."))
    return int(text)


def _lock_editable(application_id, actor, version):
    application = (Application.objects.select_for_update(of=("self",))
                   .select_related("round__program", "organization").get(pk=application_id))
    if not is_member(actor, application):
        raise PermissionDenied
    if application.state not in EDITABLE_STATES:
        raise ValidationError(_("The application has been submitted and can no longer be edited."))
    version = parse_version(version)
    if version is not None and version != application.version:
        raise DraftConflict(application)
    return application


def step_form(application, step, data=None, files=None):
    """The bound (or unbound) form of one step."""
    program = application.round.program
    if step == "basic":
        return step_forms.BasicInfoForm(data, program=program, organization=application.organization,
                                        on=routing.round_date(application.round))
    if step == "declarations":
        return step_forms.DeclarationsForm(data, program=program)
    if step == "figures":
        return step_forms.KeyFiguresForm(data, years=step_forms.figure_years(application))
    if step == "report":
        return step_forms.ReportForm(data, categories=program.criteria.categories.all())
    if step == "commitment":
        return step_forms.CommitmentForm(data)
    return None


def initial_step_data(application, step) -> dict:
    """What the form shows: the typed draft if any, otherwise the stored values."""
    if step in application.draft_data:
        return application.draft_data[step]
    if step == "basic":
        org = application.organization
        data = {f: getattr(org, f) for f in step_forms.ORG_FIELDS}
        data = {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)))
                for k, v in data.items()}
        data["tier_applied"] = application.tier_applied_id or ""
        data["recommender"] = application.recommender_id or ""
        return data
    return {}


def strip_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


#: Posted names that are never part of a step.
NOT_STEP_VALUES = ("csrfmiddlewaretoken", "version", "step", "goto", "action")
#: Other posted values (the page's own, e.g. the language switch's `next`) are kept as they
#: always were, but only a few short ones: they are nothing the applicant typed into the step.
EXTRA_VALUES_MAX, EXTRA_NAME_MAX_CHARS = 10, 64


def step_raw_values(application, step, data: dict) -> tuple[dict, list[str]]:
    """The values of `data` a draft of `step` keeps, and the labels of the fields a NUL
    character was removed from. A value longer than its field allows refuses the save
    (DraftRefused, naming each field)."""
    form = step_form(application, step)
    fields = form.fields if form is not None else {}
    raw, nul_fields, too_long = _extra_values(data, fields), [], {}
    for name, field in fields.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) and "\x00" in value:
            value = strip_nul(value)
            nul_fields.append(str(field.label or name))
        limit = step_forms.raw_value_limit(field)
        if isinstance(value, str) and len(value) > limit:
            too_long[name] = _("%(field)s: at most %(max)s characters (this text has %(n)s).") % {
                "field": field.label or name, "max": limit, "n": len(value)}
        raw[name] = value
    if too_long:
        raise DraftRefused(_("Some texts are longer than allowed; shorten them. Nothing was saved."), too_long)
    return raw, nul_fields


def _extra_values(data, fields) -> dict:
    extra = {}
    for name, value in data.items():
        if len(extra) >= EXTRA_VALUES_MAX:
            break
        if (name not in fields and name not in NOT_STEP_VALUES and isinstance(value, str)
                and "\x00" not in name and len(name) <= EXTRA_NAME_MAX_CHARS
                and len(value) <= step_forms.RAW_VALUE_MAX_CHARS):
            extra[name] = strip_nul(value)
    return extra


def nul_removed_message(labels) -> str:
    return _("Invisible NUL characters were removed from: %(fields)s. Check these values.") % {
        "fields": "、".join(labels)}


@transaction.atomic
def draft_save(*, application_id: int, actor, step: str, data: dict, version) -> Application:
    """Store the raw values of one step (no validation), bump the version. Refused whole
    (DraftRefused) beyond the limits of the module docstring; `application.nul_removed` names
    the fields NUL characters were removed from. A save without a version is refused
    (DraftVersionMissing), one carrying an older version too (DraftConflict) unless it holds
    exactly the step's stored values (then nothing is written and the version stays)."""
    if step not in step_forms.STEP_KEYS:
        raise ValidationError(_("Unknown step."))
    application = _lock_editable(application_id, actor, None)
    version = parse_version(version)
    if version is None:
        raise DraftVersionMissing(application)
    raw, nul_fields = step_raw_values(application, step, data)
    if version != application.version:
        if application.draft_data.get(step) == raw:
            # The very text stored already (sent as the page was left, then again from the
            # reloaded page that was rendered before that save arrived): nothing to overwrite,
            # nothing to write; the caller learns the current version.
            application.nul_removed = nul_fields
            return application
        raise DraftConflict(application)
    draft = {**application.draft_data, step: raw}
    if len(json.dumps(draft, ensure_ascii=False, default=str).encode()) > step_forms.DRAFT_MAX_BYTES:
        raise DraftRefused(_("The application's draft would exceed %(mb)s MB; shorten the texts. Nothing was saved.")
                           % {"mb": step_forms.DRAFT_MAX_BYTES // 1_000_000})
    application.draft_data = draft
    application.nul_removed = nul_fields
    application.version += 1
    application.save(update_fields=["draft_data", "version", "updated_at"])
    return application


@transaction.atomic
def draft_apply_step(*, application_id: int, actor, step: str, data: dict, version):
    """Save the step as typed, then, when it validates, write it to the application's records.

    Returns (application, form); the form carries the errors when it did not validate.
    """
    application = draft_save(application_id=application_id, actor=actor, step=step, data=data, version=version)
    form = step_form(application, step, application.draft_data[step])
    if form is None or not form.is_valid():
        return application, form
    _apply(application, step, form.cleaned_data)
    audit_record(action="application.step_saved", obj=application, actor=actor, after={"step": step})
    return application, form


def _apply(application, step, cleaned):
    if step == "basic":
        org = application.organization
        for field in step_forms.ORG_FIELDS:
            value = cleaned.get(field)
            if value is None and not org._meta.get_field(field).null:
                value = ""  # an optional text field left empty
            setattr(org, field, value)
        org.save()
        application.tier_applied = cleaned.get("tier_applied")
        application.recommender = cleaned.get("recommender")
        application.save(update_fields=["tier_applied", "recommender", "updated_at"])
    elif step == "declarations":
        application.declarations = {k: v == "yes" for k, v in cleaned.items()}
        application.save(update_fields=["declarations", "updated_at"])
    elif step == "figures":
        for year in step_forms.figure_years(application):
            values = {name: cleaned.get(f"{name}_{year}") for name, _l, _r in step_forms.FIGURE_FIELDS}
            values["quality_indicator"] = values["quality_indicator"] or ""
            KeyFigure.objects.update_or_create(application=application, year=year, defaults=values)
    elif step == "report":
        for category in application.round.program.criteria.categories.all():
            SelfAssessment.objects.update_or_create(
                application=application, category=category,
                defaults={"text": cleaned.get(step_forms.report_field_name(category), "")})


@transaction.atomic
def commitment_sign(*, application_id: int, actor, signer_name: str, signer_title: str, version=None,
                    ip: str | None = None):
    """Record the commitment letter: who accepted it, when, from which address.

    `ip` is the signer's address as the view established it (award_portal.middleware.client_ip,
    which trusts X-Forwarded-For only behind the configured proxies); None outside a request.
    """
    application = _lock_editable(application_id, actor, version)
    if not signer_name.strip() or not signer_title.strip():
        raise ValidationError(_("Give the signer's name and position."))
    letter, _created = CommitmentLetter.objects.update_or_create(application=application, defaults={
        "signer_name": signer_name.strip(), "signer_title": signer_title.strip(), "text": COMMITMENT_TEXT,
        "text_version": COMMITMENT_VERSION, "accepted_by": actor, "ip": ip})
    application.version += 1
    application.save(update_fields=["version", "updated_at"])
    audit_record(action="application.commitment_signed", obj=application, actor=actor,
                 after={"signer": letter.signer_name, "title": letter.signer_title, "version": COMMITMENT_VERSION})
    return letter


@transaction.atomic
def attachment_add(*, application_id: int, actor, upload, description: str = "",
                   kind: str = Attachment.Kind.EVIDENCE) -> Attachment:
    """Check and store one file. Evidence only while the draft is editable, within the limits."""
    application = (Application.objects.select_for_update(of=("self",)).select_related("round__program")
                   .get(pk=application_id))
    program = application.round.program
    if kind == Attachment.Kind.EVIDENCE:
        if not is_member(actor, application):
            raise PermissionDenied
        if application.state not in EDITABLE_STATES:
            raise ValidationError(_("The application has been submitted and can no longer be edited."))
        count = application.attachments.filter(kind=kind).count()
        if count >= program.max_attachments:
            raise ValidationError(_("At most %(n)s attachments are allowed.") % {"n": program.max_attachments})
    info = check_upload(upload, max_bytes=program.max_attachment_mb * 1024 * 1024)
    attachment = Attachment(application=application, kind=kind, original_name=info["name"],
                            content_type=info["content_type"], size=info["size"], sha256=info["sha256"],
                            description=description[:200], uploaded_by=actor)
    attachment.file.save(info["name"], upload, save=False)
    attachment.save()
    audit_record(action="attachment.upload", obj=application, actor=actor,
                 after={"attachment": attachment.pk, "name": info["name"], "sha256": info["sha256"]})
    return attachment


@transaction.atomic
def attachment_remove(*, attachment_id: int, actor):
    attachment = Attachment.objects.select_related("application").get(pk=attachment_id)
    application = _lock_editable(attachment.application_id, actor, None)
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    audit_record(action="attachment.remove", obj=application, actor=actor, before={"name": name})


def attachment_open(*, attachment_id: int, actor):
    """Open a confidential file for download, writing the download to the audit trail."""
    attachment = Attachment.objects.select_related("application").get(pk=attachment_id)
    if not can_download(actor, attachment):
        raise PermissionDenied
    audit_record(action="attachment.download", obj=attachment.application, actor=actor,
                 after={"attachment": attachment.pk, "name": attachment.original_name})
    return attachment, attachment.file.open("rb")


def completeness_problems(application) -> list[str]:
    """Why the application cannot be submitted yet (empty when it can)."""
    problems = []
    for key, label in step_forms.STEPS:
        form = step_form(application, key, initial_step_data(application, key) if key != "commitment" else None)
        if key in ("attachments", "review", "commitment") or form is None:
            continue
        if key not in application.draft_data and key != "basic":
            problems.append(_("Step “%(step)s” has not been filled in.") % {"step": label})
        elif not form.is_valid():
            problems.append(_("Step “%(step)s” has errors.") % {"step": label})
    for category in application.round.program.criteria.categories.all():
        text = application.draft_data.get("report", {}).get(step_forms.report_field_name(category), "")
        if len(text.strip()) < step_forms.REPORT_MIN_CHARS:
            problems.append(_("Self-assessment %(num)s needs at least %(min)s characters.")
                            % {"num": category.number, "min": step_forms.REPORT_MIN_CHARS})
    if not application.attachments.filter(kind=Attachment.Kind.EVIDENCE).exists():
        problems.append(_("Attach at least one piece of evidence."))
    if not CommitmentLetter.objects.filter(application=application).exists():
        problems.append(_("The commitment letter has not been accepted."))
    return problems


@transaction.atomic
def application_submit(*, application_id: int, actor, version=None) -> Application:
    """Check completeness and the deadline, freeze a snapshot of the organisation, submit."""
    application = _lock_editable(application_id, actor, version)
    problems = completeness_problems(application)
    if problems:
        raise ValidationError(problems)
    org = application.organization
    application.snapshot = {f: str(getattr(org, f)) if getattr(org, f) is not None else None
                            for f in ["credit_code", "name"] + step_forms.ORG_FIELDS}
    application.save(update_fields=["snapshot", "updated_at"])
    return application_transition(application_id=application.pk, action=Action.SUBMIT, actor=actor,
                                  owner=SUBMIT_OWNER)


def application_complete(application, **_kw):
    """Submission guard (registered on the transition table at start-up)."""
    problems = completeness_problems(application)
    return " ".join(problems) if problems else None
