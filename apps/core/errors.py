class ApplicationError(Exception):
    """A request the domain refuses: the message says what is wrong and how to fix it.

    `code` says why, so each interface answers alike: "invalid" (bad input), "forbidden" (not
    this user's move), "illegal_move" (not from this state), "stale" (edited meanwhile),
    "not_found".
    """

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
