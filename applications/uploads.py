"""Checking uploaded files: type by content (not by name), size, count, and a safe name.

Allowed: PDF, PNG, JPEG, and Office documents (OOXML .docx/.xlsx/.pptx and legacy OLE
.doc/.xls/.ppt). A file whose bytes do not match its extension (an .exe renamed .pdf) is
refused, as is an empty file.

Two checks protect the experts' machines, which open these files (GB/T 22239-2019 level 3,
malicious code): an OOXML document must be a bounded zip archive (members, uncompressed size and
compression ratio are capped; every member is inflated, so sizes an archive forges are caught
by its checksums), and a PDF must carry no active content (JavaScript, launch actions,
automatic actions, XFA forms), found by walking its object graph with pypdf.
"""

import hashlib
import re
import unicodedata
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
_OOXML_DIRS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}

# Bounds of an OOXML archive. Real documents: tens to a few hundred members, text XML inflating
# 5-20 times (a very repetitive spreadsheet up to about 100), images barely at all. A zip bomb
# inflates about 1,000 times per layer, or hides one such member among incompressible ones; the
# total cap catches that case, the ratio the plain one.
OOXML_MAX_MEMBERS = 5_000
OOXML_MAX_UNCOMPRESSED = 256 * 1024 * 1024
OOXML_MAX_RATIO = 100
_INFLATE_CHUNK = 1024 * 1024

# PDF objects visited at most while looking for active content (a 20 MB PDF has some 10^5).
PDF_MAX_OBJECTS = 1_000_000


def _sniff(upload, head: bytes) -> str | None:
    """The extension family the content proves, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for ext, prefix in _OOXML_DIRS.items():
                if any(n.startswith(prefix) for n in names):
                    return ext
    return None


def safe_name(name: str) -> str:
    """The file's base name without path parts, control characters or shell-unfriendly ones."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*;$`\'&]', "_", name).strip(" .")
    if not name:
        name = "file"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + "." + ext) if dot else name[:150]
    return name


def check_upload(upload, *, max_bytes: int) -> dict:
    """Validate one upload; return its safe name, content type, size and SHA-256."""
    name = safe_name(getattr(upload, "name", ""))
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if upload.size > max_bytes:
        raise ValidationError(_("“%(name)s” is %(size).1f MB; the limit is %(limit)s MB.") % {
            "name": name, "size": upload.size / 1048576, "limit": max_bytes // 1048576})
    if ext not in EXTENSIONS:
        raise ValidationError(_("“%(name)s”: only PDF, PNG, JPEG and Office documents (Word, Excel, "
                                "PowerPoint) are accepted.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = _sniff(upload, head)
    matches = found == ext or (found == "jpg" and ext == "jpeg") or (found == "ole" and ext in ("doc", "xls", "ppt"))
    if not matches:
        raise ValidationError(_("“%(name)s” is not really a .%(ext)s file (its content does not match its "
                                "name) and was refused.") % {"name": name, "ext": ext})
    if found in _OOXML_DIRS:
        check_ooxml_bounds(upload, name=name)
    elif found == "pdf":
        check_pdf_inactive(upload, name=name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": name, "content_type": EXTENSIONS[ext], "size": upload.size, "sha256": digest.hexdigest()}


# ------------------------------------------------------------------ OOXML: a bounded zip archive

def check_ooxml_bounds(upload, *, name: str) -> None:
    """Refuse an OOXML archive with too many members, too many bytes once inflated, or an
    inflation ratio no real document has. The sizes the archive declares are checked first
    (cheap); then every member is inflated and counted: zipfile stops each member at its
    declared size and checks its CRC, so an archive that understates a size is refused as
    damaged, and members overlapping the same compressed bytes are each counted."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > OOXML_MAX_MEMBERS:
                raise _ooxml_refused(name, _("it has %(n)s parts, at most %(limit)s are accepted")
                                     % {"n": len(members), "limit": OOXML_MAX_MEMBERS})
            _check_ooxml_size(name, sum(m.file_size for m in members), upload.size)
            inflated = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(_INFLATE_CHUNK):
                        inflated += len(chunk)
                        _check_ooxml_size(name, inflated, upload.size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError) as exc:
        raise ValidationError(_("“%(name)s” is a damaged or unsupported Office document and was refused.")
                              % {"name": name}) from exc
    finally:
        upload.seek(0)


def _check_ooxml_size(name, inflated: int, compressed: int) -> None:
    if inflated > OOXML_MAX_UNCOMPRESSED:
        raise _ooxml_refused(name, _("it would unpack to more than %(limit)s MB")
                             % {"limit": OOXML_MAX_UNCOMPRESSED // 1048576})
    if inflated > OOXML_MAX_RATIO * max(compressed, 1):
        raise _ooxml_refused(name, _("it unpacks to more than %(ratio)s times its size")
                             % {"ratio": OOXML_MAX_RATIO})


def _ooxml_refused(name, reason) -> ValidationError:
    return ValidationError(_("“%(name)s” was refused: %(reason)s, which no real Office document does "
                             "(a “zip bomb”). Save it again from Word, Excel or PowerPoint.")
                           % {"name": name, "reason": reason})


# ------------------------------------------------------------------ PDF: no active content

def _active_content_labels():
    return {
        "javascript": _("JavaScript"),
        "launch": _("an action that starts a program"),
        "automatic": _("automatic actions (/AA)"),
        "xfa": _("an XFA form (may carry scripts)"),
    }


def check_pdf_inactive(upload, *, name: str) -> None:
    """Refuse a PDF carrying JavaScript (/JS, /JavaScript, as an /OpenAction or anywhere else),
    launch actions, automatic actions (/AA) or an XFA form: they run when an expert opens it."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("“%(name)s” is protected by a password, so it cannot be checked for "
                                    "scripts and was refused. Upload it without the password.") % {"name": name})
        found = pdf_active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError):
        # A damaged file (no cross-reference table, say) that viewers repair when opening it:
        # every name in its bytes and in its inflated streams is looked at instead.
        upload.seek(0)
        try:
            found = pdf_raw_active_content(upload.read())
        except ValueError as exc:
            raise ValidationError(_("“%(name)s” is a damaged PDF and was refused. Save or print it to PDF "
                                    "again.") % {"name": name}) from exc
    finally:
        upload.seek(0)
    if found:
        labels = _active_content_labels()
        separator = "、" if (get_language() or "").startswith("zh") else ", "
        raise ValidationError(_("“%(name)s” contains active content (%(what)s) that would run on the "
                                "experts' computers, and was refused. Print it to PDF again without "
                                "scripts or actions.") % {"name": name,
                                                          "what": separator.join(labels[k] for k in sorted(found))})


def pdf_active_content(reader) -> set[str]:
    """The kinds of active content in the document: walk every object reachable from the
    trailer (object streams and escaped names are decoded by pypdf), iteratively."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):
            found |= _dictionary_active_content(obj)
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return found


_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_RAW_KINDS = {b"JS": "javascript", b"JavaScript": "javascript", b"Launch": "launch", b"AA": "automatic",
              b"XFA": "xfa"}
_RAW_INFLATE_MAX = 64 * 1024 * 1024  # inflated stream bytes looked at, in all


def pdf_raw_active_content(data: bytes) -> set[str]:
    """The kinds of active content named anywhere in a PDF's bytes or its Flate streams (names
    with #xx escapes decoded): for files pypdf cannot read as a whole."""
    parts, budget, view = [data], _RAW_INFLATE_MAX, memoryview(data)
    for match in re.finditer(rb"stream\r?\n", data):
        if budget <= 0:
            raise ValueError("too much compressed content")
        try:
            inflated = zlib.decompressobj().decompress(view[match.end():], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        parts.append(inflated)
    found = set()
    for part in parts:
        for name in _NAME.findall(part):
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
            if name in _RAW_KINDS:
                found.add(_RAW_KINDS[name])
    return found


def _dictionary_active_content(obj) -> set[str]:
    kinds = set()
    action = obj.get("/S")
    if isinstance(action, IndirectObject):
        action = action.get_object()
    if "/JS" in obj or "/JavaScript" in obj or action == "/JavaScript":
        kinds.add("javascript")
    if action == "/Launch":
        kinds.add("launch")
    if "/AA" in obj:
        kinds.add("automatic")
    if "/XFA" in obj:
        kinds.add("xfa")
    return kinds
