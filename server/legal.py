"""The legal texts customers accept (privacy, terms, security notes).

Operators edit them as files: ``{VB_DATA_DIR}/legal/{lang}/{document}.md`` overrides the
shipped default in ``resources/legal/``. The SHA-256 of the exact text a customer saw is
stored with their consent, so a later edit never changes what they agreed to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from server.core.errors import NotFound
from server.core.paths import RESOURCES_DIR

DOCUMENTS = ("privacy", "terms", "security")
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class LegalText:
    document: str
    language: str
    title: str
    text: str
    sha256: str


def load_legal_text(document: str, language: str, data_dir: Path) -> LegalText:
    if document not in DOCUMENTS or language not in LANGUAGES:
        raise NotFound(f"no legal document {document!r} in {language!r}")
    for folder in (data_dir / "legal", RESOURCES_DIR / "legal"):
        path = folder / language / f"{document}.md"
        if path.is_file():
            raw = path.read_text(encoding="utf-8")
            break
    else:
        raise NotFound(f"the legal document {document!r} is missing")
    first, _, rest = raw.partition("\n")
    title = first.removeprefix("#").strip()
    return LegalText(
        document=document,
        language=language,
        title=title,
        text=rest.strip(),
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
