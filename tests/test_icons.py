"""The skill's icon: drawn by skill/publishing/icons.py, committed as the two PNGs Amazon asks for."""
from __future__ import annotations

import json

import pytest
from PIL import Image, ImageChops, ImageStat

from skill.publishing.icons import IMAGES_DIR, SIZES, draw_icon, icon_path
from skill.publishing.package import MODEL_DIR


@pytest.mark.parametrize("kind", SIZES)
def test_the_committed_icon_is_a_png_of_the_size_amazon_asks_for(kind: str) -> None:
    with Image.open(icon_path(kind)) as image:
        assert image.format == "PNG"
        assert image.size == (SIZES[kind], SIZES[kind])
        assert image.mode == "RGB"


@pytest.mark.parametrize("kind", SIZES)
def test_the_committed_icon_is_what_the_drawing_code_draws(kind: str) -> None:
    """Re-render and compare pixels (not bytes: zlib may pack the same picture differently)."""
    with Image.open(icon_path(kind)) as committed:
        difference = ImageChops.difference(committed.convert("RGB"), draw_icon(SIZES[kind]))

    worst_channel_mean = max(ImageStat.Stat(difference).mean)
    assert worst_channel_mean < 1.0, f"{icon_path(kind)} is stale: run `python -m skill.publishing.icons`"


def test_every_locale_names_both_icons_and_they_exist() -> None:
    locales = json.loads((MODEL_DIR / "skill.json").read_text(encoding="utf-8"))["manifest"]["publishingInformation"]["locales"]
    expected = {"smallIconUri": "file://assets/images/icon-108.png", "largeIconUri": "file://assets/images/icon-512.png"}

    for locale, info in locales.items():
        assert {field: info.get(field) for field in expected} == expected, locale
    for uri in expected.values():
        assert (MODEL_DIR / uri.removeprefix("file://")).is_file()
    assert IMAGES_DIR == MODEL_DIR / "assets" / "images"


def test_the_icon_is_calm_a_soft_disc_with_a_drop_on_a_pale_ground() -> None:
    icon = draw_icon(SIZES["large"])

    corner, disc, drop = icon.getpixel((4, 4)), icon.getpixel((256, 60)), icon.getpixel((256, 300))
    assert corner != disc != drop
    assert min(corner) > 220 and min(drop) > 230, "pale ground and a light drop, no harsh colours"
