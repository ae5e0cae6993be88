"""Reading and writing the PAN text-alignment XML format (PAN 2012-2015).

One XML file per suspicious document::

    <document reference="suspicious-document0001.txt">
      <feature name="plagiarism" this_offset="119" this_length="316"
               source_reference="source-document00402.txt" source_offset="19259"
               source_length="316" obfuscation="none" type="artificial"/>
    </document>

Gold cases are ``name="plagiarism"`` features, a system's output is ``name="detected-plagiarism"``.
Offsets and lengths count characters of the documents' text.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from naql.backends import Backend, tasks
from naql.config import Config
from naql.errors import InputError
from naql.pairs import to_passage
from naql.records import Passage, Problem
from naql.reuse import reused_passages, tokenize
from naql.stages import Progress, Timer, _no_progress
from naql.text import Vocabulary

GOLD = "plagiarism"
DETECTED = "detected-plagiarism"
FEATURE_NAMES = (GOLD, DETECTED)

_REQUIRED = (
    "this_offset",
    "this_length",
    "source_reference",
    "source_offset",
    "source_length",
)


@dataclass(slots=True, frozen=True)
class PanFeature:
    """One PAN feature: ``[this_offset, +this_length)`` of ``suspicious`` reuses
    ``[source_offset, +source_length)`` of ``source_reference`` (both are document file names)."""

    suspicious: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    obfuscation: str | None = None
    type: str | None = None


def read_features(xml_path: str | os.PathLike[str], name: str | None = None) -> list[PanFeature]:
    """The ``plagiarism`` / ``detected-plagiarism`` features of one PAN XML file, in file order.

    ``name`` keeps only features with exactly that name. Other elements and other feature names
    (PAN files also carry e.g. ``about`` features) are ignored. Unlike the official PAN script,
    which silently drops features that lack offsets, an incomplete or non-numeric feature raises
    :class:`InputError`: a silently shortened gold standard would skew every score. So does a
    feature without source attributes (PAN's intrinsic-detection form): naql only aligns texts.
    """
    return _read(Path(xml_path), name)[1]


def _read(path: Path, name: str | None) -> tuple[str, list[PanFeature]]:
    """(suspicious document name, features) of one PAN XML file."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"{path}: malformed XML: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if root.tag != "document":
        raise InputError(f"{path}: root element is <{root.tag}>, expected <document>")
    suspicious = root.get("reference")
    if not suspicious:
        raise InputError(f"{path}: <document> has no reference attribute")
    wanted = FEATURE_NAMES if name is None else (name,)
    features: list[PanFeature] = []
    # Direct children only, as in PAN's own reader.
    for element in root:
        if element.tag != "feature" or element.get("name") not in wanted:
            continue
        features.append(_feature(path, suspicious, element))
    return suspicious, features


def _feature(path: Path, suspicious: str, element: ET.Element) -> PanFeature:
    missing = [attr for attr in _REQUIRED if element.get(attr) is None]
    if missing:
        raise InputError(f"{path}: feature {_describe(element)} lacks {', '.join(missing)}")
    numbers: dict[str, int] = {}
    for attr in ("this_offset", "this_length", "source_offset", "source_length"):
        raw = element.get(attr, "")
        try:
            value = int(raw)
        except ValueError:
            raise InputError(
                f"{path}: feature {_describe(element)} has non-integer {attr}={raw!r}"
            ) from None
        if value < 0:
            raise InputError(f"{path}: feature {_describe(element)} has negative {attr}={value}")
        numbers[attr] = value
    return PanFeature(
        suspicious=suspicious,
        this_offset=numbers["this_offset"],
        this_length=numbers["this_length"],
        source_reference=element.get("source_reference", ""),
        source_offset=numbers["source_offset"],
        source_length=numbers["source_length"],
        obfuscation=element.get("obfuscation"),
        type=element.get("type"),
    )


def _describe(element: ET.Element) -> str:
    return "<feature " + " ".join(f'{k}="{v}"' for k, v in element.attrib.items()) + ">"


def read_dir(
    directory: str | os.PathLike[str], name: str | None = None
) -> dict[str, list[PanFeature]]:
    """All features of the ``*.xml`` files in ``directory``, keyed by suspicious document name.

    Like the official PAN evaluator, files one folder down (``*/*.xml``) are read too, because
    PAN corpora ship one sub-folder per obfuscation strategy. A document without features maps
    to an empty list; two files naming the same document are merged.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    files = sorted(folder.glob("*.xml")) + sorted(folder.glob("*/*.xml"))
    documents: dict[str, list[PanFeature]] = {}
    for xml_file in files:
        if not xml_file.is_file():
            continue
        # The reference attribute, not the file name, names the document (as in PAN's script).
        suspicious, features = _read(xml_file, name)
        documents.setdefault(suspicious, []).extend(features)
    return documents


def detection_file_name(suspicious: str) -> str:
    """``suspicious-document0001.txt`` -> ``suspicious-document0001.xml`` (PAN's convention)."""
    return Path(suspicious).with_suffix(".xml").name


def write_detections(
    out_dir: str | os.PathLike[str], suspicious: str, passages: Iterable[Passage]
) -> Path:
    """Write ``passages`` as ``detected-plagiarism`` features of ``suspicious``; return the file.

    ``Passage.a`` / ``a_span`` are taken as the suspicious side and ``Passage.b`` / ``b_span`` as
    the source side, so ``Passage.b`` must be the source document's file name as PAN expects it
    (e.g. ``source-document00402.txt``). Features are written in suspicious-offset order. The
    file is replaced atomically so a crash never leaves half a file for the evaluator to read.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    root = ET.Element("document", {"reference": suspicious})
    ordered = sorted(passages, key=lambda p: (p.a_span, p.b, p.b_span))
    for passage in ordered:
        ET.SubElement(
            root,
            "feature",
            {
                "name": DETECTED,
                "this_offset": str(passage.a_span.start),
                "this_length": str(len(passage.a_span)),
                "source_reference": passage.b,
                "source_offset": str(passage.b_span.start),
                "source_length": str(len(passage.b_span)),
            },
        )
    ET.indent(root, space="  ")
    target = folder / detection_file_name(suspicious)
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            ET.ElementTree(root).write(stream, encoding="UTF-8", xml_declaration=True)
            stream.write(b"\n")
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


@dataclass(slots=True)
class PanRun:
    """What ``naql align --pan`` did: detections written, files skipped, time per stage."""

    detections: int
    documents: int
    problems: list[Problem]
    timings: dict[str, float]


def _read_folder(folder: str, problems: list[Problem]) -> tuple[list[str], list[str]]:
    root = Path(folder)
    if not root.is_dir():
        problems.append(Problem(folder, "no such folder"))
        return [], []
    names, texts = [], []
    for path in sorted(root.glob("*.txt")):
        try:
            texts.append(path.read_bytes().decode("utf-8-sig"))
            names.append(path.name)
        except UnicodeDecodeError as error:
            problems.append(Problem(str(path), f"not UTF-8 ({error.reason} at byte {error.start})"))
        except OSError as error:
            problems.append(Problem(str(path), error.strerror or "unreadable"))
    return names, texts


def _read_pairs(
    pairs_file: str, susp_names: list[str], src_names: list[str], problems: list[Problem]
) -> list[tuple[int, int]]:
    susp_index = {name: k for k, name in enumerate(susp_names)}
    src_index = {name: k for k, name in enumerate(src_names)}
    pairs = []
    try:
        lines = Path(pairs_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(pairs_file, f"cannot read the pairs file ({error})"))
        return []
    for number, line in enumerate(lines, 1):
        names = line.split()
        if not names:
            continue
        if len(names) != 2 or names[0] not in susp_index or names[1] not in src_index:
            problems.append(
                Problem(pairs_file, f"not a known 'suspicious source' pair: {line!r}", number)
            )
            continue
        pairs.append((susp_index[names[0]], src_index[names[1]]))
    return sorted(set(pairs))


def align_pan(
    suspicious_dir: str,
    source_dir: str,
    out_dir: str,
    config: Config | None = None,
    progress: Progress = _no_progress,
    pairs_file: str | None = None,
    backend: Backend | None = None,
) -> PanRun:
    """PAN text-alignment mode: one detections XML per suspicious document in ``out_dir``.

    With ``pairs_file`` (PAN's ``pairs``: one "suspicious source" pair of file names a line),
    exactly those pairs are aligned, as in the PAN task; without it naql finds the candidate
    pairs itself among all suspicious × source documents.
    """
    config = config or Config.for_pan()
    timer = Timer()
    problems: list[Problem] = []
    with timer.stage("read"):
        susp_names, susp_texts = _read_folder(suspicious_dir, problems)
        src_names, src_texts = _read_folder(source_dir, problems)
    vocabulary = Vocabulary(config.text.latin_language)
    with timer.stage("tokenize"):
        # One pass (one fork of the workers): the same ids as the two folders one by one.
        both = tokenize([*susp_texts, *src_texts], vocabulary, progress, backend)
        susp, src = both[: len(susp_texts)], both[len(susp_texts) :]
    if pairs_file is not None:
        with timer.stage("align"):
            wanted = _read_pairs(pairs_file, susp_names, src_names, problems)
            passages = tasks.align_parallel(
                susp, src, wanted, len(vocabulary), config.align, backend
            )
    else:
        passages = (
            reused_passages(susp, src, len(vocabulary), config, timer, backend=backend)
            if susp and src
            else []
        )
    by_document: dict[int, list[Passage]] = {index: [] for index in range(len(susp))}
    for passage in passages:
        by_document[passage.left].append(
            to_passage(
                passage,
                susp_names[passage.left],
                src_names[passage.right],
                susp[passage.left],
                src[passage.right],
            )
        )
    with timer.stage("write"):
        for index, found in by_document.items():
            write_detections(out_dir, susp_names[index], found)
    return PanRun(
        detections=len(passages),
        documents=len(susp),
        problems=problems,
        timings={name: round(seconds, 3) for name, seconds in timer.timings.items()},
    )
