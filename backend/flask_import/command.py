"""`python -m backend import-flask-template SOURCE_URL`: the run, and what it says at the end."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import DBConnectionError, OperationalError

from backend.flask_import.importer import Importer, Options, Report, Say
from backend.flask_import.models import FlaskImportRow
from backend.flask_import.source import LATEST_REVISION, check_schema, open_source

COLUMNS = ("imported", "new_ids", "matched", "before", "skipped")
HEADINGS = ("imported", "new id", "matched", "earlier run", "bad rows")


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name, like Europe/Zurich)") from None


async def import_flask_template(url: str, options: Options, say: Say) -> Report:
    try:
        await FlaskImportRow.exists()
    except (OperationalError, DBConnectionError) as error:
        hint = "run `python -m backend migrate` first"
        raise ValueError(f"our database is not ready ({error}): {hint}") from None
    source = await open_source(url)
    try:
        revision = await check_schema(source, with_access_log=options.with_access_log)
        if revision != LATEST_REVISION:
            say(f"note: the source's migration revision is {revision}, not {LATEST_REVISION}; read anyway")
        report = await Importer(source, options, say).run()
    finally:
        await source.close()
    for line in summary(report, options):
        say(line)
    return report


def summary(report: Report, options: Options) -> list[str]:
    width = max(len(table) for table in report.counts) if report.counts else 5
    lines = ["", "table".ljust(width) + "  " + "  ".join(h.rjust(11) for h in HEADINGS)]
    for table, count in report.counts.items():
        values = (str(getattr(count, column)).rjust(11) for column in COLUMNS)
        lines.append(table.ljust(width) + "  " + "  ".join(values))
    if report.off_midnight_birthdays:
        lines.append(
            f"note: {report.off_midnight_birthdays} birthday(s) were not at midnight in "
            f"{options.time_zone.key}: is --time-zone the zone the template's server ran in?"
        )
    if report.demo_users:
        names = ", ".join(report.demo_users)
        lines.append(f"Demo users {names} must change their password at their first login.")
    if options.dry_run:
        lines.append("Dry run: nothing was written.")
        return lines
    lines.append(
        "Tokens were not imported (the template signed them with another key): everyone logs in once. "
        "At that login, each imported password is re-hashed with bcrypt."
    )
    return lines
