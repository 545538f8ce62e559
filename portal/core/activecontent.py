"""Active content in uploaded documents: what could run when a member of staff opens the file.

`pdf_findings(data)` and `office_findings(data)` return a set of finding codes; an empty set
means nothing active was found. A file that the parser cannot read raises `Unreadable`: what
cannot be inspected is not accepted.

PDF (pypdf walks every object, also those inside compressed object streams, plus the trailer;
a byte-level scan of the file outside its streams backs it up, for objects the cross-reference
table does not list and for files pypdf cannot open at all):
- ``javascript``: ``/JS``, ``/JavaScript`` (name trees, actions), ``/XFA`` forms (they carry
  scripts);
- ``action``: actions that open a program, another file or send data (``/Launch``,
  ``/ImportData``, ``/SubmitForm``, ``/GoToR``, ``/GoToE``, ``/RichMediaExecute``), wherever they
  sit (``/OpenAction``, ``/AA``, links, form fields);
- ``embedded``: attached files (``/EmbeddedFiles``, ``/EmbeddedFile`` streams, file specs with
  ``/EF``, ``/FileAttachment`` annotations) and ``/RichMedia``.
An encrypted PDF is read with the empty password (permissions-only PDFs); one that needs a
password is `Unreadable`.

Office Open XML (zipfile, defusedxml, and olefile for OLE objects inside):
- ``macros``: a VBA project (``vbaProject.bin``) anywhere, macro-enabled content types, Excel 4
  macro sheets; VBA in an embedded OLE object or in a legacy OLE file;
- ``active``: ActiveX controls, packaged files (OLE ``Ole10Native``), DDE fields, templates or
  frames loaded from elsewhere (remote template injection); embedded Office documents are
  inspected the same way, three levels deep.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile

import olefile
from defusedxml import ElementTree

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about malformed uploads: not ours

JAVASCRIPT, ACTION, EMBEDDED, MACROS, ACTIVE = (
    "javascript",
    "action",
    "embedded",
    "macros",
    "active",
)

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_PDF_OBJECTS = 500_000
MAX_ZIP_MEMBERS = 5_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_NESTING = 3


class Unreadable(ValueError):
    """The file could not be parsed, so it could not be inspected."""


# ---- PDF ---------------------------------------------------------------------------------------

_PDF_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/XFA": JAVASCRIPT,
    "/EmbeddedFiles": EMBEDDED,
    "/EF": EMBEDDED,
    "/RichMedia": EMBEDDED,
    "/RichMediaContent": EMBEDDED,
}
_PDF_ACTIONS = {  # values of an action's /S
    "/JavaScript": JAVASCRIPT,
    "/Launch": ACTION,
    "/ImportData": ACTION,
    "/SubmitForm": ACTION,
    "/GoToR": ACTION,
    "/GoToE": ACTION,
    "/RichMediaExecute": ACTION,
}
_PDF_TYPES = {  # values of /Type and /Subtype
    "/EmbeddedFile": EMBEDDED,
    "/FileAttachment": EMBEDDED,
    "/RichMedia": EMBEDDED,
}
# For the byte-level scan, where a name's role (key or value) is not known.
_PDF_RAW_NAMES = {**_PDF_KEYS, **_PDF_ACTIONS, **_PDF_TYPES}
_PDF_RAW_NAMES.pop("/EF")  # too short to judge without knowing it is a key; the walk sees it


def pdf_findings(data: bytes) -> set[str]:
    """Raises Unreadable when pypdf cannot open the file (after noting for the log what the
    byte-level scan saw in it)."""
    raw = _pdf_raw_findings(data)
    try:
        walked = _pdf_walk(data)
    except Unreadable:
        if raw:
            return raw  # the more useful message: it is refused either way
        raise
    return walked | raw


def _pdf_walk(data: bytes) -> set[str]:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("password-protected")
        numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        if len(numbers) > MAX_PDF_OBJECTS:
            raise Unreadable("too many objects")
        findings = _pdf_object_findings(reader.trailer)
        for num, gen in sorted(numbers):
            findings |= _pdf_object_findings(reader.get_object(IndirectObject(num, gen, reader)))
        if not numbers or reader.trailer.get("/Root") is None:
            raise Unreadable("no objects or no document catalogue")
        return findings
    except Unreadable:
        raise
    except Exception as error:  # pypdf raises many kinds on malformed input
        log.info("PDF not readable: %r", error)
        raise Unreadable(repr(error)) from error


def _pdf_object_findings(root) -> set[str]:
    """Everything directly inside one object (indirect references are not followed: every
    indirect object is visited on its own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    findings, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject) or obj is None:
            continue
        if isinstance(obj, DictionaryObject):  # also streams
            for key, value in obj.items():
                if key in _PDF_KEYS:
                    findings.add(_PDF_KEYS[key])
                if key == "/S" and value in _PDF_ACTIONS:
                    findings.add(_PDF_ACTIONS[value])
                if key in ("/Type", "/Subtype") and value in _PDF_TYPES:
                    findings.add(_PDF_TYPES[value])
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return findings


_STREAM_START = re.compile(rb"stream\r?\n")
_DELIMITER = rb"(?=[\s/<>\[\]()\{\}%\x00]|\Z)"


def _name_pattern(name: str) -> bytes:
    """A regex for one name as it may be written, each character plain or as a #xx escape."""
    return b"".join(
        b"(?:%s|#%s)"
        % (
            re.escape(ch.encode()),
            b"".join(
                b"[%s%s]" % (h.upper().encode(), h.lower().encode()) for h in f"{ord(ch):02x}"
            ),
        )
        for ch in name
    )


_RAW_NAME = re.compile(
    b"/(?P<name>"
    + b"|".join(_name_pattern(n[1:]) for n in sorted(_PDF_RAW_NAMES, key=len, reverse=True))
    + b")"
    + _DELIMITER
)
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STRING_OR_COMMENT = re.compile(rb"[(%]")
_PARENTHESIS_OR_ESCAPE = re.compile(rb"[()\\]")
_END_OF_LINE = re.compile(rb"[\r\n]")


def _pdf_raw_findings(data: bytes) -> set[str]:
    """The names of interest in the file outside stream bodies, literal strings and comments,
    #xx escapes decoded (``/J#53`` is ``/JS``). Linear in the file's size: regexes find the few
    candidates, and only then is the text before them read for strings and comments."""
    text = _outside_streams(data)
    findings, context = set(), _Context(text)
    for match in _RAW_NAME.finditer(text):
        name = _HEX_ESCAPE.sub(lambda m: bytes.fromhex(m.group(1).decode()), match["name"])
        kind = _PDF_RAW_NAMES.get("/" + name.decode("latin-1"))
        if kind and context.is_code(match.start()):
            findings.add(kind)
    return findings


def _outside_streams(data: bytes) -> bytes:
    pieces, position = [], 0
    while start := _STREAM_START.search(data, position):
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        pieces += [data[position : start.start()], b" "]
        position = end + len(b"endstream")
    pieces.append(data[position:])
    return b"".join(pieces)


class _Context:
    """Whether a position is PDF code rather than inside a literal string or a comment; asked
    for increasing positions, it reads the text once."""

    def __init__(self, text: bytes):
        self.text, self.position = text, 0

    def is_code(self, target: int) -> bool:
        while self.position <= target:
            opener = _STRING_OR_COMMENT.search(self.text, self.position, target)
            if opener is None:
                self.position = target
                return True
            if opener.group() == b"%":
                line_end = _END_OF_LINE.search(self.text, opener.end())
                self.position = line_end.end() if line_end else len(self.text)
            else:
                self.position = self._end_of_string(opener.start())
        return False

    def _end_of_string(self, start: int) -> int:
        depth, position = 0, start
        while found := _PARENTHESIS_OR_ESCAPE.search(self.text, position):
            byte = found.group()
            position = found.end()
            if byte == b"\\":
                position += 1
            elif byte == b"(":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return position
        return len(self.text)


# ---- Office ------------------------------------------------------------------------------------

_MACRO_PARTS = re.compile(
    r"(^|/)(vbaproject\.bin|vbadata\.xml)$"
    r"|(^|/)macrosheets/",
    re.IGNORECASE,
)
_ACTIVEX_PARTS = re.compile(r"(^|/)activex/", re.IGNORECASE)
_MACRO_CONTENT_TYPES = re.compile(
    r"macroenabled|vbaproject|vbadata|ms-excel\.(intl)?macrosheet", re.IGNORECASE
)
_ACTIVEX_CONTENT_TYPES = re.compile(r"activex", re.IGNORECASE)
_EXTERNAL_ACTIVE_RELATIONS = re.compile(
    r"/(attachedTemplate|oleObject|frame|subDocument|package|control)$", re.IGNORECASE
)
_DDE = re.compile(r"\bDDE(AUTO)?\b", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MACRO_STORAGES = {"vba", "_vba_project_cur", "_vba_project", "macros"}
_OLE_PACKAGED = {"\x01ole10native", "ole10native"}


def office_findings(data: bytes, depth: int = 0) -> set[str]:
    """For an OOXML (zip) or legacy OLE file; raises Unreadable when it cannot be opened."""
    if data.startswith(OLE_MAGIC):
        return _ole_findings(data)
    try:
        return _ooxml_findings(data, depth)
    except Unreadable:
        raise
    except Exception as error:  # zipfile and the XML parser raise many kinds on bad input
        log.info("Office file not readable: %r", error)
        raise Unreadable(repr(error)) from error


def main_content_type(data: bytes) -> str | None:
    """The content type of an OOXML package's main part (the target of the officeDocument
    relationship in _rels/.rels, looked up in [Content_Types].xml): tells a .docx from a .docm,
    a .dotx or a spreadsheet, whatever the first bytes look like. None if there is none."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            relations = _parse_xml(package, "_rels/.rels")
            types = _parse_xml(package, "[Content_Types].xml")
    except Exception:
        return None
    targets = [
        posixpath.normpath("/" + relation.get("Target", "")).lower()
        for relation in relations
        if relation.get("Type", "").endswith("/officeDocument")
    ]
    if len(targets) != 1:
        return None
    part = targets[0]
    for element in types:
        if element.get("PartName", "").lower() == part:
            return element.get("ContentType")
    for element in types:
        if element.get("Extension", "").lower() == part.rsplit(".", 1)[-1]:
            return element.get("ContentType")
    return None


def _ooxml_findings(data: bytes, depth: int) -> set[str]:
    findings = set()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise Unreadable("too many or too large parts")
        names = [m.filename.replace("\\", "/") for m in members]
        if "[Content_Types].xml" not in names:
            raise Unreadable("no [Content_Types].xml")
        for element in _parse_xml(package, "[Content_Types].xml"):
            content_type = element.get("ContentType", "")
            if _MACRO_CONTENT_TYPES.search(content_type):
                findings.add(MACROS)
            elif _ACTIVEX_CONTENT_TYPES.search(content_type):
                findings.add(ACTIVE)
        for member, name in zip(members, names, strict=True):
            lower = name.lower()
            if _MACRO_PARTS.search(name):
                findings.add(MACROS)
            elif _ACTIVEX_PARTS.search(name):
                findings.add(ACTIVE)
            elif lower.endswith(".rels"):
                for relation in _parse_xml(package, member.filename):
                    external = relation.get("TargetMode", "").lower() == "external"
                    if external and _EXTERNAL_ACTIVE_RELATIONS.search(relation.get("Type", "")):
                        findings.add(ACTIVE)
            elif lower.startswith("word/") and lower.endswith(".xml") and "/" not in lower[5:]:
                if _has_dde_field(package, member.filename):
                    findings.add(ACTIVE)
            if member.is_dir() or member.file_size == 0:
                continue
            with package.open(member) as stream:
                head = stream.read(8)
            if head.startswith(OLE_MAGIC):
                findings |= _ole_findings(package.read(member))
            elif head.startswith(ZIP_MAGIC) and depth < MAX_NESTING:
                findings |= office_findings(package.read(member), depth + 1)
            elif head.startswith(ZIP_MAGIC):
                raise Unreadable("documents nested too deep")
    return findings


def _parse_xml(package: zipfile.ZipFile, name: str):
    # defusedxml: no DTD, so no entity expansion and no external entities from an upload.
    return ElementTree.fromstring(package.read(name), forbid_dtd=True)


def _has_dde_field(package: zipfile.ZipFile, name: str) -> bool:
    """Field instructions may be split over many runs: they are joined before the search."""
    root = _parse_xml(package, name)
    pieces = [element.text or "" for element in root.iter(f"{_W}instrText")]
    pieces += [element.get(f"{_W}instr", "") for element in root.iter(f"{_W}fldSimple")]
    return bool(_DDE.search("".join(pieces)))


def _ole_findings(data: bytes) -> set[str]:
    try:
        with olefile.OleFileIO(data) as ole:
            entries = ole.listdir(streams=True, storages=True)
    except Exception as error:
        log.info("OLE file not readable: %r", error)
        raise Unreadable(repr(error)) from error
    findings = set()
    for path in entries:
        parts = {part.lower() for part in path}
        if parts & _OLE_MACRO_STORAGES:
            findings.add(MACROS)
        if parts & _OLE_PACKAGED:
            findings.add(ACTIVE)
    return findings
