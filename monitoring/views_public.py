"""Public announcements of revoked awards (向社会通报 / 予以公告), each with the audit trail's head
hash at publication, like the notices."""

from django.shortcuts import get_object_or_404, render

from . import selectors


def announcements(request):
    return render(request, "monitoring/announcements.html",
                  {"revocations": selectors.announced_revocations()[:200]})


def announcement(request, pk):
    revocation = get_object_or_404(selectors.announced_revocations(), pk=pk)
    return render(request, "monitoring/announcement.html", {"revocation": revocation})
