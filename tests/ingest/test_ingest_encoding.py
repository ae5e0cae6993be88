"""Bytes to text: UTF-8/16 with BOMs, legacy Arabic (windows-1256), binary and undecodable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from naql.ingest import read_articles
from naql.ingest.encoding import DecodeFailure, decode_bytes
from naql.records import Problem

ROOT = Path(__file__).resolve().parents[2]
ARABIC = (ROOT / "examples" / "haftar" / "003_0298d090f25e48f7.txt").read_text(encoding="utf-8")
SENTENCE = "قال المشير خليفة حفتر إنه زار دمشق سراً"


def _read_one(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return read_articles([str(path)]), str(path)


def test_utf8_bom_removed_and_nothing_else_touched(tmp_path: Path) -> None:
    text = "  سطر أول\r\n\tسطر ثان  \n\n"
    result, _ = _read_one(tmp_path, "a.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert result.articles[0].text == text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, codec: str) -> None:
    data = ("\ufeff" + SENTENCE).encode(codec) if codec.endswith("be") else SENTENCE.encode(codec)
    result, _ = _read_one(tmp_path, "a.txt", data)
    assert result.problems == []
    assert result.articles[0].text == SENTENCE


def test_utf16_without_bom_is_not_taken_for_binary(tmp_path: Path) -> None:
    result, _ = _read_one(tmp_path, "a.txt", (SENTENCE + "\n").encode("utf-16-le"))
    assert result.articles[0].text == SENTENCE + "\n"


@pytest.mark.parametrize(
    "text",
    [ARABIC, ARABIC[:80], SENTENCE, "حفتر", "قال حفتر", "Reuters — " + ARABIC[:300]],
    ids=["article", "80-chars", "sentence", "one-word", "two-words", "mixed-latin"],
)
def test_windows_1256_arabic_decoded_right(tmp_path: Path, text: str) -> None:
    data = text.encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result, _ = _read_one(tmp_path, "old.txt", data)
    assert result.problems == []
    (article,) = result.articles
    assert article.text == text
    assert article.meta["encoding"] == "cp1256"


def test_declared_latin_charset_on_an_arabic_page_is_overruled() -> None:
    data = ARABIC.encode("cp1256")
    assert decode_bytes(data, hint="iso-8859-1").text == ARABIC
    assert decode_bytes(data, hint="windows-1256").encoding == "cp1256"


def test_other_legacy_encodings_are_not_forced_to_arabic() -> None:
    russian = (
        "Президент России Владимир Путин заявил, что переговоры продолжатся на следующей неделе."
    )
    assert decode_bytes(russian.encode("cp1251")).text == russian
    assert decode_bytes(russian.encode("koi8_r")).text == russian


def test_truly_undecodable_file(tmp_path: Path) -> None:
    result, path = _read_one(tmp_path, "junk.txt", bytes(range(0x80, 0x100)) * 8)
    assert result.articles == []
    assert result.problems == [Problem(path, "unknown encoding")]


def test_binary_file_nul_bytes(tmp_path: Path) -> None:
    result, path = _read_one(tmp_path, "blob.txt", b"abc\x00\x01\x02\x03" * 100 + b"\x00\xff")
    assert result.articles == []
    assert result.problems == [Problem(path, "binary file")]


def test_binary_file_png_where_text_is_expected(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
    result, path = _read_one(tmp_path, "image.txt", png)
    assert result.problems == [Problem(path, "binary file (PNG image)")]
    result, path = _read_one(tmp_path, "image.png", png)  # named explicitly: sniffed
    assert [p.reason for p in result.problems] == ["binary file (PNG image)"]


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n ", b"\xef\xbb\xbf\n"])
def test_empty_or_blank_file(tmp_path: Path, content: bytes) -> None:
    result, path = _read_one(tmp_path, "empty.txt", content)
    assert result.articles == []
    assert result.problems == [Problem(path, "empty text")]


def test_utf8_cut_in_the_middle_of_a_character_is_read_and_reported(tmp_path: Path) -> None:
    data = (ARABIC + "حفتر").encode("utf-8")[:-1]  # the last letter loses its second byte
    result, path = _read_one(tmp_path, "cut.txt", data)
    (article,) = result.articles
    assert article.text == ARABIC + "حفت\ufffd"
    (problem,) = result.problems
    assert problem.path == path and "U+FFFD" in problem.reason


def test_latin1_file_with_one_accent_is_not_taken_for_utf8() -> None:
    decoded = decode_bytes(
        "Le café est fermé aujourd'hui, désolé pour le dérangement.".encode("cp1252")
    )
    assert decoded.text == "Le café est fermé aujourd'hui, désolé pour le dérangement."
    assert decoded.warning is None


def test_decode_failure_carries_a_short_reason() -> None:
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(b"\x00" * 10)
    assert info.value.reason == "binary file"
