from axes.backends import AxesStandaloneBackend


class SignInLockoutBackend(AxesStandaloneBackend):
    """Refuses a sign-in paused for too many wrong passwords (apps/accounts/lockout.py).

    A check without a request (a management command, the shell) has no client address to count
    and nobody guessing from afar: it is left to the password backend alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
