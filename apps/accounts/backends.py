from axes.backends import AxesStandaloneBackend


class SignInLockoutBackend(AxesStandaloneBackend):
    """Refuses a sign-in while its account or address is locked out (settings AXES_*).

    A check without a request (a management command, the shell) has no client address to count
    and nobody guessing from afar: it is left to the password backend alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
