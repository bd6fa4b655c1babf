"""Editing a candidate's profile and storing their résumé. Flushes; views commit."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from app import audit
from app.errors import DomainError, DomainErrors
from app.models import Candidate, Resume, now_utc
from app.profiles import resume_text
from app.search import index as search_index

PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
MAX_LINKS = 10
MAX_LINK_LENGTH = 500
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_LOCATION = 200
RESUME_SUFFIX = ".pdf"


def _clean_links(raw: str) -> tuple[str, list[DomainError]]:
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    errors = []
    if len(links) > MAX_LINKS:
        errors.append(DomainError(f"Give at most {MAX_LINKS} links.", field="links"))
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > MAX_LINK_LENGTH:
            errors.append(
                DomainError(
                    f"“{link[:80]}” is not a web address; start links with https://.",
                    field="links",
                )
            )
    return "\n".join(dict.fromkeys(links)), errors


def _clean_tags(raw: str) -> tuple[str, list[DomainError]]:
    tags = list(dict.fromkeys(tag.strip().lower() for tag in raw.split(",") if tag.strip()))
    errors = []
    if len(tags) > MAX_TAGS:
        errors.append(DomainError(f"Use at most {MAX_TAGS} tags.", field="tags"))
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        errors.append(
            DomainError(f"Keep each tag under {MAX_TAG_LENGTH} characters.", field="tags")
        )
    return ", ".join(tags), errors


def update_profile(
    candidate: Candidate, phone: str, location: str, links: str, tags: str
) -> Candidate:
    """Set contact details, links (one per line, http/https only) and tags (comma-separated).

    Every problem is reported at once and nothing is written unless all are fixed. Audited.
    """
    phone, location = phone.strip(), location.strip()
    errors: list[DomainError] = []
    if phone and not PHONE.match(phone):
        errors.append(
            DomainError("Write the phone number with digits, spaces and + ( ) - only.", "phone")
        )
    if len(location) > MAX_LOCATION:
        errors.append(
            DomainError(f"Keep the location under {MAX_LOCATION} characters.", "location")
        )
    clean_links, link_errors = _clean_links(links)
    clean_tags, tag_errors = _clean_tags(tags)
    errors += link_errors + tag_errors
    if errors:
        raise errors[0] if len(errors) == 1 else DomainErrors(errors)
    candidate.phone, candidate.location = phone, location
    candidate.links, candidate.tags = clean_links, clean_tags
    search_index.refresh(candidate)
    audit.record("candidate.profile_updated", candidate_id=candidate.id)
    return candidate


def upload_resume(candidate: Candidate, filename: str, data: bytes, max_bytes: int) -> Resume:
    """Store a PDF résumé (replacing any earlier one) and its text for search.

    The PDF is never rendered by HireLab: staff download it; pages show the extracted text.
    """
    filename = (filename or "resume.pdf").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if not filename.lower().endswith(RESUME_SUFFIX):
        raise DomainError("Upload the résumé as a PDF file (.pdf).", field="resume")
    if len(data) > max_bytes:
        raise DomainError(
            f"The résumé is larger than {max_bytes // (1024 * 1024)} MB; upload a smaller PDF.",
            field="resume",
        )
    text = resume_text.extract(data)
    if candidate.resume is None:
        candidate.resume = Resume(filename=filename, content=data, sha256="", text="")
    resume = candidate.resume
    resume.filename, resume.content = filename, data
    resume.sha256 = hashlib.sha256(data).hexdigest()
    resume.text, resume.uploaded_at = text, now_utc()
    search_index.refresh(candidate)
    audit.record("candidate.resume_uploaded", candidate_id=candidate.id)
    return resume
