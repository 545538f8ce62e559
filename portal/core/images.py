"""Photos from the public, re-encoded before anyone sees them.

A photo from a phone carries more than its pixels: EXIF with the GPS position of whoever took
it (often their home), the camera's serial number and the time, XMP and IPTC blocks, an ICC
profile, thumbnails that may show what was cropped away, and anything else a file format lets a
writer append. A reporter of harm to the public interest may be anonymous, and a photo must not
undo that. So a photo is never stored as sent: `reencode_photo` decodes it and writes a new file
from its pixels alone. What it does, and the error contract (`PhotoRejected`, its message for
the person who sent the file):

- the content decides the format (Pillow's detection, not the name): JPEG, PNG and WebP are
  accepted, and HEIC when a HEIF plugin (pillow-heif) is installed; anything else is refused;
- decompression bombs are refused before their pixels are decoded: the size is read from the
  header, and an image of more than `MAX_PIXELS` pixels is refused (below Pillow's own
  `Image.MAX_IMAGE_PIXELS`, whose DecompressionBombError is caught too; the global is left
  alone, as other threads may be decoding);
- truncated or malformed images are refused: the whole image is decoded here
  (`ImageFile.LOAD_TRUNCATED_IMAGES` stays off), so a file that only looks like a photo fails;
- the EXIF orientation is applied to the pixels (the new file has no EXIF to say it), and the
  image is scaled down so that its longest side is at most `MAX_SIDE` pixels;
- the new file is a JPEG (or a PNG when the photo has transparency), written with no EXIF, XMP,
  ICC profile, comment or other metadata: a JPEG's only segments are those the encoder needs.

The result is a `core.uploads.CheckedUpload` of an allowed type, stored like any upload. The
bytes sent are not kept anywhere; being only pixels, the new file cannot carry the active
content the upload checks look for, so it is not scanned again.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import (
    CheckedUpload,
    UploadRejected,
    read_upload,
    safe_display_name,
    safe_filename,
)
from portal.core.uploads import split_name as _split_name

try:  # HEIC, the iPhone's format, only where the plugin is installed (not a dependency)
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - depends on the machine
    HEIC_SUPPORTED = False
else:  # pragma: no cover - depends on the machine
    register_heif_opener()
    HEIC_SUPPORTED = True

# The formats accepted, as Pillow names them after reading the content.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIC_SUPPORTED else set()))
ACCEPTED_LABEL = "JPEG, PNG, WebP" + (", HEIC" if HEIC_SUPPORTED else "")
# Longest side of a stored photo: enough to read a licence plate or a sign in a 12-megapixel
# photo, a few MB at most as a JPEG.
MAX_SIDE = 4096
# 50 megapixels: more than any phone camera's default, far less than a bomb. Pillow's own
# limit (89 million pixels, an error at twice that) lets a 700 MB decode through.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85


class PhotoRejected(UploadRejected):
    """The photo cannot be accepted; the message (for the person) says what to do."""


def reencode_photo(filename: str | None, data: bytes) -> CheckedUpload:
    """The photo `data` as a new file of its pixels only (see the module docstring); raises
    PhotoRejected with a message for the user when it is not an accepted, intact image or is
    too large to decode safely."""
    name = safe_display_name(filename)
    image = _open(name, data)
    try:
        image = ImageOps.exif_transpose(image)  # before the EXIF that says how is dropped
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        content_type, encoded = _encode(image)
    finally:
        image.close()
    stem, _extension = _split_name(name)
    return CheckedUpload(
        filename=safe_filename(stem, content_type), content_type=content_type, data=encoded
    )


def _open(name: str, data: bytes) -> Image.Image:
    """The decoded image, refused when it is no accepted format, a bomb, or damaged."""
    too_large = PhotoRejected(
        _l(
            "The photo %(name)s has too many pixels to be opened safely (at most %(mp)s "
            "megapixels). Send a smaller copy of it.",
            name=name,
            mp=MAX_PIXELS // 1_000_000,
        )
    )
    try:
        # Reads the header only. Pillow itself refuses (DecompressionBombError) an image of more
        # than twice Image.MAX_IMAGE_PIXELS; our own, lower limit is checked before decoding.
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            image.close()
            raise PhotoRejected(_not_a_photo(name))
        if image.width * image.height > MAX_PIXELS:
            image.close()
            raise too_large
        image.load()  # the whole image: a truncated or corrupt file fails here
        return image
    except PhotoRejected:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except UnidentifiedImageError:
        raise PhotoRejected(_not_a_photo(name)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow's errors for truncated data, broken chunks and impossible headers.
        raise PhotoRejected(
            _l(
                "The photo %(name)s is damaged or incomplete and could not be opened. Send the "
                "photo again, or a copy saved from your phone's gallery.",
                name=name,
            )
        ) from None


def _not_a_photo(name: str):
    return _l(
        "The file %(name)s is not a photo in %(types)s format. Its content decides, not its name.",
        name=name,
        types=ACCEPTED_LABEL,
    )


def _encode(image: Image.Image) -> tuple[str, bytes]:
    """A new file from the pixels alone. Only the pixels are handed to the encoder (a new image,
    so no `info` dict with EXIF, XMP, ICC or comments comes along)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    pixels = image.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return "image/png", out.getvalue()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return "image/jpeg", out.getvalue()


def reencode_upload(file_storage) -> CheckedUpload:
    """One uploaded photo, read as any upload is (core/uploads.read_upload: a file, not empty,
    within MAX_ATTACHMENT_BYTES) and re-encoded; raises UploadRejected (PhotoRejected for the
    image itself) with a message for the user."""
    return reencode_photo(*read_upload(file_storage))
