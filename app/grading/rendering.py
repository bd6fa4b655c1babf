"""Executed notebooks as sanitized HTML for review (hostile input 19: XSS in outputs).

nbconvert's `basic` template gives the cells without page chrome; nh3 (ammonia) then keeps only an
allowlist of tags and attributes. Scripts, event handlers, javascript: URLs, inline SVG, iframes and
forms are gone; images survive only as PNG/JPEG/GIF data URIs. The result is served with its own
CSP (no scripts at all, CSP `sandbox`) inside a sandboxed iframe, so even a sanitizer bug cannot run
code in HireLab's origin.
"""

from __future__ import annotations

import warnings

import nbformat
import nh3
from nbconvert import HTMLExporter

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Their content is dropped with the tag (by default nh3 keeps the text of removed tags).
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "svg",
    "math",
    "iframe",
    "object",
    "template",
    "noscript",
}
SAFE_IMAGE_PREFIXES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;")
CSP = "default-src 'none'; style-src 'self'; img-src data:; sandbox; frame-ancestors 'self'"


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(SAFE_IMAGE_PREFIXES) else None
    if attribute == "href":
        return value if value.startswith(("https://", "http://", "#")) else None
    return value


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted markup of `html`."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        url_schemes={"http", "https", "data"},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def notebook_html(notebook: bytes, strip_metadata: bool = False) -> str:
    """The cells of an executed notebook as sanitized HTML (a fragment, no page chrome).

    `strip_metadata` drops the notebook's and cells' metadata first (authors, titles, paths:
    blind review)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat/nbconvert warn about candidate metadata
        node = nbformat.reads(notebook.decode("utf-8", "replace"), as_version=4)
        if strip_metadata:
            node.metadata = nbformat.NotebookNode(
                {"kernelspec": node.metadata.get("kernelspec", {})}
            )
            for cell in node.cells:
                cell.metadata = nbformat.NotebookNode()
                cell.pop("attachments", None)
        body, _ = HTMLExporter(template_name="basic").from_notebook_node(node)
    return sanitize_html(body)
