"""Text out of an uploaded PDF with pypdf: bounded in pages and characters, never executed."""

from __future__ import annotations

import io
import logging
import warnings

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.errors import DomainError

MAX_PAGES = 30
MAX_CHARS = 100_000


def extract(data: bytes) -> str:
    """The PDF's text (first MAX_PAGES pages, MAX_CHARS characters); a clear error otherwise."""
    if not data.startswith(b"%PDF-"):
        raise DomainError("That file is not a PDF; upload the résumé as a PDF.", field="resume")
    # pypdf logs every repaired glitch of a sloppy PDF as a warning; a résumé is often sloppy.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _read(data)


def _read(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError(
                "The PDF is password-protected; upload a copy without a password.", field="resume"
            )
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_CHARS:
                break
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        raise DomainError(
            "The PDF could not be read; export it again from your editor and retry.",
            field="resume",
        ) from None
    return "\n".join(parts)[:MAX_CHARS].replace("\x00", "")
