class ApplicationError(Exception):
    """A request the domain refuses: the message says what is wrong and how to fix it."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
