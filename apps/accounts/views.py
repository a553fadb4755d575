"""Password reset: asking for the e-mail is throttled, following its link lifts a sign-in
pause. Django's own views, with only that added."""

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


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """At most REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password_reset"] requests per client
    address and ["password_reset_email"] per e-mail address typed; refused the same way whether
    an account has that e-mail or not. With the counters unreachable, refused for now (503):
    an unthrottled form would let anyone flood a person's mailbox."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            verdict = password_reset_hit(address=client_ip(self.request), email=email)
        except CountersUnavailable:
            return self._refused(form, UNAVAILABLE_MESSAGE, 503, UNAVAILABLE_RETRY_SECONDS)
        if not verdict.allowed:
            days = settings.PASSWORD_RESET_TIMEOUT // 86400
            message = slow_down_message(verdict, "password reset requests") + (
                f" A link already e-mailed stays valid for {days} days."
            )
            return self._refused(form, message, 429, verdict.retry_after)
        return super().form_valid(form)

    def _refused(self, form, message: str, status: int, retry_after: int):
        form.add_error("email", message)
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        response["Retry-After"] = str(retry_after)
        return response


class UnlockingPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link clears the account's wrong passwords
    and signs the person in, which also makes this address one of the account's usual ones."""

    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = settings.LOGIN_REDIRECT_URL

    def form_valid(self, form):
        clear_sign_in_failures(username=form.user.get_username())
        response = super().form_valid(form)
        messages.success(self.request, "Your new password is set and you are signed in.")
        return response
