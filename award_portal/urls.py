from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_trail, name="audit-trail"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/enter/", views.calendar_year_enter, name="calendar-year-enter"),
    path("notifications/", views.notifications, name="notifications"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Atomic: the new password and its audit row (accounts.PasswordChangeAudit) commit together.
    path("accounts/password/", transaction.atomic(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", transaction.atomic(auth_views.PasswordResetConfirmView.as_view()),
         name="password_reset_confirm"),
    path("accounts/2fa/setup/", accounts.otp_setup, name="otp-setup"),
    path("accounts/2fa/verify/", accounts.otp_verify, name="otp-verify"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("applications.urls")),
    path("bigdata/", include("bigdata.urls")),
    path("review/", include("review.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("", include("notices.urls")),
    path("awards/", include("awards.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("cultivation/", include("cultivation.urls")),
    path("api/", include("applications.api_urls")),
    path("api/bigdata/", include("bigdata.api_urls")),
    path("api/review/", include("review.api_urls")),
    path("api/deliberation/", include("deliberation.api_urls")),
    path("api/notices/", include("notices.api_urls")),
    path("api/awards/", include("awards.api_urls")),
    path("api/monitoring/", include("monitoring.api_urls")),
    path("api/cultivation/", include("cultivation.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
