"""Photo attachments: checked by content and size, saved under the store's folder with generated names."""
from __future__ import annotations

import hashlib
import io
import os
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.errors import BadInputError, StoreFileError


@dataclass(frozen=True)
class Upload:
    """A file as a person sent it: the name they gave (display only) and its bytes."""

    original_name: str
    content: bytes


@dataclass(frozen=True)
class SavedAttachment:
    """An accepted file: its generated name, where it is, its media type, size (bytes) and SHA-256."""

    name: str
    path: Path
    original_name: str
    media_type: str
    size_bytes: int
    sha256: str


def detect_image_format(upload: Upload, allowed_formats: Iterable[str], max_bytes: int) -> str:
    """The Pillow format name of ``upload`` after checking its size and that its content is a whole
    image of an allowed format; BadInputError otherwise. The file name's extension is ignored."""
    allowed = tuple(allowed_formats)
    size = len(upload.content)
    if size == 0:
        raise BadInputError("error.photo_empty", file=upload.original_name)
    if size > max_bytes:
        raise BadInputError("error.photo_too_large", file=upload.original_name, size=size, max_bytes=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.content)) as image:
                image_format = image.format
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError,
            OSError, SyntaxError, ValueError) as error:
        raise BadInputError("error.photo_unreadable", file=upload.original_name, detail=str(error)) from error
    if image_format not in allowed:
        raise BadInputError("error.photo_format_not_allowed", file=upload.original_name, format=image_format,
                            allowed=list(allowed))
    return image_format


def save_attachments(folder: Path, uploads: Iterable[Upload], allowed_formats: Iterable[str],
                     max_bytes: int) -> list[SavedAttachment]:
    """Check every upload first, then write each into ``folder`` (Store.attachments_dir) with a generated
    name. Nothing is written if any upload is refused."""
    uploads = list(uploads)
    allowed = tuple(allowed_formats)
    formats = [detect_image_format(upload, allowed, max_bytes) for upload in uploads]
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[SavedAttachment] = []
    try:
        for upload, image_format in zip(uploads, formats):
            name = f"{uuid.uuid4().hex}{_extension(image_format)}"
            path = folder / name
            # A temporary name first: a write cut short (full disk, kill) never leaves a file under a real name.
            temporary = folder / f".{name}.writing"
            try:
                temporary.write_bytes(upload.content)
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
            saved.append(SavedAttachment(name=name, path=path, original_name=upload.original_name,
                                         media_type=Image.MIME[image_format], size_bytes=len(upload.content),
                                         sha256=hashlib.sha256(upload.content).hexdigest()))
    except OSError as error:
        discard(saved)
        raise StoreFileError("error.files_not_written", folder=str(folder), detail=error.strerror) from error
    return saved


def _extension(image_format: str) -> str:
    # Pillow maps several extensions to one format (.jfif, .jpg, .jpeg ...); prefer the familiar one.
    candidates = [ext for ext, fmt in Image.registered_extensions().items() if fmt == image_format]
    preferred = f".{image_format.lower()}"
    return preferred if preferred in candidates else candidates[0]


def discard(saved: Iterable[SavedAttachment]) -> None:
    """Remove files written for a change that was then refused or rolled back."""
    for attachment in saved:
        attachment.path.unlink(missing_ok=True)
