"""Convert the 256 px PNG icon to build/ventrack.ico for Inno Setup (needs Pillow)."""

from pathlib import Path

from PIL import Image

root = Path(__file__).resolve().parents[2]
(root / "build").mkdir(exist_ok=True)
Image.open(root / "resources" / "icons" / "ventrack-256.png").save(
    root / "build" / "ventrack.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
)
