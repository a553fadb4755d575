"""Signing out, and password reset: asking for the e-mail is throttled, following its link
lifts a sign-in pause. Django's own views, with only that added; their pages and the reset
mail are the site's (ACCOUNT_PAGES), not the admin's templates of the same names."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views

from .lockout import clear_sign_in_failures, client_ip
from .throttles import (
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_SECONDS,
    CountersUnavailable,
    password_reset_hit,
    slow_down_message,
)

SIGNED_OUT = "You are signed out."

# The site's templates for Django's account views: the admin ships registration/*.html of
# these names, and the admin comes first among the apps, so they are named apart.
ACCOUNT_PAGES = "web/accounts/"


class SigningOutView(auth_views.LogoutView):
    """Ends the session, then the sign-in page (LOGOUT_REDIRECT_URL) says so."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone: the message travels in the messages cookie.
            messages.success(request, SIGNED_OUT)
        return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """At most REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password_reset"] requests per client
    address and ["password_reset_email"] per e-mail address typed; refused the same way whether
    an account has that e-mail or not. With the counters unreachable, refused for now (503):
    an unthrottled form would let anyone flood a person's mailbox.

    The mail goes out through EMAIL_BACKEND (the outbox, like every mail) and links to
    SITE_URL, never to whatever host the request named."""

    template_name = ACCOUNT_PAGES + "password_reset_form.html"
    email_template_name = ACCOUNT_PAGES + "password_reset_email.txt"
    subject_template_name = ACCOUNT_PAGES + "password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict:  # read when the mail is written, as settings are then
        return {"site_url": settings.SITE_URL, "timeout_days": _reset_timeout_days()}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            verdict = password_reset_hit(address=client_ip(self.request), email=email)
        except CountersUnavailable:
            return self._refused(form, UNAVAILABLE_MESSAGE, 503, UNAVAILABLE_RETRY_SECONDS)
        if not verdict.allowed:
            message = slow_down_message(verdict, "password reset requests") + (
                f" A link already e-mailed stays valid for {_reset_timeout_days()} days."
            )
            return self._refused(form, message, 429, verdict.retry_after)
        return super().form_valid(form)

    def _refused(self, form, message: str, status: int, retry_after: int):
        form.add_error("email", message)
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        response["Retry-After"] = str(retry_after)
        return response


def _reset_timeout_days() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 86400


class UnlockingPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link clears the account's wrong passwords
    and signs the person in, which also makes this address one of the account's usual ones."""

    template_name = ACCOUNT_PAGES + "password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = settings.LOGIN_REDIRECT_URL

    def form_valid(self, form):
        clear_sign_in_failures(username=form.user.get_username())
        response = super().form_valid(form)
        messages.success(self.request, "Your new password is set and you are signed in.")
        return response
