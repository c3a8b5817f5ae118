"""The skill's icon as drawing code: a calm cream drop on a soft sage disc, rendered with Pillow.

Amazon asks for a 108x108 and a 512x512 PNG per locale. Kept as code so a change of colour is a
one-line edit; `python -m skill.publishing.icons` re-renders interaction_model/assets/images/.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

IMAGES_DIR = Path(__file__).resolve().parents[2] / "interaction_model" / "assets" / "images"
SIZES = {"small": 108, "large": 512}
SUPERSAMPLE = 4  # draw large, then shrink: smooth edges without an anti-aliasing library

BACKGROUND = (236, 243, 239)  # pale mint
DISC = (141, 191, 174)         # soft sage
DROP = (255, 250, 242)         # warm cream


def icon_path(kind: str, images_dir: Path = IMAGES_DIR) -> Path:
    return images_dir / f"icon-{SIZES[kind]}.png"


def draw_icon(size: int) -> Image.Image:
    """The icon at size x size pixels, the same picture at every size."""
    canvas = size * SUPERSAMPLE
    image = Image.new("RGB", (canvas, canvas), BACKGROUND)
    draw = ImageDraw.Draw(image)
    centre = canvas / 2
    disc = canvas * 0.40
    draw.ellipse((centre - disc, centre - disc, centre + disc, centre + disc), fill=DISC)

    # A drop: a round bottom and a point above it, joined along the circle's tangents.
    radius = canvas * 0.17
    bottom = (centre, centre + canvas * 0.07)
    tip = (centre, centre - canvas * 0.25)
    distance = bottom[1] - tip[1]
    spread = math.acos(radius / distance)
    tangents = [(bottom[0] + radius * math.sin(side * spread), bottom[1] - radius * math.cos(spread))
                for side in (-1, 1)]
    draw.polygon([tip, tangents[0], tangents[1]], fill=DROP)
    draw.ellipse((bottom[0] - radius, bottom[1] - radius, bottom[0] + radius, bottom[1] + radius), fill=DROP)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def render_icons(images_dir: Path = IMAGES_DIR) -> list[Path]:
    """Write both PNGs; safe to rerun."""
    images_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, size in SIZES.items():
        path = icon_path(kind, images_dir)
        draw_icon(size).save(path, format="PNG", optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in render_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else IMAGES_DIR):
        print(f"wrote {path}")
