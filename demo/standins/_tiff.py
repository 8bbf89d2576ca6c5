"""Tiny, real image files for the stand-ins: an uncompressed 8-bit grayscale TIFF."""
import struct


def write_tiff(path, width=16, height=16, value=0):
    pixels = bytes(((x + y + value) % 256) for y in range(height) for x in range(width))
    entries = [
        (256, 3, 1, width), (257, 3, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
        (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 3, 1, height), (279, 4, 1, len(pixels)),
    ]
    ifd_offset = 8 + len(pixels)
    with open(path, "wb") as f:
        f.write(b"II*\x00" + struct.pack("<I", ifd_offset))
        f.write(pixels)
        f.write(struct.pack("<H", len(entries)))
        for tag, typ, count, val in entries:
            f.write(struct.pack("<HHI", tag, typ, count) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val)))
        f.write(struct.pack("<I", 0))
