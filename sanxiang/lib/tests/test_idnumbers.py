import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sanxiang.lib.idnumbers import (
    CREDIT_ALPHABET,
    credit_code_check_char,
    credit_code_problem,
    id_number_check_char,
    id_number_problem,
)

TODAY = dt.date(2026, 11, 29)


def test_known_valid_id_number() -> None:
    # The specimen number printed in GB 11643-1999's own example.
    assert id_number_problem("11010519491231002X", today=TODAY) is None


def test_known_valid_credit_code() -> None:
    # A published code of a real government body (国家税务总局).
    assert credit_code_problem("11100000000013127D") is None


def test_id_number_reasons() -> None:
    cases = {
        "11010519491231002": "length",
        "1101051949123100AX": "characters",
        "110105194902300021": "birth_date",
        "110105203001010021": "birth_date",
        "110105194912310021": "check",
    }
    for value, reason in cases.items():
        assert id_number_problem(value, today=TODAY) == reason, value


def test_credit_code_reasons() -> None:
    assert credit_code_problem("11100000000013127") == "length"
    assert credit_code_problem("1110000000001312IO") == "characters"
    assert credit_code_problem("11100000000013127E") == "check"


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@given(region=st.integers(110000, 659999), birth=birth_dates, seq=st.integers(0, 999))
def test_id_number_with_its_check_char_is_valid(region: int, birth: dt.date, seq: int) -> None:
    first17 = f"{region:06d}{birth:%Y%m%d}{seq:03d}"
    number = first17 + id_number_check_char(first17)
    assert id_number_problem(number, today=TODAY) is None


@given(region=st.integers(110000, 659999), birth=birth_dates, seq=st.integers(0, 999), pos=st.integers(0, 16))
def test_id_number_single_digit_change_is_caught(region: int, birth: dt.date, seq: int, pos: int) -> None:
    first17 = f"{region:06d}{birth:%Y%m%d}{seq:03d}"
    number = first17 + id_number_check_char(first17)
    digit = str((int(number[pos]) + 1) % 10)
    changed = number[:pos] + digit + number[pos + 1 :]
    assert id_number_problem(changed, today=TODAY) is not None


@given(st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 30))
def test_credit_code_single_char_change_is_caught(first17: str, pos: int, shift: int) -> None:
    code = first17 + credit_code_check_char(first17)
    assert credit_code_problem(code) is None
    new_char = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(code[pos]) + shift) % 31]
    changed = code[:pos] + new_char + code[pos + 1 :]
    assert credit_code_problem(changed) == "check"
