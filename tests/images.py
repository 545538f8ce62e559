"""Test photos made with Pillow: with the metadata a phone writes (GPS, camera, XMP, ICC), and
the broken and hostile files a photo field must refuse."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

CAMERA = "SecretPhone X1"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="39,54.25N"/></rdf:RDF></x:xmpmeta>'
)


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.DateTime] = "2026:11:20 08:15:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 15.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 24.0, 27.0)
    return exif


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg(size=(64, 48), *, orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS and the camera, XMP, an ICC profile, a comment."""
    image = Image.new("RGB", size, (180, 40, 40))
    image.paste((20, 160, 20), (0, 0, size[0] // 2, size[1] // 2))  # a corner to see rotation
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=_exif(orientation),
        icc_profile=_srgb_profile(),
        comment=b"taken at home",
        xmp=XMP,
    )
    return out.getvalue()


def phone_png(size=(40, 30), *, alpha=False) -> bytes:
    image = Image.new(
        "RGBA" if alpha else "RGB", size, (10, 20, 200, 128) if alpha else (10, 20, 200)
    )
    info = PngInfo()
    info.add_text("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Author", CAMERA)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def webp_with_exif(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 90, 20)).save(out, "WEBP", exif=_exif(), xmp=XMP)
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's shape
    (its pixel data would inflate to gigabytes); the data here is a few bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(out, "JPEG", quality=95)
    data = out.getvalue()
    return data[: len(data) // 2]


def metadata_of(data: bytes) -> dict:
    """What a stored image still says beyond its pixels: EXIF tags (GPS included), and the
    info Pillow reads (ICC profile, XMP, comments, PNG text chunks)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        found = {f"exif:{tag}": value for tag, value in exif.items()}
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            found["gps"] = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
        for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp", "Author"):
            if image.info.get(key):
                found[key] = image.info[key]
        return found
