"""`make fuzz`: Schemathesis with a fresh random seed, more examples, both roles, on SQLite and then on
PostgreSQL. It prints the seed first and last; `make fuzz FUZZ_SEED=N` runs that seed again.

Environment: FUZZ_SEED (default: random), FUZZ_MAX_EXAMPLES (default 50), FUZZ_DATABASE_URL (the
PostgreSQL server to make a throwaway database on; default the local one, "" for SQLite only).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
TEST = "tests/security/test_schemathesis.py"


def main() -> int:
    seed = os.environ.get("FUZZ_SEED") or str(secrets.randbelow(2**31))
    examples = os.environ.get("FUZZ_MAX_EXAMPLES", "50")
    databases = {"SQLite": ""}
    if postgres := os.environ.get("FUZZ_DATABASE_URL", DEFAULT_POSTGRES):
        databases["PostgreSQL"] = postgres
    print(f"== make fuzz: FUZZ_SEED={seed} FUZZ_MAX_EXAMPLES={examples}", flush=True)
    failed = []
    for name, url in databases.items():
        print(f"== {name}", flush=True)
        env = os.environ | {"FUZZ_SEED": seed, "FUZZ_MAX_EXAMPLES": examples, "TEST_DATABASE_URL": url}
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-s", "-q", TEST]
        run = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if run.returncode != 0:
            failed.append(name)
    verdict = f"failed on {', '.join(failed)}" if failed else "found nothing"
    print(f"== make fuzz {verdict}: FUZZ_SEED={seed} (again: make fuzz FUZZ_SEED={seed})", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
