"""Password rules (等保 IA-2): length, three of four classes, no username, no context words."""

import string
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _policy(name: str) -> Any:
    return settings.QIFU_SECURITY[name]


class ComplexityValidator:
    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or not c.isalnum() for c in password),
            )
        )
        if classes < _policy("PASSWORD_MIN_CLASSES"):
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": _policy("PASSWORD_MIN_CLASSES")},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的三类。")


class ContainsUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")


class ContextWordsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        for word in _policy("CONTEXT_WORDS"):
            if word.lower() in lowered:
                raise ValidationError(_("密码不能包含常见词或园区名称。"), code="password_context_word")

    def get_help_text(self) -> str:
        return _("不能包含园区名称等常见词。")
