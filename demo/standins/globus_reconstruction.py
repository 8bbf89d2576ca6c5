#!/usr/bin/env python3
"""flowsmith STAND-IN for /eagle/IRIBeta/als/example/globus_reconstruction.py (tomopy).

tomopy cannot be installed here, so the local demo endpoint runs this instead. Called as
`python globus_reconstruction.py <h5_file_name> <folder_path>` from the raw root, like the
real script; writes a few real TIFF slices to <raw root>/../scratch/<folder>/rec<dataset>/.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _tiff import write_tiff  # noqa: E402

h5, folder = sys.argv[1], sys.argv[2]
src = os.path.join(os.getcwd(), folder, h5)
if not os.path.isfile(src):
    sys.exit(f"stand-in tomopy: raw file not found: {src}")
dataset = h5[:-3] if h5.endswith(".h5") else h5
out = os.path.join(os.path.dirname(os.getcwd()), "scratch", folder, f"rec{dataset}")
os.makedirs(out, exist_ok=True)
for i in range(4):
    write_tiff(os.path.join(out, f"rec{dataset}_{i:05d}.tiff"), value=i * 7)
print(f"[stand-in tomopy] reconstructed {src} -> {out} (4 slices)")
