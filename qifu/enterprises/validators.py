import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

INDUSTRY_RE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")


def normalize_uscc(value: str) -> str:
    return stdnum_uscc.compact(value or "").upper()


def validate_uscc(value: str) -> None:
    """GB 32100-2015: 18 characters, the last a check character over the first 17."""
    try:
        stdnum_uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("统一社会信用代码“%(v)s”无效（%(why)s）。") % {"v": value, "why": _uscc_reason(exc)},
            code="invalid_uscc",
        ) from exc


def _uscc_reason(exc: StdnumError) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksum": _("校验位错误"),
        "InvalidLength": _("长度应为18位"),
        "InvalidFormat": _("格式错误"),
        "InvalidComponent": _("组成部分错误"),
    }.get(name, _("格式错误"))


def validate_industry_code(value: str) -> None:
    """GB/T 4754-2017: a section letter, optionally with a 2-, 3- or 4-digit code (e.g. C3985)."""
    if value and not INDUSTRY_RE.match(value):
        message = _("行业代码“%(v)s”不是有效的国民经济行业代码（如 C3985）。") % {"v": value}
        raise ValidationError(message, code="invalid_industry")
