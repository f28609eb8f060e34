"""The whole application on screen, read-only: what the PDF holds, for the people who read it
(the organisation, its recommending authority, the office, the committee in review), with the
same visibility as the application page (`selectors.applications_visible_to`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from . import drafts, pdf, selectors
from . import forms as step_forms


def reading_context(application, *, attachment_url, show_contact: bool) -> dict:
    """What the reading page shows of an application (templates/applications/_application_sections.html):
    the same bounded, validated texts as the PDF (pdf.py says why they are bounded).
    `attachment_url(attachment)` is where each file is downloaded from: the application's own
    download for its readers, the watermarked one for reviewers (review/views_expert.py), who
    also do not see the organisation's contact."""
    program = application.round.program
    attachments = list(application.attachments.all()[: max(program.max_attachments, 1)])
    for attachment in attachments:
        attachment.description = pdf.bounded_text(attachment.description, pdf.SHORT_TEXT_MAX_CHARS)
        attachment.download_url = attachment_url(attachment)
    commitment = getattr(application, "commitment", None)
    return {
        "application": application, "org": application.organization, "show_contact": show_contact,
        "declarations": _declarations(application), "figures": application.key_figures.all(),
        "sections": pdf._sections(application, program), "attachments": attachments,
        "commitment": commitment, "commitment_shown": drafts.commitment_for_reader(commitment) if commitment else None,
    }


@login_required
def application_read(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    return render(request, "applications/application_read.html", reading_context(
        application, attachment_url=lambda a: reverse("attachment-download", args=[a.pk]), show_contact=True))


def _declarations(application):
    """(text, declared) per declaration, as the PDF lists them, in the reader's language (the PDF
    and the eligibility rules keep the Chinese text of the measures)."""
    declared = application.declarations if isinstance(application.declarations, dict) else {}
    return [(pdf.bounded_text(step_forms.declaration_text(rule), pdf.SHORT_TEXT_MAX_CHARS),
             declared.get(rule.params["key"]))
            for rule in step_forms.declaration_rules(application.round.program)]
