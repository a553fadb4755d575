"""Writes the API itself owns: a person's API token."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def api_token_issue(*, actor) -> tuple[Token, bool]:
    """The actor's API token, made if they have none; (token, created).

    Who: the person themselves (signed in, or proving their password).
    """
    return Token.objects.get_or_create(user=actor)


def api_token_regenerate(*, actor) -> Token:
    """A new token for the actor; the old one stops working at once. Who: the person themselves."""
    with transaction.atomic():
        Token.objects.filter(user=actor).delete()
        return Token.objects.create(user=actor)


def api_token_revoke(*, actor) -> bool:
    """Delete the actor's token: scripts using it are refused from now on. True if there was
    one. Who: the person themselves."""
    deleted, _ = Token.objects.filter(user=actor).delete()
    return bool(deleted)
