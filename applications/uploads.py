"""Checking uploaded files: type by content (not by name), size, count, and a safe name.

Allowed: PDF, PNG, JPEG, and Office documents (OOXML .docx/.xlsx/.pptx and legacy OLE
.doc/.xls/.ppt). A file whose bytes do not match its extension (an .exe renamed .pdf) is
refused, as is an empty file.
"""

import hashlib
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": name, "content_type": EXTENSIONS[ext], "size": upload.size, "sha256": digest.hexdigest()}
