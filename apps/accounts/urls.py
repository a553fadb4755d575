"""The account pages that differ from django.contrib.auth.urls (included after these, which
shadow its routes of the same names): signing out says so, the password reset is throttled
and unlocks, and every page is the site's, not the admin's templates of the same names."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

PAGES = views.ACCOUNT_PAGES

urlpatterns = [
    path("logout/", views.SigningOutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(template_name=PAGES + "password_change_form.html"),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name=PAGES + "password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name=PAGES + "password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name=PAGES + "password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
