"""Personal data helpers: encryption round trip, keyed hashes, masks, GB 11643."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core import crypto
from anju.registry import idcard


def test_encryption_round_trips_and_hides_the_plaintext():
    sealed = crypto.encrypt("11010519491231002X")
    assert b"11010519491231002X" not in sealed
    assert crypto.decrypt(sealed) == "11010519491231002X"
    assert crypto.encrypt("11010519491231002X") != sealed  # random nonce
    assert crypto.encrypt("") is None and crypto.decrypt(None) == ""


def test_blind_index_matches_equal_values_only():
    assert crypto.blind_index("440524188001010014") == crypto.blind_index("440524188001010014")
    assert crypto.blind_index("440524188001010014") != crypto.blind_index("11010519491231002X")
    assert len(crypto.blind_index("x")) == 64


def test_masks_follow_the_published_patterns():
    assert crypto.mask_id_number("41108119800101123X") == "411081********123X"
    assert crypto.mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize("good", ["11010519491231002X", "440524188001010014"])
def test_published_examples_are_valid(good):
    assert idcard.is_valid(good)


def test_normalisation_of_messy_input():
    assert idcard.normalize(" １１０１０５ 19491231002x ") == "11010519491231002X"


def test_wrong_check_character_and_impossible_birth_date_are_named():
    assert idcard.problems("110105194912310021") == ["校验码应为 X"]
    bad_date = idcard.make("411081", dt.date(1980, 1, 1), 1)[:10] + "0230" + "0011"
    assert any("出生日期" in p for p in idcard.problems(bad_date))
    assert not idcard.has_shape("1101051949123100")


def test_made_numbers_are_valid():
    made = idcard.make("411081", dt.date(1975, 6, 30), 123)
    assert idcard.is_valid(made) and made.startswith("41108119750630123")
