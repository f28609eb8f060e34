"""The whole application on screen, read-only: what the PDF holds, for the people who read it
(the organisation, its recommending authority, the office, the committee in review), with the
same visibility as the application page (`selectors.applications_visible_to`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from . import drafts, pdf, selectors
from . import forms as step_forms


@login_required
def application_read(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    program = application.round.program
    attachments = list(application.attachments.all()[: max(program.max_attachments, 1)])
    for attachment in attachments:
        attachment.description = pdf.bounded_text(attachment.description, pdf.SHORT_TEXT_MAX_CHARS)
    # The same bounded, validated texts as the PDF (pdf.py says why they are bounded).
    commitment = getattr(application, "commitment", None)
    return render(request, "applications/application_read.html", {
        "application": application, "org": application.organization,
        "declarations": _declarations(application), "figures": application.key_figures.all(),
        "sections": pdf._sections(application, program), "attachments": attachments,
        "commitment": commitment, "commitment_shown": drafts.commitment_for_reader(commitment) if commitment else None,
    })


def _declarations(application):
    """(text, declared) per declaration, as the PDF lists them, in the reader's language (the PDF
    and the eligibility rules keep the Chinese text of the measures)."""
    declared = application.declarations if isinstance(application.declarations, dict) else {}
    return [(pdf.bounded_text(step_forms.declaration_text(rule), pdf.SHORT_TEXT_MAX_CHARS),
             declared.get(rule.params["key"]))
            for rule in step_forms.declaration_rules(application.round.program)]
