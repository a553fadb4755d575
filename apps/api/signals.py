"""A person's tokens die with their password or their account, whatever door changed it.

The web password change and reset, the admin's password form, `manage.py changepassword` and a
plain `set_password()` + `save()` all end in saving the user, so the rule lives on that save
rather than in each door. A signal is the exception to "no logic in signals" here because the
doors are Django's own. Two saves are not changes: Django re-hashing a password in a newer
format when its owner signs in (it says so itself), and saving other fields (last_login).
"""

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .services import ACCOUNT_DEACTIVATED, PASSWORD_CHANGED, api_tokens_revoke_all

_WATCHED = {"password", "is_active"}
_PENDING = "_api_tokens_end_reason"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-tokens-note-account")
def _note_account_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance.__dict__.pop(_PENDING, None)
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values(*_WATCHED).first()
    if before is None:
        return
    reason = _end_reason(before, instance, update_fields)
    if reason:
        instance.__dict__[_PENDING] = reason


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-tokens-end")
def _end_tokens(sender, instance, raw=False, **kwargs) -> None:
    reason = instance.__dict__.pop(_PENDING, None)
    if reason and not raw:
        api_tokens_revoke_all(user=instance, reason=reason)


def _end_reason(before: dict, user, update_fields) -> str:
    if before["is_active"] and not user.is_active:
        return ACCOUNT_DEACTIVATED
    if user.password != before["password"] and not _is_rehash(
        before["password"], user, update_fields
    ):
        return PASSWORD_CHANGED
    return ""


def _is_rehash(old_hash: str, user, update_fields) -> bool:
    """Django's upgrade of a stored hash on sign-in: the same password, so not a change.

    It saves only the password, with no new raw password pending (check_password() clears
    it), replacing a hash the preferred hasher would itself replace."""
    if getattr(user, "_password", None) is not None or set(update_fields or ()) != {"password"}:
        return False
    try:
        old_hasher = identify_hasher(old_hash)
    except ValueError:
        return False  # unusable or unknown: whatever replaces it is a new password
    preferred = get_hasher("default")
    return old_hasher.algorithm != preferred.algorithm or preferred.must_update(old_hash)
