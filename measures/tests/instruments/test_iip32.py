"""IIP-32: scoring only, no wording, total marked provisional."""

from __future__ import annotations

from measures.instruments import iip32


def test_all_minimum_and_maximum_means() -> None:
    assert iip32.score([0] * 32).total == 0.0
    assert iip32.score([4] * 32).total == 4.0


def test_mean_rounds_half_up_to_two_decimals() -> None:
    # 4 points over 32 items = 0.125
    assert iip32.score([1] * 4 + [0] * 28).total == 0.13


def test_every_score_is_marked_provisional() -> None:
    assert iip32.PROVISIONAL in iip32.score([2] * 32).notes


def test_missing_item_gives_no_total() -> None:
    result = iip32.score([1] * 31 + [None])
    assert result.total is None
    assert result.reason


def test_no_wording_is_shipped() -> None:
    assert all(item.text is None for item in iip32.IIP32.items)
    assert iip32.IIP32.licence.ship_text is False
