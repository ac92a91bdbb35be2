"""The command line: `python -m backend COMMAND`.

serve | migrate | makemigrations | openapi | create-admin | reset-password | reset-mfa | purge | seed-demo
| import-flask-template
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from sanic import Sanic
from sanic.worker.loader import AppLoader
from tortoise import Tortoise

from backend import clock, compat
from backend.app import create_app
from backend.auth import mfa
from backend.auth.passwords import PasswordHasher
from backend.compat.sanic_watchdog import gave_up
from backend.config import Settings, load_settings
from backend.db import tortoise_config
from backend.docs import build_document
from backend.errors import AppError
from backend.flask_import.command import import_flask_template, time_zone
from backend.flask_import.importer import Options
from backend.jobs.purge import purge_all
from backend.migrate import apply_migrations, make_migrations
from backend.patients.demo import seed_demo
from backend.users import service as users
from backend.users.models import User

T = TypeVar("T")


def generate_password() -> str:
    return secrets.token_urlsafe(15)


async def with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host, port, workers = (
        args.host or settings.host,
        args.port or settings.port,
        args.workers or settings.workers,
    )
    loader = AppLoader(factory=partial(create_app, settings))
    app = loader.load()
    app.prepare(host=host, port=port, workers=workers, access_log=False, motd=False)
    shown = "localhost" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    serving = f"Serving http://{shown}:{port}/  (API /api/v1, docs /api/v1/docs), {workers} worker(s)"
    if settings.log_format == "json":  # every line a JSON object
        logging.getLogger("backend.cli").info(serving)
    else:
        print(serving, flush=True)
    Sanic.serve(primary=app, app_loader=loader)
    return 3 if gave_up(app) else 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = asyncio.run(apply_migrations(settings))
    print(f"Applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    return 0


def cmd_openapi(settings: Settings, args: argparse.Namespace) -> int:
    quiet = settings.model_copy(update={"purge_schedule": "", "log_level": "WARNING"})
    app = create_app(quiet)
    # Sanic's INFO lines ("Sanic Extensions: ...") go to standard output, into the document.
    logging.getLogger("sanic.root").setLevel(logging.WARNING)
    text = json.dumps(asyncio.run(build_document(app)), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


def cmd_makemigrations(settings: Settings, args: argparse.Namespace) -> int:
    written = asyncio.run(make_migrations(args.name, args.dialect))
    print(f"{args.dialect}: " + (f"wrote {written}" if written else "no changes"))
    return 0


async def _create_admin(settings: Settings, args: argparse.Namespace) -> int:
    if args.initial and await users.active_admin_exists():
        hint = f"python -m backend reset-password --username {settings.initial_admin_username}"
        print(f"An active admin exists already; if its password is lost: {hint}", flush=True)
        return 0
    username = args.username or settings.initial_admin_username
    chosen = args.password or (settings.initial_admin_password if args.initial else "")
    password = chosen or generate_password()
    await users.create_user(
        username=username,
        password=password,
        roles=["admin", "user"],
        hasher=PasswordHasher(settings.bcrypt_rounds),
    )
    print(f"Created admin {username!r}" + ("" if chosen else f" with password: {password}"), flush=True)
    return 0


async def _reset_password(settings: Settings, args: argparse.Namespace) -> int:
    user = await User.get_or_none(username_key=users.username_key(args.username))
    if user is None:
        print(f"No user named {args.username!r}", file=sys.stderr)
        return 1
    password = args.password or generate_password()
    ended = await users.set_password(
        user=user,
        password=password,
        hasher=PasswordHasher(settings.bcrypt_rounds),
        password_change_required=not args.password,
    )
    shown = "" if args.password else f": {password} (to be changed at the next login)"
    print(f"Reset the password of {user.username!r}{shown}; ended {ended} login(s)", flush=True)
    return 0


async def _reset_mfa(settings: Settings, args: argparse.Namespace) -> int:
    user = await User.get_or_none(username_key=users.username_key(args.username))
    if user is None:
        print(f"No user named {args.username!r}", file=sys.stderr)
        return 1
    was_on, ended = await mfa.reset(user_id=user.id, now=clock.utcnow())
    state = "Reset the two-factor login of" if was_on else "Two-factor login was not on for"
    print(f"{state} {user.username!r}; ended {ended} login(s)", flush=True)
    return 0


async def _purge(settings: Settings, args: argparse.Namespace) -> int:
    report = await purge_all(settings, now=clock.utcnow())
    print(f"Purged {report}")
    return 0


async def _seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    created = await seed_demo(only_if_empty=args.if_empty)
    if created or not args.if_empty:
        print(f"Created {created} demo patient(s)" if created else "The demo patients exist already")
    return 0


async def _import_flask_template(settings: Settings, args: argparse.Namespace) -> int:
    options = Options(
        time_zone=time_zone(args.time_zone),
        with_access_log=args.with_access_log,
        dry_run=args.dry_run,
        include_demo_users=args.include_demo_users,
        force_password_change=args.force_password_change,
    )
    await import_flask_template(args.source_url, options, say=partial(print, flush=True))
    return 0


def database_command(
    work: Callable[[Settings, argparse.Namespace], Awaitable[int]],
) -> Callable[[Settings, argparse.Namespace], int]:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        return asyncio.run(with_database(settings, lambda: work(settings, args)))

    return run


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m backend", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API and the admin console")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="apply the migrations for DATABASE_URL").set_defaults(run=cmd_migrate)

    document = commands.add_parser("openapi", help="write the OpenAPI document without serving")
    document.add_argument("--output", default="-", help="a file, or - for standard output")
    document.set_defaults(run=cmd_openapi)

    make = commands.add_parser(
        "makemigrations", help="write a migration from model changes (no database needed)"
    )
    make.add_argument("name")
    make.add_argument("--dialect", choices=["sqlite", "postgres"], required=True)
    make.set_defaults(run=cmd_makemigrations)

    admin = commands.add_parser("create-admin", help="create a user with the admin role")
    admin.add_argument("--username")
    admin.add_argument("--password", help="generated and printed when omitted")
    admin.add_argument(
        "--initial",
        action="store_true",
        help="only when no active admin exists, from INITIAL_ADMIN_USERNAME / INITIAL_ADMIN_PASSWORD",
    )
    admin.set_defaults(run=database_command(_create_admin))

    reset = commands.add_parser("reset-password", help="set a user's password and end their logins")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password", help="generated, printed and to be changed at next login when omitted")
    reset.set_defaults(run=database_command(_reset_password))

    mfa_reset = commands.add_parser(
        "reset-mfa", help="turn a user's two-factor login off (a lost phone) and end their logins"
    )
    mfa_reset.add_argument("--username", required=True)
    mfa_reset.set_defaults(run=database_command(_reset_mfa))

    commands.add_parser("purge", help="run the clean-up jobs once").set_defaults(run=database_command(_purge))
    demo = commands.add_parser("seed-demo", help="create a few demo patients with appointments and measures")
    demo.add_argument("--if-empty", action="store_true", help="only when there are no patients at all")
    demo.set_defaults(run=database_command(_seed_demo))

    flask = commands.add_parser(
        "import-flask-template", help="import a Flask template database (users keep their passwords)"
    )
    flask.add_argument("source_url", metavar="SOURCE_URL", help="a SQLite file or a postgres:// URL")
    flask.add_argument("--time-zone", default="UTC", help="the template server's zone (default UTC)")
    flask.add_argument("--with-access-log", action="store_true", help="import its access log too")
    flask.add_argument("--dry-run", action="store_true", help="report what would be imported; write nothing")
    flask.add_argument(
        "--include-demo-users",
        action="store_true",
        help="import the seeded users admin/client still on password 123456 (then forced to change it)",
    )
    flask.add_argument(
        "--force-password-change", action="store_true", help="imported users must change their password"
    )
    flask.set_defaults(run=database_command(_import_flask_template))
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        compat.install()  # every command, not only serve: migrations run through the workarounds too
        settings = load_settings()
        return int(args.run(settings, args))
    except compat.UnverifiedFrameworkVersion as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except AppError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
