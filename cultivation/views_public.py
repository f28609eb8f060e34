"""The public progress page of a campaign (figures only, no organisation named)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import permissions, selectors
from .models import Campaign


def progress(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("program"), pk=pk)
    if not permissions.can_see_progress(request.user, campaign):
        raise Http404
    figures = selectors.campaign_progress(campaign)
    return render(request, "cultivation/progress.html", {
        "campaign": campaign, "figures": figures, "chart": selectors.chart_data(campaign, figures)})


def progress_index(request):
    """The public campaigns, each linking to its progress page."""
    return render(request, "cultivation/progress_index.html", {"campaigns": list(selectors.public_campaigns())})
