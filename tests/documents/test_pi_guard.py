"""The personal-data guard sees a number however it is typed: separators, spaces and
full-width digits are normalised before matching (SECURITY.md rows 16–17)."""

from __future__ import annotations

import pytest

from anju.documents.pi_guard import PersonalDataInDocument, assert_no_pi, find_pi


@pytest.mark.parametrize(
    "text,label",
    [
        ("联系电话13812345678", "手机号"),
        ("联系电话138-1234-5678", "手机号"),
        ("联系电话 138 1234 5678", "手机号"),
        ("联系电话：１３８１２３４５６７８", "手机号"),
        ("联系电话：１３８－１２３４－５６７８", "手机号"),
        ("联系电话：138　1234　5678（全角空格）", "手机号"),
        ("电话+86 138.1234.5678", "手机号"),
        ("身份证号411081198001011234", "身份证号"),
        ("身份证号41108119800101123x", "身份证号"),
        ("身份证号４１１０８１１９８００１０１１２３Ｘ", "身份证号"),
        ("身份证号 411081 19800101 1234", "身份证号"),
        ("身份证号411081-1980-0101-123X", "身份证号"),
        ("一卡通账号6222021234567890123", "银行账号"),
        ("一卡通账号 6222 0212 3456 7890 123", "银行账号"),
        ("一卡通账号６２２２０２１２３４５６７８９０", "银行账号"),
    ],
)
def test_each_way_of_writing_a_number_is_caught(text, label):
    assert label in find_pi(text)
    with pytest.raises(PersonalDataInDocument, match=label):
        assert_no_pi("正文", text)


@pytest.mark.parametrize(
    "text",
    [
        "火龙镇共 98 户，其中 12 户已整改",
        "完成时限2022-06-20，第1、2、3周按时报送",
        "逾期15小时26分钟；整改台账第 1 号、第 12 号",
        "2022年6月20日 17:00 前报送，共 1 2 3 项",
        "禹建〔2022〕39号",
        "已入户排查 1,234 户，覆盖率 98.5%",
        "",
    ],
)
def test_counts_dates_and_document_numbers_are_not_personal_data(text):
    assert find_pi(text) == []
