"""Watermarks on confidential material reaching an expert: their name and the time, on every page.

A one-page overlay (the text repeated, rotated, light grey) is rendered with WeasyPrint at the
size of each distinct page size — so CJK names render with the Noto CJK fonts the application
PDF already uses — and merged onto every page with pypdf's `merge_page`. The text stays real
text, so `extract_text` finds the name (a reader can always tell whose copy leaked).
"""

import io
from functools import lru_cache

from django.utils import timezone
from django.utils.html import escape

#: Rows and columns of repeated text on one page.
_ROWS = 7
_COLS = 2


def watermark_time(when=None) -> str:
    return f"{timezone.localtime(when or timezone.now()):%Y-%m-%d %H:%M}"


def watermark_text(expert_name: str, when=None, *, time_text: str | None = None) -> str:
    """The reader's name and the time (`time_text` stands in for the time in a stored page)."""
    return f"{expert_name} · {time_text if time_text is not None else watermark_time(when)}"


@lru_cache(maxsize=64)
def _overlay_pdf(text: str, width_pt: float, height_pt: float) -> bytes:
    from weasyprint import HTML

    cell = f'<div class="cell"><span>{escape(text)}</span></div>'
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; color: #b8b8b8; }}
.grid {{ width: {width_pt:.2f}pt; height: {height_pt:.2f}pt; display: flex; flex-wrap: wrap;
         align-content: space-around; }}
.cell {{ width: {width_pt / _COLS:.2f}pt; height: {height_pt / _ROWS:.2f}pt; display: flex;
         align-items: center; justify-content: center; }}
.cell span {{ display: inline-block; transform: rotate(-30deg); font-size: 13pt; white-space: nowrap;
              opacity: 0.55; }}
</style></head><body><div class="grid">{cell * (_ROWS * _COLS)}</div></body></html>"""
    return HTML(string=html).write_pdf()


def watermark_pdf(data: bytes, text: str) -> bytes:
    """`data` (a PDF) with `text` stamped over every page."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        if (page.get("/Rotate") or 0) % 360:
            page.transfer_rotation_to_content()  # the overlay then sits upright on the page as seen
        box = page.mediabox
        overlay = PdfReader(io.BytesIO(
            _overlay_pdf(text, round(float(box.width), 2), round(float(box.height), 2)))).pages[0]
        if box.left or box.bottom:
            page.merge_transformed_page(overlay, Transformation().translate(float(box.left), float(box.bottom)))
        else:
            page.merge_page(overlay)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")
