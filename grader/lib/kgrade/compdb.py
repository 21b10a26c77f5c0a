"""build/compile_commands.json: the compile commands of every tree built
under build/, one entry per C file, for clangd.

Each stage build writes its tree's commands into its own folder
(mk/stage.mk); clangd looks for a database in each folder above a source
file and in a build/ folder beside it, so the merged file in the build/
folder of the repository root serves labs/, solutions/ and common/ alike.
"""

import fcntl
import glob
import json
import os

NAME = "compile_commands.json"


def _entries(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return []  # being rewritten, or a build that failed half-way: skip it
    return [e for e in data if isinstance(e, dict) and "file" in e]


def _mtime(path):
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0


def merge(build_dir):
    """Writes build_dir/compile_commands.json from build_dir/*/stage*/'s:
    for a file several trees compile (common/, the scenarios), the entry of
    labs/ (what a student edits), else of the newest database. Entries of
    files that no longer exist are dropped. Returns the number of entries."""
    target = os.path.join(build_dir, NAME)
    # Two builds at once: one merge at a time, so the last one sees both.
    with open(os.path.join(build_dir, ".compdb.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        dbs = glob.glob(os.path.join(build_dir, "*", "stage*", NAME))
        dbs.sort(key=lambda p: (os.path.basename(os.path.dirname(os.path.dirname(p))) != "labs",
                                -_mtime(p)))
        chosen = {}
        for db in dbs:
            for e in _entries(db):
                if e["file"] not in chosen and os.path.exists(e["file"]):
                    chosen[e["file"]] = e
        merged = [chosen[f] for f in sorted(chosen)]
        with open(target + ".tmp", "w", encoding="utf-8") as f:
            json.dump(merged, f, indent=1)
            f.write("\n")
        os.replace(target + ".tmp", target)
    return len(merged)
