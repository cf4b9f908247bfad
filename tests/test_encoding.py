"""Bytes to text: UTF-8 (BOM or not), GB18030/GBK and Big5 told apart from the bytes alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.encoding import decode_text
from digest.errors import DecodeError, InputError

DUMPS = Path(__file__).parent / "data" / "textdump"


def read(name: str) -> str:
    return decode_text((DUMPS / name).read_bytes(), origin=name)


def test_decode_reads_utf8_sample_unchanged() -> None:
    raw = (DUMPS / "sample_world.txt").read_bytes()
    assert read("sample_world.txt") == raw.decode("utf-8")


def test_decode_strips_utf8_bom() -> None:
    text = read("utf8_bom.txt")
    assert text.startswith("11月贷款市场报价利率维持不变\n")


def test_decode_reads_gbk_file_by_its_bytes() -> None:
    text = read("gbk_domestic.txt")
    assert text.startswith("南水北调中线工程本年度向北方调水超九十亿立方米\n")
    assert "2026年11月21日10:05:33 国内 2306" in text


def test_decode_reads_big5_file_by_its_bytes() -> None:
    text = read("big5_society.txt")
    assert text.startswith("臺北市公車明年起分階段改用電動車 首批三百輛年底交車\n")
    assert "天天要聞" in text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("今天天气很好", "gb18030"),
        ("今天天气很好", "big5"),
        ("這是一個測試", "gb18030"),
        ("這是一個測試", "big5"),
        ("坚定支持普京,白俄终于拿出实际行动", "gb18030"),
        ("中央氣象局表示，颱風預計明天登陸，請民眾做好防颱準備。", "big5"),
        ("台湾地区领导人今天发表讲话。", "gbk"),
    ],
)
def test_decode_tells_gb18030_from_big5_in_short_text(text: str, encoding: str) -> None:
    # Each encoding decodes the other's bytes without error here: only the characters
    # that come out can tell them apart.
    assert decode_text(text.encode(encoding), origin="t") == text


def test_decode_normalises_crlf_and_lone_cr_to_lf() -> None:
    assert decode_text("标题\r\n\r\n正文\r第二行".encode(), origin="t") == "标题\n\n正文\n第二行"
    assert "\r" not in read("crlf.txt")


def test_decode_reads_utf16_with_bom() -> None:
    data = "title\n正文".encode("utf-16")  # with BOM, and full of NUL bytes
    assert decode_text(data, origin="t") == "title\n正文"


def test_decode_binary_starting_like_a_utf16_bom_is_still_binary() -> None:
    with pytest.raises(DecodeError, match="looks like a binary file"):
        decode_text(b"\xff\xfe\x00\x00\x00\x00\x01\x00", origin="t")


def test_decode_drops_incomplete_last_utf8_character() -> None:
    data = "完整的句子。半".encode()[:-1]
    assert decode_text(data, origin="t") == "完整的句子。"


def test_decode_reads_english_windows_1252_quotes() -> None:
    data = "He said “hello” and left — café prices rose 3%.".encode("cp1252")
    assert decode_text(data, origin="t") == "He said “hello” and left — café prices rose 3%."


def test_decode_prefers_valid_declared_encoding() -> None:
    data = "Привет".encode("koi8-r")
    assert decode_text(data, origin="t", declared="KOI8-R") == "Привет"


@pytest.mark.parametrize("declared", ["x-no-such-charset", "", "hex", "utf-8"])
def test_decode_ignores_unknown_or_contradicted_declaration(declared: str) -> None:
    data = "南水北调中线工程今年向北方调水。".encode("gbk")
    assert decode_text(data, origin="t", declared=declared) == "南水北调中线工程今年向北方调水。"


@pytest.mark.parametrize("declared", ["ISO-8859-1", "gb2312", "big5"])
def test_decode_valid_utf8_wins_over_a_mislabelling_declaration(declared: str) -> None:
    data = "白俄罗斯总统".encode()
    assert decode_text(data, origin="t", declared=declared) == "白俄罗斯总统"


def test_decode_gb2312_declaration_reads_gbk_characters() -> None:
    data = "喆".encode("gbk")  # in GBK, not in GB2312
    assert decode_text(data, origin="t", declared="gb2312") == "喆"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty.txt: is empty"),
        (b"\xef\xbb\xbf", "empty.txt: is empty"),
        ((DUMPS / "binary.txt").read_bytes(), "binary.txt: looks like a binary file, not text"),
        (b"\x01\x02\x03\x04 text \x05\x06\x07\x08", "binary.txt: looks like a binary file"),
        (b"Report \x81\x20 ends \xff", "bad.txt: is not text in UTF-8, GB18030/GBK or Big5"),
    ],
)
def test_decode_error_names_the_file_and_the_reason(data: bytes, reason: str) -> None:
    origin = reason.split(":", 1)[0]
    with pytest.raises(DecodeError) as caught:
        decode_text(data, origin=origin)
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, InputError)


def test_decode_empty_file_on_disk_is_an_error() -> None:
    with pytest.raises(DecodeError, match=r"^empty\.txt: is empty$"):
        read("empty.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("日本の首都は東京です。今日はいい天気ですね。ニュースをお伝えします。", "shift_jis"),
        ("서울은 한국의 수도입니다. 오늘 날씨가 좋습니다. 뉴스를 전해드립니다.", "euc_kr"),
    ],
)
def test_decode_refuses_text_that_reads_as_no_real_chinese(text: str, encoding: str) -> None:
    # GB18030 decodes these bytes without error, into nonsense: better refused than stored.
    with pytest.raises(DecodeError, match="is not text in UTF-8"):
        decode_text(text.encode(encoding), origin="t")
