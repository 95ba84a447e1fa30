"""Message templates: ``string.Template`` files under ``templates/``.

Each message has ``<name>.txt`` (first line ``Subject: …``, a blank line, then the plain-text
body) and ``<name>.html`` (the HTML body). Values are substituted with ``$name``; in the
HTML every value is escaped, except ``*_html`` values, which the code builds from escaped
parts. A missing value is an error (``KeyError``), never a silent blank.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _load(name: str, suffix: str) -> Template:
    return Template((TEMPLATE_DIR / f"{name}.{suffix}").read_text(encoding="utf-8"))


def render(name: str, values: dict[str, str]) -> Rendered:
    text_values = {k: v for k, v in values.items() if not k.endswith("_html")}
    head, _, body = _load(name, "txt").substitute(text_values).partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"template {name}.txt must start with a 'Subject: ' line")
    escaped = {k: v if k.endswith("_html") else html.escape(v) for k, v in values.items()}
    return Rendered(
        subject=" ".join(head.removeprefix("Subject: ").split()),
        text=body.strip() + "\n",
        html=_load(name, "html").substitute(escaped),
    )


def render_sms(name: str, values: dict[str, str]) -> str:
    """``<name>.sms.txt``: one short plain-text line."""
    return " ".join(_load(f"{name}.sms", "txt").substitute(values).split())
