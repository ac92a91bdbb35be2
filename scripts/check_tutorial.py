"""Follow the README's "Add your own resource" in a fresh clone, literally.

Blocks are taken in order: a ```python block whose first line is `# file: PATH` is written to
PATH; a ```sh block is run with bash. Other blocks (```console) are for reading only. Exits
non-zero at the first step that fails.

    .venv/bin/python scripts/check_tutorial.py            # clones HEAD into a temporary folder
    .venv/bin/python scripts/check_tutorial.py --keep     # ... and leaves it there
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Add your own resource"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def tutorial_blocks(readme: str) -> list[tuple[str, str]]:
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start : end if end != -1 else None]
    return [(language, code) for language, code in BLOCK.findall(section) if language in {"python", "sh"}]


def follow(blocks: list[tuple[str, str]], clone: Path) -> None:
    for number, (language, code) in enumerate(blocks, 1):
        if language == "python":
            first, _, rest = code.partition("\n")
            if not first.startswith("# file: "):
                continue
            path = clone / first.removeprefix("# file: ").strip()
            print(f"[{number}] write {path.relative_to(clone)}", flush=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rest)
        else:
            print(f"[{number}] $ {code.strip()}", flush=True)
            subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=clone, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the clone in place")
    args = parser.parse_args()
    blocks = tutorial_blocks((ROOT / "README.md").read_text())
    workdir = Path(tempfile.mkdtemp(prefix="tutorial-"))
    clone = workdir / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The clone uses this checkout's virtualenv (`python -m` and pytest import the clone's code
    # first) and its console dependencies, as a reader's checkout would have them after `make test`.
    os.symlink(ROOT / ".venv", clone / ".venv")
    os.symlink(ROOT / "frontend" / "node_modules", clone / "frontend" / "node_modules")
    try:
        follow(blocks, clone)
    except subprocess.CalledProcessError as error:
        print(f"tutorial step failed ({error.returncode}); the clone is at {clone}", file=sys.stderr)
        return 1
    print(f"tutorial: {len(blocks)} steps followed in {clone}")
    if not args.keep:
        subprocess.run(["rm", "-rf", str(workdir)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
