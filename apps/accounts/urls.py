"""The password reset pages that differ from django.contrib.auth.urls (included after these)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "password_reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
