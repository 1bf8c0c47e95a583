"""Where a user is reached on each external channel.

- email: `User.email`;
- sms: a staff member's own mobile (people.Staff, SM4-encrypted); an enterprise user has no phone of
  their own, so the enterprise's registered contact phone (the number the zone uses for it);
- wecom: staff only, by their mobile (mentioned in the zone's internal group, which enterprise users
  are not in).
Inactive accounts and the three administrators (no business data, MC-1) get no external messages.
Addresses are looked up when queueing (to skip early) and again when sending (they may have changed);
they are never copied into the delivery rows.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from qifu.accounts.models import User
from qifu.core.crypto import DecryptionError
from qifu.enterprises.services import enterprise_contacts
from qifu.notify.models import Channel
from qifu.people.selectors import staff_phone

logger = logging.getLogger(__name__)

PHONE_CHANNELS = frozenset({Channel.SMS, Channel.WECOM})


def _staff_mobile(user: User) -> str:
    try:
        staff = user.staff
    except ObjectDoesNotExist:
        return ""
    return staff_phone(staff) if staff.active else ""


def _enterprise_phone(user: User) -> str:
    if user.enterprise is None:
        return ""
    return enterprise_contacts(user.enterprise)[1]


def address_for(user: User, channel: str) -> str:
    """The user's address on `channel`, or "" when there is none (the delivery is then skipped)."""
    if not user.is_active or user.is_admin_role:
        return ""
    try:
        if channel == Channel.EMAIL:
            return user.email.strip()
        if channel == Channel.SMS:
            return _staff_mobile(user) or _enterprise_phone(user)
        if channel == Channel.WECOM:
            return _staff_mobile(user)
    except DecryptionError:
        # Tampered or foreign ciphertext: never send to it, never fail the caller's transaction for it.
        logger.warning("notify: undecryptable phone for user %s", user.pk)
    return ""


def addressable_users(users: "QuerySet[User]", channels: Iterable[str]) -> "QuerySet[User]":
    """`users` with what `address_for` reads (staff profile and enterprise joined only when a phone
    channel is on)."""
    if PHONE_CHANNELS & set(channels):
        return users.select_related("staff", "enterprise")
    return users


EMAIL_FIELDS = frozenset({"is_active", "role", "email"})  # what address_for reads for e-mail


def addressable_in_hand(user: User, channels: Iterable[str]) -> bool:
    """True when `address_for` answers for USER on CHANNELS from the row in hand, with no query: only
    e-mail is on and the row was loaded with what it reads (a row from `only()` may lack them)."""
    return not PHONE_CHANNELS & set(channels) and not EMAIL_FIELDS & user.get_deferred_fields()


def users_for_addresses(user_ids: Iterable[int], channels: Iterable[str]) -> dict[int, User]:
    """The users with what `address_for` reads, in one query."""
    return {user.pk: user for user in addressable_users(User.objects.filter(pk__in=set(user_ids)), channels)}
