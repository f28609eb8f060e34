"""The awards app's JSON API under /api/awards/. Every name starts with "api-awards-"
(tests/awards/test_matrix.py holds the permission matrix)."""

from django.urls import path

from . import api

urlpatterns = [
    path("rounds/<int:pk>/", api.RoundAwards.as_view(), name="api-awards-round"),
    path("verify/<str:code>/", api.CertificateVerify.as_view(), name="api-awards-certificate-verify"),
    path("payments/", api.PaymentList.as_view(), name="api-awards-payments"),
    path("payments/<int:pk>/status/", api.PaymentStatus.as_view(), name="api-awards-payment-status"),
    path("mine/", api.Mine.as_view(), name="api-awards-mine"),
]
