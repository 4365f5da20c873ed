#!/usr/bin/env python3
"""Fails when a file of the library includes one of a higher layer (src/CMakeLists.txt lists
the layers, lowest first). The emulator and didit::redis sit above them all."""
import pathlib
import re
import sys

LAYERS = ["crypto", "wire", "api", "resilience", "transport", "credentials", "operations",
          "webhooks", "observability"]
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "src"
include = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
problems = []
for path in sorted(root.rglob("*.[ch]pp")):
    room = path.relative_to(root).parts[0]
    if room not in LAYERS:
        continue
    for used in include.findall(path.read_text()):
        if used in LAYERS and LAYERS.index(used) > LAYERS.index(room):
            problems.append(f"{path.relative_to(root)} ({room}) includes {used}/")
if problems:
    print("lower layers include higher ones:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"layers: every include of src/{{{','.join(LAYERS)}}} points down or sideways")
