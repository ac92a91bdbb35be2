"""Schemathesis hooks for test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """A run never targets its own account: renaming it, resetting its password or deleting it would
    end the run's logins for good (self-deletion and the last admin are refused anyway, and tested)."""
    return str((case.path_parameters or {}).get("user_id")) != os.environ["FUZZ_USER_ID"]
