"""The whole application as one PDF (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk).

Rendered from validated data with a bounded size (GB/T 22239-2019 level 3, resource control):
the self-assessment texts come from the records the report step validated (the draft's text
only for a category not yet validated), and every free text is cut at its form's limit, so no
draft, however it was written, makes a PDF that ties up a web worker. The largest the form
allows (every category full) renders in a few seconds; gunicorn's timeout (60 s) is set above it.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from award_portal.audit import audit_record

from . import forms as step_forms

#: Characters rendered at most for a short free text (a description, a declaration, a name).
SHORT_TEXT_MAX_CHARS = 500


def bounded_text(value, limit: int) -> str:
    """`value` as text of at most `limit` characters, saying how much was left out."""
    text = value if isinstance(value, str) else ""
    text = text.replace("\x00", "")
    if len(text) <= limit:
        return text
    with translation.override("zh-hans"):  # the PDF is a Chinese document
        note = _("[%(n)s further characters beyond the limit of %(limit)s were not printed]") % {
            "n": len(text) - limit, "limit": limit}
    return f"{text[:limit]}… {note}"


def _sections(application, program):
    validated = {s.category_id: s.text for s in application.self_assessments.all()}
    report = application.draft_data.get("report", {})
    if not isinstance(report, dict):
        report = {}
    return [{"category": c, "text": bounded_text(validated.get(c.pk, report.get(step_forms.report_field_name(c))),
                                                 step_forms.report_max_chars(c))}
            for c in program.criteria.categories.all()]


def application_pdf_bytes(application, *, actor=None) -> bytes:
    from weasyprint import HTML

    program = application.round.program
    attachments = list(application.attachments.all()[: max(program.max_attachments, 1)])
    for attachment in attachments:
        attachment.description = bounded_text(attachment.description, SHORT_TEXT_MAX_CHARS)
    html = render_to_string("applications/pdf/application.html", {
        "application": application, "org": application.organization, "sections": _sections(application, program),
        "figures": application.key_figures.all(), "attachments": attachments,
        "commitment": getattr(application, "commitment", None), "declarations": _declarations(application),
        "generated_at": timezone.localtime(),
    })
    data = HTML(string=html).write_pdf()
    audit_record(action="application.pdf_download", obj=application, actor=actor, after={"bytes": len(data)})
    return data


def _declarations(application):
    rules = step_forms.declaration_rules(application.round.program)
    declared = application.declarations if isinstance(application.declarations, dict) else {}
    return [(bounded_text(r.params.get("text") or r.description, SHORT_TEXT_MAX_CHARS), declared.get(r.params["key"]))
            for r in rules]
