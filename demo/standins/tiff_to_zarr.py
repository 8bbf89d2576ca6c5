#!/usr/bin/env python3
"""flowsmith STAND-IN for /eagle/IRIBeta/als/example/tiff_to_zarr.py.

Called as `python tiff_to_zarr.py <scratch>/<folder>/rec<dataset>/`; writes a small
multiresolution zarr v2 tree (levels 0 and 1) to <scratch>/<folder>/rec<dataset>.zarr/.
"""
import json
import os
import sys

tiff_dir = sys.argv[1].rstrip("/")
tiffs = sorted(f for f in os.listdir(tiff_dir) if f.endswith((".tif", ".tiff")))
if not tiffs:
    sys.exit(f"stand-in tiff_to_zarr: no tiffs in {tiff_dir}")
zarr = tiff_dir + ".zarr"
os.makedirs(zarr, exist_ok=True)
with open(os.path.join(zarr, ".zgroup"), "w") as f:
    json.dump({"zarr_format": 2}, f)
levels = [{"path": str(level)} for level in range(2)]
with open(os.path.join(zarr, ".zattrs"), "w") as f:
    json.dump({"multiscales": [{"version": "0.4", "datasets": levels, "name": os.path.basename(tiff_dir)}]}, f)
for level in range(2):
    size = 16 >> level
    d = os.path.join(zarr, str(level))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".zarray"), "w") as f:
        json.dump({"zarr_format": 2, "shape": [len(tiffs), size, size], "chunks": [1, size, size], "dtype": "|u1", "compressor": None, "fill_value": 0, "order": "C", "filters": None}, f)
    for z in range(len(tiffs)):
        with open(os.path.join(d, f"{z}.0.0"), "wb") as f:
            f.write(bytes(size * size))
print(f"[stand-in tiff_to_zarr] {len(tiffs)} slices -> {zarr} (2 levels)")
