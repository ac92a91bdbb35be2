"""Schemathesis hooks for test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """No run targets the fuzzed accounts (the two run at once): renaming one, resetting its password
    or deleting it would end a run's logins for good. Self-deletion and the last admin are refused
    anyway, and tested in test_v8_authorization and tests/users."""
    return str((case.path_parameters or {}).get("user_id")) not in os.environ["FUZZ_ACCOUNT_IDS"].split(",")
