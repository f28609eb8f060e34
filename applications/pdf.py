"""The whole application as one PDF (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk)."""

from django.template.loader import render_to_string
from django.utils import timezone

from award_portal.audit import audit_record

from . import forms as step_forms


def application_pdf_bytes(application, *, actor=None) -> bytes:
    from weasyprint import HTML

    program = application.round.program
    report = application.draft_data.get("report", {})
    sections = [{"category": c, "text": report.get(step_forms.report_field_name(c), "")}
                for c in program.criteria.categories.all()]
    html = render_to_string("applications/pdf/application.html", {
        "application": application, "org": application.organization, "sections": sections,
        "figures": application.key_figures.all(), "attachments": application.attachments.all(),
        "commitment": getattr(application, "commitment", None), "declarations": _declarations(application),
        "generated_at": timezone.localtime(),
    })
    data = HTML(string=html).write_pdf()
    audit_record(action="application.pdf_download", obj=application, actor=actor, after={"bytes": len(data)})
    return data


def _declarations(application):
    rules = step_forms.declaration_rules(application.round.program)
    return [(r.params.get("text") or r.description, application.declarations.get(r.params["key"])) for r in rules]
