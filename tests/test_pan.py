from __future__ import annotations

from pathlib import Path

import pytest

from naql.errors import InputError
from naql.pan import PanFeature, read_dir, read_features, write_detections
from naql.records import Passage, Span

GOLD_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "exara-dev" / "gold"

SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<document reference="suspicious-document0007.txt">
<feature name="about" authors="someone"/>
<feature name="plagiarism" this_offset="10" this_length="20"
         source_reference="source-document00001.txt" source_offset="5" source_length="25"
         obfuscation="word shuffling" type="artificial"/>
<feature name="detected-plagiarism" this_offset="40" this_length="8"
         source_reference="source-document00002.txt" source_offset="0" source_length="9"/>
</document>
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_features_reads_both_names_and_attributes(tmp_path: Path) -> None:
    xml = _write(tmp_path / "suspicious-document0007.xml", SAMPLE)
    features = read_features(xml)
    assert features == [
        PanFeature(
            "suspicious-document0007.txt",
            10,
            20,
            "source-document00001.txt",
            5,
            25,
            "word shuffling",
            "artificial",
        ),
        PanFeature("suspicious-document0007.txt", 40, 8, "source-document00002.txt", 0, 9),
    ]


def test_read_features_name_filter(tmp_path: Path) -> None:
    xml = _write(tmp_path / "a.xml", SAMPLE)
    assert [f.this_offset for f in read_features(xml, "plagiarism")] == [10]
    assert [f.this_offset for f in read_features(xml, "detected-plagiarism")] == [40]
    assert read_features(xml, "about-something-else") == []


def test_malformed_xml_raises_input_error_naming_the_file(tmp_path: Path) -> None:
    xml = _write(tmp_path / "broken.xml", '<document reference="x.txt"><feature name=')
    with pytest.raises(InputError, match=r"broken\.xml.*malformed XML"):
        read_features(xml)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<document><feature name="plagiarism"/></document>', "no reference"),
        ('<doc reference="x.txt"/>', "expected <document>"),
        (
            '<document reference="x.txt"><feature name="plagiarism" this_offset="1" '
            'this_length="2"/></document>',
            "lacks source_reference, source_offset, source_length",
        ),
        (
            '<document reference="x.txt"><feature name="plagiarism" this_offset="a" '
            'this_length="2" source_reference="s" source_offset="0" source_length="1"/>'
            "</document>",
            "non-integer this_offset='a'",
        ),
        (
            '<document reference="x.txt"><feature name="plagiarism" this_offset="3" '
            'this_length="-2" source_reference="s" source_offset="0" source_length="1"/>'
            "</document>",
            "negative this_length=-2",
        ),
    ],
)
def test_unusable_documents_raise_input_error(tmp_path: Path, body: str, reason: str) -> None:
    xml = _write(tmp_path / "bad.xml", body)
    with pytest.raises(InputError) as info:
        read_features(xml)
    assert "bad.xml" in str(info.value)
    assert reason in str(info.value)


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.xml"):
        read_features(tmp_path / "nope.xml")


def test_read_dir_keys_by_reference_and_keeps_empty_documents(tmp_path: Path) -> None:
    _write(tmp_path / "suspicious-document0007.xml", SAMPLE)
    _write(tmp_path / "other-name.xml", '<document reference="suspicious-document0008.txt"/>')
    (tmp_path / "sub").mkdir()
    _write(
        tmp_path / "sub" / "x.xml",
        '<document reference="suspicious-document0009.txt"><feature name="plagiarism" '
        'this_offset="0" this_length="3" source_reference="s.txt" source_offset="1" '
        'source_length="4"/></document>',
    )
    _write(tmp_path / "notes.txt", "not xml, ignored")
    documents = read_dir(tmp_path, "plagiarism")
    assert set(documents) == {
        "suspicious-document0007.txt",
        "suspicious-document0008.txt",
        "suspicious-document0009.txt",
    }
    assert documents["suspicious-document0008.txt"] == []
    assert [f.this_offset for f in documents["suspicious-document0007.txt"]] == [10]
    assert documents["suspicious-document0009.txt"] == [
        PanFeature("suspicious-document0009.txt", 0, 3, "s.txt", 1, 4)
    ]


def test_read_dir_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        read_dir(tmp_path / "absent")


def _passage(a_start: int, a_end: int, b: str, b_start: int, b_end: int) -> Passage:
    return Passage(
        a="suspicious-document0001.txt",
        b=b,
        a_span=Span(a_start, a_end),
        b_span=Span(b_start, b_end),
        kind="verbatim",
        score=1.0,
        matched_words=3,
    )


def test_write_detections_round_trip(tmp_path: Path) -> None:
    passages = [
        _passage(100, 150, "source-document00002.txt", 7, 70),
        _passage(3, 40, "source-document00001.txt", 500, 537),
    ]
    out = write_detections(tmp_path / "out", "suspicious-document0001.txt", passages)
    assert out == tmp_path / "out" / "suspicious-document0001.xml"
    assert read_features(out, "detected-plagiarism") == [
        PanFeature("suspicious-document0001.txt", 3, 37, "source-document00001.txt", 500, 37),
        PanFeature("suspicious-document0001.txt", 100, 50, "source-document00002.txt", 7, 63),
    ]
    # No temporary files left behind next to the result.
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["suspicious-document0001.xml"]


def test_write_detections_replaces_and_writes_empty_documents(tmp_path: Path) -> None:
    write_detections(tmp_path, "suspicious-document0002.txt", [_passage(0, 5, "s.txt", 0, 5)])
    out = write_detections(tmp_path, "suspicious-document0002.txt", [])
    assert read_features(out) == []
    assert read_dir(tmp_path) == {"suspicious-document0002.txt": []}


def test_reads_real_gold_file() -> None:
    xml = GOLD_DIR / "suspicious-document0001.xml"
    if not xml.is_file():
        pytest.skip(f"{GOLD_DIR} not available")
    assert read_features(xml) == [
        PanFeature(
            "suspicious-document0001.txt",
            119,
            316,
            "source-document00402.txt",
            19259,
            316,
            "none",
            "artificial",
        )
    ]
