"""Building valid 统一社会信用代码 for demo and test data (GB 32100-2015, GB 11714-1997)."""

from stdnum.cn import uscc as stdnum_uscc

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-digit organisation code body."""
    value = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(serial: int, *, region: str = "320583", kind: str = "91") -> str:
    """A valid USCC: 91 (enterprise) + region (Kunshan 320583) + organisation code + check."""
    body = f"{serial:08d}"[-8:]
    first17 = f"{kind}{region}{body}{org_code_check(body)}"
    return first17 + stdnum_uscc.calc_check_digit(first17)
