"""Photos are re-encoded from their pixels alone: no metadata survives, the orientation is kept,
the size is capped, and files that are not intact photos of an accepted format, or too large to
decode safely, are refused with a message (core/images.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.core import images
from portal.core.images import PhotoRejected, reencode_photo
from tests.factories import PDF
from tests.images import (
    CAMERA,
    gif,
    metadata_of,
    phone_jpeg,
    phone_png,
    png_claiming,
    truncated_jpeg,
    webp_with_exif,
)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("original", "name", "stored_type"),
    [
        (phone_jpeg(), "IMG_0001.JPG", "image/jpeg"),
        (phone_png(), "截图.png", "image/jpeg"),
        (phone_png(alpha=True), "sign.png", "image/png"),
        (webp_with_exif(), "river.webp", "image/jpeg"),
    ],
)
def test_no_metadata_survives_the_re_encoding(app, original, name, stored_type):
    assert "gps" in metadata_of(original)  # what the phone wrote
    photo = reencode_photo(name, original)
    assert photo.content_type == stored_type
    assert metadata_of(photo.data) == {}
    assert CAMERA.encode() not in photo.data and b"adobe" not in photo.data
    assert b"Exif" not in photo.data and b"taken at home" not in photo.data
    assert (
        photo.filename.rsplit(".", 1)[1] == {"image/jpeg": "jpg", "image/png": "png"}[stored_type]
    )


def test_the_orientation_is_applied_to_the_pixels(app):
    # EXIF orientation 6: the camera was turned; viewers rotate 90° clockwise to show it.
    photo = reencode_photo("turned.jpg", phone_jpeg((64, 48), orientation=6))
    assert opened(photo.data).size == (48, 64)


def test_the_longest_side_is_capped(app):
    photo = reencode_photo("panorama.jpg", phone_jpeg((images.MAX_SIDE + 904, 60)))
    width, height = opened(photo.data).size
    assert width == images.MAX_SIDE and height < 60


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_claiming(100_000, 100_000), "too many pixels"),  # beyond Pillow's own limit
        (png_claiming(8_000, 8_000), "too many pixels"),  # beyond ours (64 > 50 megapixels)
        (truncated_jpeg(), "damaged or incomplete"),
        (PDF, "is not a photo"),
        (gif(), "is not a photo"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "damaged or incomplete"),
        (b"", "is not a photo"),
    ],
)
def test_what_is_not_an_intact_accepted_photo_is_refused_with_a_message(app, data, message):
    with app.test_request_context(headers={"Cookie": "portal_locale=en"}):
        with pytest.raises(PhotoRejected) as refused:
            reencode_photo("photo.jpg", data)
        assert message in str(refused.value)
        assert "photo.jpg" in str(refused.value)
