"""backend/migrate.py calls aerich's `Command` (aerich 0.10.1) and Tortoise's private
`_reset_apps` (tortoise-orm 1.1.9). The migrations themselves are tested in tests/test_migrations.py."""

from __future__ import annotations

import inspect

from aerich import Command
from tortoise import Tortoise


def test_the_calls_of_backend_migrate_are_as_verified() -> None:
    assert inspect.iscoroutinefunction(Tortoise._reset_apps)
    parameters = list(inspect.signature(Command.__init__).parameters)
    assert parameters[:4] == ["self", "tortoise_config", "app", "location"]
    assert "offline" in inspect.signature(Command.init).parameters
    assert {"run_in_transaction"} <= inspect.signature(Command.upgrade).parameters.keys()
    assert {"name", "no_input", "offline"} <= inspect.signature(Command.migrate).parameters.keys()
