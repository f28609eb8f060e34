"""The project's URLs plus /bench/hello/, a bare view: the page benchmark's baseline (what the
server, the middleware and the load generator cost without any page of ours)."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("award_portal.urls")),
]
