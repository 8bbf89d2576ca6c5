#!/bin/sh
# flowsmith STAND-IN for ptychocam_reconstruction.sh: writes <cxi>.recon.txt beside the scan.
cxi="$1"
[ -f "$cxi" ] || { echo "stand-in ptychocam: no such file $cxi" >&2; exit 2; }
echo "[stand-in ptychocam] reconstructed $(basename "$cxi") ($(wc -c < "$cxi") bytes)" > "${cxi%.cxi}.recon.txt"
echo "reconstruction written to ${cxi%.cxi}.recon.txt"
