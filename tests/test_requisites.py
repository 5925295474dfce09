"""Tests for offergen.requisites: exact verdicts for ИНН, КПП, ОГРН, ОГРНИП, БИК and accounts."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Literal

import pytest

from offergen.requisites import (
    account_with_key,
    check_bik,
    check_correspondent_account,
    check_inn,
    check_kpp,
    check_ogrn,
    check_ogrnip,
    check_settlement_account,
    inn_with_checksum,
    ogrn_with_checksum,
)

InnKind = Literal["company", "entrepreneur", "any"]

SBER_BIK = "044525225"
SBER_KS = "30101810400000000225"
TBANK_BIK = "044525974"
TBANK_KS = "30101810145250000974"
TULA_BIK = "047003608"
TULA_KS = "30101810300000000608"

# Values the example data uses; each was computed with the helpers and cross-checked by hand.
EXAMPLE_INN_10 = ("7707083893", "7703123457", "7105123468")
EXAMPLE_INN_12 = ("500100732259", "502412345682")
EXAMPLE_OGRN = ("1027700132195", "1197746123453", "1187154012341")
EXAMPLE_OGRNIP = ("304500116000157", "318774600100030", "321502400123450")
EXAMPLE_SETTLEMENT = (
    ("40702810938000000001", SBER_BIK),
    ("40702810938000012345", SBER_BIK),
    ("40802810000000123456", TBANK_BIK),
    ("40702810166000012345", TULA_BIK),
)
EXAMPLE_CORRESPONDENT = ((SBER_KS, SBER_BIK), (TBANK_KS, TBANK_BIK), (TULA_KS, TULA_BIK))


def _replace(value: str, index: int, digit: str) -> str:
    return value[:index] + digit + value[index + 1 :]


def _other_digits(value: str, index: int) -> list[str]:
    return [d for d in "0123456789" if d != value[index]]


# ---------------------------------------------------------------- ИНН


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        # valid
        ("7707083893", "any", None),
        ("7707083893", "company", None),
        ("500100732259", "any", None),
        ("500100732259", "entrepreneur", None),
        ("7703123457", "company", None),
        ("7105123468", "company", None),
        ("502412345682", "entrepreneur", None),
        # wrong length for the kind
        ("770708389", "company", "must be 10 digits for a company, got 9 characters"),
        ("500100732259", "company", "must be 10 digits for a company, got 12 characters"),
        ("7707083893", "entrepreneur", "must be 12 digits for an entrepreneur, got 10 characters"),
        ("50010073225", "entrepreneur", "must be 12 digits for an entrepreneur, got 11 characters"),
        ("50010073225", "any", "must be 10 or 12 digits, got 11 characters"),
        ("7", "any", "must be 10 or 12 digits, got 1 character"),
        ("", "any", "must be 10 or 12 digits, got an empty value"),
        ("", "company", "must be 10 digits for a company, got an empty value"),
        (" 7707083893", "company", "must be 10 digits for a company, got 11 characters"),
        # letters and other characters
        ("77070838a3", "any", "must contain digits only, got 'a' at position 9"),
        ("7707 83893", "company", "must contain digits only, got ' ' at position 5"),
        ("О707083893", "company", "must contain digits only, got 'О' at position 1"),
        ("50010073225x", "entrepreneur", "must contain digits only, got 'x' at position 12"),
        ("770708389３", "any", "must contain digits only, got '３' at position 10"),
        # 10 digits: the last digit is the checksum
        ("7707083894", "any", "checksum does not match (the last digit should be 3)"),
        ("7707083890", "company", "checksum does not match (the last digit should be 3)"),
        ("1707083893", "any", "checksum does not match (the last digit should be 2)"),
        # 12 digits: each of digits 11 and 12 can be the wrong one
        ("500100732258", "any", "checksum does not match (digit 12 should be 9)"),
        ("500100732269", "any", "checksum does not match (digit 11 should be 5)"),
        (
            "500100732200",
            "entrepreneur",
            "checksum does not match (digits 11 and 12 should be 5 and 9)",
        ),
        # changing digit 1 moves both check digits
        ("600100732259", "any", "checksum does not match (digits 11 and 12 should be 1 and 2)"),
    ],
)
def test_check_inn(value: str, kind: InnKind, expected: str | None) -> None:
    assert check_inn(value, kind) == expected


def test_check_inn_defaults_to_any_kind() -> None:
    assert check_inn("7707083893") is None
    assert check_inn("500100732259") is None
    assert check_inn("12345678901") == "must be 10 or 12 digits, got 11 characters"


@pytest.mark.parametrize("value", EXAMPLE_INN_10 + EXAMPLE_INN_12)
def test_changing_any_single_digit_of_a_valid_inn_fails(value: str) -> None:
    # Every example ИНН has non-zero check digits, so no change can swap remainder 0 for 10;
    # see test_mod_11_collision_is_a_property_of_the_algorithm for why that matters.
    assert check_inn(value) is None
    for index in range(len(value)):
        for digit in _other_digits(value, index):
            changed = _replace(value, index, digit)
            message = check_inn(changed)
            assert message is not None, changed
            assert message.startswith("checksum does not match ("), changed


def test_mod_11_collision_is_a_property_of_the_algorithm() -> None:
    # Remainders 0 and 10 both give check digit 0, so a single-digit change is not always caught.
    # 7704000000: weighted sum of "770400000" is 2*7 + 4*7 + 3*4 = 54, 54 % 11 = 10 -> digit 0.
    # Changing digit 4 from 4 to 9 adds 3*5 = 15: 69 % 11 = 3 -> caught.
    # Changing digit 2 from 7 to 2 subtracts 4*5 = 20: 34 % 11 = 1 -> caught.
    # Changing digit 1 from 7 to 2 subtracts 2*5 = 10: 44 % 11 = 0 -> digit 0 again, not caught.
    assert check_inn("7704000000") is None
    assert check_inn("7709000000") == "checksum does not match (the last digit should be 3)"
    assert check_inn("7204000000") == "checksum does not match (the last digit should be 1)"
    assert check_inn("2704000000") is None


# ---------------------------------------------------------------- КПП


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("773601001", None),
        ("770301001", None),
        ("710501001", None),
        ("7736AB001", None),
        ("77360Z001", None),
        ("", "must be 9 characters, got an empty value"),
        ("77360100", "must be 9 characters, got 8 characters"),
        ("7736010010", "must be 9 characters, got 10 characters"),
        ("A73601001", "character 1 must be a digit, got 'A'"),
        ("773A01001", "character 4 must be a digit, got 'A'"),
        ("773601A01", "character 7 must be a digit, got 'A'"),
        ("77360100Z", "character 9 must be a digit, got 'Z'"),
        ("7736ab001", "character 5 must be a digit or a capital Latin letter A-Z, got 'a'"),
        ("77360-001", "character 6 must be a digit or a capital Latin letter A-Z, got '-'"),
        # Cyrillic А looks like Latin A but is not allowed
        ("7736А1001", "character 5 must be a digit or a capital Latin letter A-Z, got 'А'"),
    ],
)
def test_check_kpp(value: str, expected: str | None) -> None:
    assert check_kpp(value) == expected


# ---------------------------------------------------------------- ОГРН and ОГРНИП


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1027700132195", None),
        ("1197746123453", None),
        ("1187154012341", None),
        ("1027700132196", "checksum does not match (the last digit should be 5)"),
        ("1027700132190", "checksum does not match (the last digit should be 5)"),
        ("5027700132195", "checksum does not match (the last digit should be 1)"),
        ("102770013219", "must be 13 digits, got 12 characters"),
        ("", "must be 13 digits, got an empty value"),
        (
            "304500116000157",
            "must be 13 digits, got 15 characters (15 digits is an entrepreneur's ОГРНИП)",
        ),
        ("10277001321 5", "must contain digits only, got ' ' at position 12"),
        ("1O27700132195", "must contain digits only, got 'O' at position 2"),
    ],
)
def test_check_ogrn(value: str, expected: str | None) -> None:
    assert check_ogrn(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("304500116000157", None),
        # 31877460010003 % 13 == 10: the check digit is 10 % 10 == 0, not a mismatch
        ("318774600100030", None),
        ("321502400123450", None),
        ("318774600100031", "checksum does not match (the last digit should be 0)"),
        ("304500116000158", "checksum does not match (the last digit should be 7)"),
        ("304500116000150", "checksum does not match (the last digit should be 7)"),
        ("30450011600015", "must be 15 digits, got 14 characters"),
        ("3045001160001570", "must be 15 digits, got 16 characters"),
        ("1027700132195", "must be 15 digits, got 13 characters (13 digits is a company's ОГРН)"),
        ("", "must be 15 digits, got an empty value"),
        ("30450011600015x", "must contain digits only, got 'x' at position 15"),
    ],
)
def test_check_ogrnip(value: str, expected: str | None) -> None:
    assert check_ogrnip(value) == expected


def test_ogrnip_remainder_10_to_12_cases() -> None:
    # Find the prefix's remainder independently and check each of the three wrap-around cases.
    assert int("31877460010003") % 13 == 10
    assert check_ogrnip("318774600100030") is None
    for remainder in (10, 11, 12):
        prefix = next(
            p for p in (f"3187746001{n:04d}" for n in range(10_000)) if int(p) % 13 == remainder
        )
        check_digit = str(remainder - 10)
        assert check_ogrnip(prefix + check_digit) is None
        wrong = str((remainder - 10 + 1) % 10)
        assert check_ogrnip(prefix + wrong) == (
            f"checksum does not match (the last digit should be {check_digit})"
        )


@pytest.mark.parametrize(
    ("value", "check"),
    [(v, check_ogrn) for v in EXAMPLE_OGRN] + [(v, check_ogrnip) for v in ("304500116000157",)],
)
def test_changing_any_single_digit_of_a_valid_ogrn_fails(
    value: str, check: Callable[[str], str | None]
) -> None:
    # 10**k is never 0 mod 11 or mod 13, so a single-digit change always moves the remainder;
    # it is caught unless the old and new remainders share a last digit (0/10, 1/11, 2/12),
    # which cannot happen for these values (remainders 5, 3, 1 mod 11 and 7 mod 13).
    assert check(value) is None
    for index in range(len(value)):
        for digit in _other_digits(value, index):
            changed = _replace(value, index, digit)
            assert check(changed) is not None, changed


def test_ogrnip_with_remainder_10_can_hide_a_single_digit_change() -> None:
    # 318774600100030 has remainder 10 mod 13; a change that brings it to 0 keeps check digit 0.
    # Digit 14 is the units of the prefix: 3 -> 6 adds 3, (10 + 3) % 13 == 0 -> still "valid".
    assert check_ogrnip("318774600100060") is None
    # Digit 14: 3 -> 4 adds 1, remainder 11 -> check digit 1, caught.
    assert check_ogrnip("318774600100040") == (
        "checksum does not match (the last digit should be 1)"
    )


# ---------------------------------------------------------------- БИК


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (SBER_BIK, None),
        (TBANK_BIK, None),
        (TULA_BIK, None),
        ("04452522", "must be 9 digits, got 8 characters"),
        ("0445252250", "must be 9 digits, got 10 characters"),
        ("", "must be 9 digits, got an empty value"),
        ("04452522O", "must contain digits only, got 'O' at position 9"),
    ],
)
def test_check_bik(value: str, expected: str | None) -> None:
    assert check_bik(value) == expected


# ---------------------------------------------------------------- accounts


@pytest.mark.parametrize(
    ("account", "bik", "expected"),
    [
        *((account, bik, None) for account, bik in EXAMPLE_SETTLEMENT),
        (
            "40702810338000000000",
            SBER_BIK,
            "control key does not match БИК 044525225 (digit 9 should be 6)",
        ),
        (
            "40702810038000012345",
            SBER_BIK,
            "control key does not match БИК 044525225 (digit 9 should be 9)",
        ),
        # the same account checked against another bank
        (
            "40702810938000000001",
            TULA_BIK,
            "control key does not match БИК 047003608 (digit 9 should be 4)",
        ),
        # a к/с is not a valid р/с of its own bank
        (SBER_KS, SBER_BIK, "control key does not match БИК 044525225 (digit 9 should be 6)"),
        ("4070281093800000000", SBER_BIK, "must be 20 digits, got 19 characters"),
        ("407028109380000000010", SBER_BIK, "must be 20 digits, got 21 characters"),
        ("", SBER_BIK, "must be 20 digits, got an empty value"),
        ("40702810938000000OO1", SBER_BIK, "must contain digits only, got 'O' at position 18"),
        (
            "40702810938000000001",
            "04452522",
            "cannot check the control key: БИК '04452522' is not 9 digits",
        ),
        (
            "40702810938000000001",
            "04452522x",
            "cannot check the control key: БИК '04452522x' is not 9 digits",
        ),
    ],
)
def test_check_settlement_account(account: str, bik: str, expected: str | None) -> None:
    assert check_settlement_account(account, bik) == expected


@pytest.mark.parametrize(
    ("account", "bik", "expected"),
    [
        *((account, bik, None) for account, bik in EXAMPLE_CORRESPONDENT),
        (
            "30101810500000000225",
            SBER_BIK,
            "control key does not match БИК 044525225 (digit 9 should be 4)",
        ),
        # the к/с of one bank checked against another bank's БИК: the key covers only БИК
        # digits 5-6, so two Moscow banks ("25") pass it; the last three digits tell them apart
        (
            SBER_KS,
            TBANK_BIK,
            "a correspondent account starts with 301 and ends with 974 for БИК 044525974",
        ),
        (
            TBANK_KS,
            SBER_BIK,
            "a correspondent account starts with 301 and ends with 225 for БИК 044525225",
        ),
        (TULA_KS, SBER_BIK, "control key does not match БИК 044525225 (digit 9 should be 7)"),
        # a valid р/с is not a valid к/с
        (
            "40702810938000000001",
            SBER_BIK,
            "control key does not match БИК 044525225 (digit 9 should be 7)",
        ),
        ("3010181040000000022", SBER_BIK, "must be 20 digits, got 19 characters"),
        ("3010181040000000022a", SBER_BIK, "must contain digits only, got 'a' at position 20"),
        (SBER_KS, "", "cannot check the control key: БИК '' is not 9 digits"),
    ],
)
def test_check_correspondent_account(account: str, bik: str, expected: str | None) -> None:
    assert check_correspondent_account(account, bik) == expected


def _naive_key_ok(digits: str) -> bool:
    """Independent reference: weights 7,1,3 repeated, the sum must end in 0."""
    return sum(int(c) * (7, 1, 3)[i % 3] for i, c in enumerate(digits)) % 10 == 0


@pytest.mark.parametrize(("account", "bik"), EXAMPLE_SETTLEMENT)
def test_changing_any_single_digit_of_a_settlement_account_fails(account: str, bik: str) -> None:
    # Weights 7, 1 and 3 are all invertible mod 10, so every single-digit change is caught.
    assert _naive_key_ok(bik[-3:] + account)
    for index in range(20):
        for digit in _other_digits(account, index):
            changed = _replace(account, index, digit)
            message = check_settlement_account(changed, bik)
            assert message is not None, changed
            assert message.startswith(f"control key does not match БИК {bik} "), changed


@pytest.mark.parametrize(("account", "bik"), EXAMPLE_CORRESPONDENT)
def test_example_correspondent_accounts_pass_the_reference_rule(account: str, bik: str) -> None:
    assert _naive_key_ok("0" + bik[4:6] + account)


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("first_digits", "expected"),
    [
        ("770708389", "7707083893"),
        ("770312345", "7703123457"),
        ("710512346", "7105123468"),
        ("5001007322", "500100732259"),
        ("5024123456", "502412345682"),
    ],
)
def test_inn_with_checksum_known_values(first_digits: str, expected: str) -> None:
    assert inn_with_checksum(first_digits) == expected


@pytest.mark.parametrize(
    ("first_digits", "expected"),
    [
        ("102770013219", "1027700132195"),
        ("119774612345", "1197746123453"),
        ("118715401234", "1187154012341"),
        ("30450011600015", "304500116000157"),
        ("31877460010003", "318774600100030"),
        ("32150240012345", "321502400123450"),
    ],
)
def test_ogrn_with_checksum_known_values(first_digits: str, expected: str) -> None:
    assert ogrn_with_checksum(first_digits) == expected


@pytest.mark.parametrize(
    ("account", "bik", "correspondent", "expected"),
    [
        ("30101810000000000225", SBER_BIK, True, SBER_KS),
        ("30101810945250000974", TBANK_BIK, True, TBANK_KS),
        ("30101810000000000608", TULA_BIK, True, TULA_KS),
        ("40702810338000000000", SBER_BIK, False, "40702810638000000000"),
        ("40702810038000000001", SBER_BIK, False, "40702810938000000001"),
        ("40702810938000000001", SBER_BIK, False, "40702810938000000001"),
        ("40702810066000012345", TULA_BIK, False, "40702810166000012345"),
    ],
)
def test_account_with_key_known_values(
    account: str, bik: str, correspondent: bool, expected: str
) -> None:
    assert account_with_key(account, bik, correspondent=correspondent) == expected


def test_account_with_key_defaults_to_settlement() -> None:
    assert account_with_key("40702810038000000001", SBER_BIK) == "40702810938000000001"


def test_helpers_round_trip() -> None:
    rng = random.Random(20240601)
    biks = (SBER_BIK, TBANK_BIK, TULA_BIK, "040173745", "044030653")
    for _ in range(300):
        nine = "".join(rng.choice("0123456789") for _ in range(9))
        ten = nine + rng.choice("0123456789")
        inn10 = inn_with_checksum(nine)
        inn12 = inn_with_checksum(ten)
        assert inn10[:9] == nine
        assert inn12[:10] == ten
        assert check_inn(inn10, "company") is None, inn10
        assert check_inn(inn12, "entrepreneur") is None, inn12
        # the helper's check digit is the only one that works
        wrong10 = _replace(inn10, 9, str((int(inn10[9]) + 1) % 10))
        assert check_inn(wrong10) is not None, wrong10

        ogrn = ogrn_with_checksum("1" + "".join(rng.choice("0123456789") for _ in range(11)))
        ogrnip = ogrn_with_checksum("3" + "".join(rng.choice("0123456789") for _ in range(13)))
        assert check_ogrn(ogrn) is None, ogrn
        assert check_ogrnip(ogrnip) is None, ogrnip
        assert int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
        assert int(ogrnip[:14]) % 13 % 10 == int(ogrnip[14])

        bik = rng.choice(biks)
        raw = "".join(rng.choice("0123456789") for _ in range(20))
        settlement = account_with_key(raw, bik)
        assert settlement[:8] == raw[:8] and settlement[9:] == raw[9:]
        # a к/с looks like 30101810 + … + the last three digits of its bank's БИК
        raw = "301" + raw[3:17] + bik[-3:]
        correspondent = account_with_key(raw, bik, correspondent=True)
        assert correspondent[:8] == raw[:8] and correspondent[9:] == raw[9:]
        assert check_settlement_account(settlement, bik) is None, settlement
        assert check_correspondent_account(correspondent, bik) is None, correspondent
        assert _naive_key_ok(bik[-3:] + settlement), settlement
        assert _naive_key_ok("0" + bik[4:6] + correspondent), correspondent


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: inn_with_checksum("77070838"), "expected 9 or 10 digits to complete an ИНН"),
        (lambda: inn_with_checksum("77070838a"), "expected 9 or 10 digits to complete an ИНН"),
        (lambda: inn_with_checksum("7707083893"[:0]), "expected 9 or 10 digits"),
        (lambda: inn_with_checksum("77070838931"), "expected 9 or 10 digits"),
        (lambda: ogrn_with_checksum("1027700132"), "expected 12 or 14 digits to complete an ОГРН"),
        (lambda: ogrn_with_checksum("1027700132195"), "expected 12 or 14 digits"),
        (lambda: ogrn_with_checksum("10277001321x"), "expected 12 or 14 digits"),
        (lambda: account_with_key("4070281093800000000", SBER_BIK), "expected a 20-digit account"),
        (lambda: account_with_key("4070281093800000000x", SBER_BIK), "expected a 20-digit account"),
        (lambda: account_with_key("40702810938000000001", "04452522"), "expected a 9-digit БИК"),
    ],
)
def test_helpers_reject_bad_input(call: Callable[[], str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
