"""Attachments to contributions: PDF, DOCX and ODT only, recognised by their content
(never by the name or the type the browser claims), within a size limit, scanned by
the operator's virus scanner when one is configured, and stored outside the web root
under a random name. They are only ever served as downloads.

Storage: CONSULT_CONTRIBUTION_FILES_DIR (default <instance>/contribution-files), a
directory nginx does not serve. The scan hook: CONSULT_SCAN_COMMAND, e.g.
"clamdscan --no-summary --fdpass -" -- the file is given on standard input; exit 0
means clean, 1 infected (refused), anything else the scanner failed (refused too: a
file that could not be checked is not taken). See docs/operations.md.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shlex
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
SCAN_TIMEOUT_SECONDS = 60


class FileRefused(ValueError):
    """An upload that is not taken, with the reason the contributor reads."""


@dataclass(frozen=True)
class Upload:
    name: str  # cleaned, with the extension of its real type
    kind: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def storage_dir() -> Path:
    configured = current_app.config.get("CONTRIBUTION_FILES_DIR")
    path = (
        Path(configured) if configured else Path(current_app.instance_path) / "contribution-files"
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def kind_of(data: bytes) -> str | None:
    """ "pdf", "docx" or "odt" by what the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt" if "content.xml" in names else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def clean_name(name: str, kind: str) -> str:
    """A name safe to show and to offer as a download: no folders, no control or
    formatting characters (no right-to-left override), no markup meaning, at most 120
    characters, and the extension of the file's real type."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = "".join(c for c in name if c not in '<>:"|?*&;`$')
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = " ".join(stem.split()).strip(" .")[:120] or _("attachment")
    return f"{stem}.{kind}"


def check(filename: str, data: bytes) -> Upload:
    """The upload as taken, or FileRefused with the reason."""
    limit = current_app.config["CONTRIBUTION_FILE_MAX_BYTES"]
    if not data:
        raise FileRefused(_("The file %(name)s is empty.", name=filename))
    if len(data) > limit:
        raise FileRefused(
            _(
                "The file %(name)s is larger than %(size)s MB.",
                name=filename,
                size=limit // (1024 * 1024),
            )
        )
    kind = kind_of(data)
    if kind is None:
        raise FileRefused(_("The file %(name)s is not a PDF, DOCX or ODT document.", name=filename))
    scan(filename, data)
    return Upload(clean_name(filename, kind), kind, data)


def scan(filename: str, data: bytes) -> None:
    """The operator's scanner (CONSULT_SCAN_COMMAND), if there is one."""
    command = current_app.config.get("SCAN_COMMAND")
    if not command:
        return
    try:
        result = subprocess.run(
            shlex.split(command),
            input=data,
            capture_output=True,
            timeout=SCAN_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        current_app.logger.error("The virus scanner could not run: %s", error)
        raise FileRefused(
            _("The file %(name)s could not be checked for viruses just now.", name=filename)
        ) from error
    if result.returncode == 0:
        return
    if result.returncode == 1:
        current_app.logger.warning("The virus scanner refused an upload.")
        raise FileRefused(_("The file %(name)s was refused by the virus scanner.", name=filename))
    current_app.logger.error("The virus scanner failed (exit %s).", result.returncode)
    raise FileRefused(
        _("The file %(name)s could not be checked for viruses just now.", name=filename)
    )


def store(data: bytes) -> str:
    """Write the bytes under a new random name; returns the name."""
    stored_as = secrets.token_hex(16)
    path = storage_dir() / stored_as
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    return stored_as


def path_of(stored_as: str) -> Path:
    return storage_dir() / stored_as


def read(stored_as: str) -> bytes:
    return path_of(stored_as).read_bytes()


def delete(stored_as: str) -> None:
    """Remove a stored file (gone already is fine)."""
    path_of(stored_as).unlink(missing_ok=True)


# -- a published contribution's own PDF, made once per version and kept ---------------


def kept_pdf(contribution_id: int, version: int, make) -> bytes:
    """The contribution's PDF for this version: read if it was made before, else made
    (`make()`), written, and the earlier versions' files removed. Making one takes a
    good fraction of a second; the rapporteur's ZIP only reads them."""
    path = storage_dir() / f"pdf-{contribution_id}-{version}.pdf"
    if path.is_file():
        return path.read_bytes()
    data = make()
    partial = path.with_suffix(f".{secrets.token_hex(4)}.partial")
    partial.write_bytes(data)
    partial.replace(path)
    for older in storage_dir().glob(f"pdf-{contribution_id}-*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)
    return data


def forget_pdfs(contribution_id: int) -> None:
    """Remove every kept PDF of the contribution (its erasure)."""
    for path in storage_dir().glob(f"pdf-{contribution_id}-*.pdf"):
        path.unlink(missing_ok=True)
