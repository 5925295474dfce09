"""Turn Russian company requisites into a verdict: ИНН, КПП, ОГРН, ОГРНИП, БИК and account keys."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "account_with_key",
    "check_bik",
    "check_correspondent_account",
    "check_inn",
    "check_kpp",
    "check_ogrn",
    "check_ogrnip",
    "check_settlement_account",
    "inn_with_checksum",
    "ogrn_with_checksum",
]

_DIGITS = frozenset("0123456789")
_LATIN_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = (7, 1, 3)
_ACCOUNT_KEY_INDEX = 8  # digit 9 of the 20-digit account


# ---------------------------------------------------------------- small helpers


def _got(value: str) -> str:
    """Describe how long `value` is, for the tail of a message."""
    if not value:
        return "got an empty value"
    n = len(value)
    return f"got {n} character" if n == 1 else f"got {n} characters"


def _non_digit(value: str) -> str | None:
    """Say which character of `value` is not an ASCII digit, or None if all are."""
    for position, char in enumerate(value, start=1):
        if char not in _DIGITS:
            return f"must contain digits only, got {char!r} at position {position}"
    return None


def _is_digits(value: str) -> bool:
    return bool(value) and all(char in _DIGITS for char in value)


def _weighted_check_digit(digits: str, weights: tuple[int, ...]) -> int:
    """Check digit of the ИНН kind: weighted sum mod 11, then mod 10."""
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return total % 11 % 10


def _account_key(account: str, prefix: str) -> int:
    """The key digit that makes `prefix + account` sum to a multiple of 10 with weights 7,1,3."""
    body = prefix + account
    key_index = len(prefix) + _ACCOUNT_KEY_INDEX
    total = 0
    for index, char in enumerate(body):
        if index != key_index:
            total += int(char) * _ACCOUNT_WEIGHTS[index % 3]
    key_weight = _ACCOUNT_WEIGHTS[key_index % 3]
    # Find k in 0..9 with (total + k * key_weight) % 10 == 0; unique since the weight is odd
    # and not 5, hence invertible mod 10.
    for key in range(10):
        if (total + key * key_weight) % 10 == 0:
            return key
    raise AssertionError("unreachable: account key weight is invertible mod 10")  # pragma: no cover


def _bik_problem(bik: str) -> str | None:
    """Why `bik` cannot be used to check an account key, or None if it can."""
    if check_bik(bik) is None:
        return None
    return f"cannot check the control key: БИК {bik!r} is not 9 digits"


# ---------------------------------------------------------------- ИНН


def check_inn(value: str, kind: Literal["company", "entrepreneur", "any"] = "any") -> str | None:
    """Check an ИНН: 10 digits for a company, 12 for an entrepreneur or a person.

    Returns None when valid, otherwise a short message saying what is wrong.
    """
    if kind == "company":
        if len(value) != 10:
            return f"must be 10 digits for a company, {_got(value)}"
    elif kind == "entrepreneur":
        if len(value) != 12:
            return f"must be 12 digits for an entrepreneur, {_got(value)}"
    elif len(value) not in (10, 12):
        return f"must be 10 or 12 digits, {_got(value)}"
    non_digit = _non_digit(value)
    if non_digit is not None:
        return non_digit

    if len(value) == 10:
        expected = _weighted_check_digit(value[:9], _INN10_WEIGHTS)
        if int(value[9]) != expected:
            return f"checksum does not match (the last digit should be {expected})"
        return None

    # 12 digits: compute the pair of check digits that completes the first ten, and name the
    # digit(s) whose replacement makes the value valid.
    expected11 = _weighted_check_digit(value[:10], _INN11_WEIGHTS)
    expected12 = _weighted_check_digit(value[:10] + str(expected11), _INN12_WEIGHTS)
    wrong11 = int(value[10]) != expected11
    wrong12 = int(value[11]) != expected12
    if wrong11 and wrong12:
        return f"checksum does not match (digits 11 and 12 should be {expected11} and {expected12})"
    if wrong11:
        return f"checksum does not match (digit 11 should be {expected11})"
    if wrong12:
        return f"checksum does not match (digit 12 should be {expected12})"
    return None


def inn_with_checksum(first_digits: str) -> str:
    """Complete an ИНН: 9 digits give a valid 10-digit ИНН, 10 digits a valid 12-digit one.

    Raises ValueError for anything else.
    """
    if not _is_digits(first_digits) or len(first_digits) not in (9, 10):
        raise ValueError(f"expected 9 or 10 digits to complete an ИНН, got {first_digits!r}")
    if len(first_digits) == 9:
        return first_digits + str(_weighted_check_digit(first_digits, _INN10_WEIGHTS))
    eleven = first_digits + str(_weighted_check_digit(first_digits, _INN11_WEIGHTS))
    return eleven + str(_weighted_check_digit(eleven, _INN12_WEIGHTS))


# ---------------------------------------------------------------- КПП


def check_kpp(value: str) -> str | None:
    """Check a КПП: 4 digits, 2 digits or capital Latin letters, 3 digits (no checksum)."""
    if len(value) != 9:
        return f"must be 9 characters, {_got(value)}"
    for position in (1, 2, 3, 4, 7, 8, 9):
        char = value[position - 1]
        if char not in _DIGITS:
            return f"character {position} must be a digit, got {char!r}"
    for position in (5, 6):
        char = value[position - 1]
        if char not in _DIGITS and char not in _LATIN_CAPITALS:
            return (
                f"character {position} must be a digit or a capital Latin letter A-Z, got {char!r}"
            )
    return None


# ---------------------------------------------------------------- ОГРН and ОГРНИП


def _registration_number_problem(value: str, length: int, modulus: int) -> str | None:
    """Check an ОГРН-like number: the last digit is the rest as a number mod `modulus`, mod 10."""
    if len(value) != length:
        message = f"must be {length} digits, {_got(value)}"
        if length == 13 and len(value) == 15:
            message += " (15 digits is an entrepreneur's ОГРНИП)"
        elif length == 15 and len(value) == 13:
            message += " (13 digits is a company's ОГРН)"
        return message
    non_digit = _non_digit(value)
    if non_digit is not None:
        return non_digit
    expected = int(value[:-1]) % modulus % 10
    if int(value[-1]) != expected:
        return f"checksum does not match (the last digit should be {expected})"
    return None


def check_ogrn(value: str) -> str | None:
    """Check a company's ОГРН: 13 digits, the first 12 as a number mod 11, then mod 10."""
    return _registration_number_problem(value, 13, 11)


def check_ogrnip(value: str) -> str | None:
    """Check an entrepreneur's ОГРНИП: 15 digits, the first 14 as a number mod 13, then mod 10.

    A remainder of 10, 11 or 12 gives check digit 0, 1 or 2.
    """
    return _registration_number_problem(value, 15, 13)


def ogrn_with_checksum(first_digits: str) -> str:
    """Complete a registration number: 12 digits give an ОГРН, 14 digits an ОГРНИП.

    Raises ValueError for anything else.
    """
    if not _is_digits(first_digits) or len(first_digits) not in (12, 14):
        raise ValueError(f"expected 12 or 14 digits to complete an ОГРН, got {first_digits!r}")
    modulus = 11 if len(first_digits) == 12 else 13
    return first_digits + str(int(first_digits) % modulus % 10)


# ---------------------------------------------------------------- БИК and accounts


def check_bik(value: str) -> str | None:
    """Check a БИК: 9 digits (it has no checksum)."""
    if len(value) != 9:
        return f"must be 9 digits, {_got(value)}"
    return _non_digit(value)


def _account_problem(account: str, bik: str, prefix: str) -> str | None:
    if len(account) != 20:
        return f"must be 20 digits, {_got(account)}"
    non_digit = _non_digit(account)
    if non_digit is not None:
        return non_digit
    expected = _account_key(account, prefix)
    if int(account[_ACCOUNT_KEY_INDEX]) != expected:
        return f"control key does not match БИК {bik} (digit 9 should be {expected})"
    return None


def check_settlement_account(account: str, bik: str) -> str | None:
    """Check a settlement account (р/с): 20 digits whose key (digit 9) fits the bank's БИК.

    The key is checked over the last 3 digits of the БИК followed by the account.
    """
    bik_problem = _bik_problem(bik)
    if bik_problem is not None:
        return bik_problem
    return _account_problem(account, bik, bik[-3:])


def check_correspondent_account(account: str, bik: str) -> str | None:
    """Check a correspondent account (к/с): 20 digits whose key (digit 9) fits the БИК.

    The key is checked over "0" and digits 5-6 of the БИК followed by the account.
    """
    bik_problem = _bik_problem(bik)
    if bik_problem is not None:
        return bik_problem
    problem = _account_problem(account, bik, "0" + bik[4:6])
    if problem is None and not (account.startswith("301") and account.endswith(bik[-3:])):
        # The key covers only digits 5-6 of the БИК, so another bank of the same region
        # passes it; a bank's к/с starts with 301 and ends with the last digits of its БИК.
        return f"a correspondent account starts with 301 and ends with {bik[-3:]} for БИК {bik}"
    return problem


def account_with_key(account: str, bik: str, correspondent: bool = False) -> str:
    """Return the 20-digit `account` with digit 9 (the key) replaced so it checks out.

    With `correspondent=True` the key is computed for a к/с, otherwise for a р/с.
    Raises ValueError if the account is not 20 digits or the БИК not 9 digits.
    """
    if len(account) != 20 or not _is_digits(account):
        raise ValueError(f"expected a 20-digit account, got {account!r}")
    if check_bik(bik) is not None:
        raise ValueError(f"expected a 9-digit БИК, got {bik!r}")
    prefix = "0" + bik[4:6] if correspondent else bik[-3:]
    key = _account_key(account, prefix)
    return account[:_ACCOUNT_KEY_INDEX] + str(key) + account[_ACCOUNT_KEY_INDEX + 1 :]
