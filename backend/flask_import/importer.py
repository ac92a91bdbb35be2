"""Importing a Flask template database into ours, table by table, a transaction per batch.

Every imported row is recorded in `flask_import_row`, in the transaction that writes it: a
re-run imports nothing twice, and a run that failed resumes where it stopped. Ids are kept
where ours are free (the template's clients keep reaching `/api/patient/7`); a row whose id is
taken gets a new one. Roles and categories whose name exists already are the same thing and are
matched; a user whose username exists already is someone else, reported and skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import BaseDBAsyncClient
from tortoise.models import Model

from backend.audit.models import AccessLog
from backend.flask_import import convert
from backend.flask_import.convert import BadRow, Row
from backend.flask_import.models import FlaskImportRow
from backend.flask_import.source import Source, batches
from backend.patients.models import Appointment, Category, Measure, Patient
from backend.transactions import atomic
from backend.users.models import Role, User

Say = Callable[[str], None]
ID_CHUNK = 900


@dataclass(frozen=True)
class Options:
    time_zone: ZoneInfo
    with_access_log: bool = False
    dry_run: bool = False
    include_demo_users: bool = False
    force_password_change: bool = False
    batch_size: int = 500


@dataclass
class Count:
    imported: int = 0  # written by this run (or, in a dry run, that would be)
    new_ids: int = 0  # of which under an id other than the template's
    matched: int = 0  # the same role or category by name, not written again
    before: int = 0  # imported by an earlier run
    skipped: int = 0  # bad rows, reported


@dataclass
class Report:
    counts: dict[str, Count] = field(default_factory=lambda: defaultdict(Count))
    bad_rows: list[str] = field(default_factory=list)
    off_midnight_birthdays: int = 0
    demo_users: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    source: str
    model: type[Model]
    # A column of ours that is unique: the same value is the same thing (`matched`) or a conflict.
    unique: str | None = None
    same_when_unique: bool = False


TABLES = {
    "role": Table("role", Role, unique="name", same_when_unique=True),
    "user": Table("user", User, unique="username_key"),
    "category": Table("category", Category, unique="name", same_when_unique=True),
    "patient": Table("patient", Patient),
    "appointment": Table("appointment", Appointment),
    "measure": Table("measure", Measure),
    "access_log": Table("access_log", AccessLog),
}


@dataclass
class Planned:
    source_id: int
    values: dict[str, Any]


class Importer:
    def __init__(self, source: Source, options: Options, say: Say) -> None:
        self.source, self.options, self.say = source, options, say
        self.report = Report()
        self.targets: dict[str, dict[int, int]] = {}  # source table -> source id -> our id
        self.user_roles: dict[int, set[int]] = defaultdict(set)  # source user -> source roles
        self.user_ids_by_name: dict[str, int] = {}  # source username -> source id
        self.demo_users: set[int] = set()  # source ids

    async def run(self) -> Report:
        for row in await _all(self.source, "user_role"):
            self.user_roles[row["user_id"]].add(row["role_id"])
        for name, table in TABLES.items():
            if name != "access_log" or self.options.with_access_log:
                await self.import_table(table)
        return self.report

    # One source row into the values of ours (BadRow: reported and skipped).
    def values(self, table: str, row: Row) -> dict[str, Any]:
        return getattr(self, f"_{table}")(row)  # type: ignore[no-any-return]

    def _role(self, row: Row) -> dict[str, Any]:
        return {"name": convert.text(row["name"], "name", limit=convert.ROLE_LENGTH)}

    def _user(self, row: Row) -> dict[str, Any]:
        name = convert.username(row["username"])
        password_hash = convert.password_hash(row["password_hash"])
        demo = convert.is_demo_user(row)
        if demo and not self.options.include_demo_users:
            raise BadRow("a demo user with the seeded password (imported only with --include-demo-users)")
        if demo:
            self.demo_users.add(row["id"])
        return {
            "username": name,
            "username_key": name.casefold(),
            "password_hash": password_hash,
            "is_active": True,
            "password_change_required": demo or self.options.force_password_change,
        }

    def _category(self, row: Row) -> dict[str, Any]:
        return {"name": convert.text(row["name"], "name", limit=convert.CATEGORY_LENGTH)}

    def _patient(self, row: Row) -> dict[str, Any]:
        birthday = None
        if row["_birthday"] is not None:
            birthday, at_midnight = convert.local_date(row["_birthday"], self.options.time_zone, "birthday")
            self.report.off_midnight_birthdays += not at_midnight
        return {
            "name": convert.text(row["name"], "name", limit=convert.NAME_LENGTH),
            "surname": convert.text(row["surname"], "surname", limit=convert.NAME_LENGTH),
            "birthday": birthday,
            "comments": convert.text(row["comments"], "comments", limit=10**9, required=False),
        }

    def _appointment(self, row: Row) -> dict[str, Any]:
        return {
            "patient_id": self._ref("patient", row["patient_id"]),
            "date": convert.moment(row["_date"], "date"),
        }

    def _measure(self, row: Row) -> dict[str, Any]:
        return {
            "appointment_id": self._ref("appointment", row["appointment_id"]),
            "category_id": self._ref("category", row["category_id"]),
            "marker": convert.text(row["marker"], "marker", limit=convert.MARKER_LENGTH),
            "value": convert.measure_value(row["value"]),
            "timestamp": convert.moment(row["_timestamp"], "timestamp"),
        }

    def _ref(self, table: str, source_id: Any) -> int:
        return convert.reference(self.targets[table], source_id, table)

    def _access_log(self, row: Row) -> dict[str, Any]:
        path, query = convert.access_path(row["path"])
        name = row["username"]
        user_id = None
        if name and name != convert.ANONYMOUS and name in self.user_ids_by_name:
            user_id = self.targets["user"].get(self.user_ids_by_name[name])
        return {
            "timestamp": convert.utc_datetime(row["timestamp"]),
            "request_id": f"flask-template:{row['id']}",
            "method": convert.text(row["method"], "method", limit=16),
            "path": path,
            "query": query,
            "status": convert.status(row["response_code"]),
            "duration_ms": 0.0,  # the template did not record it
            "user_id": user_id,
            "username": None if name in (None, convert.ANONYMOUS) else str(name)[:64],
            "ip": str(row["remote_addr"] or "")[:64],
        }

    async def import_table(self, table: Table) -> None:
        count = self.report.counts[table.source]
        pairs = await FlaskImportRow.filter(source_table=table.source).values_list("source_id", "target_id")
        recorded: dict[int, int] = {source: target for source, target in pairs}
        live = await _existing_ids(table.model, set(recorded.values()), None)
        # Rows of ours deleted since an earlier run stay deleted: what referred to them is a bad row.
        self.targets[table.source] = {source: target for source, target in recorded.items() if target in live}
        async for rows in batches(self.source, table.source, size=self.options.batch_size):
            planned = []
            for row in rows:
                if table.source == "user" and row["username"] is not None:
                    self.user_ids_by_name.setdefault(str(row["username"]), row["id"])
                if row["id"] in recorded:
                    count.before += 1
                    continue
                try:
                    planned.append(Planned(row["id"], self.values(table.source, row)))
                except BadRow as bad:
                    self.bad_row(table.source, row["id"], bad.reason)
            if planned:
                async with atomic() as connection:
                    await self.write(table, planned, connection)

    def bad_row(self, table: str, source_id: Any, reason: str) -> None:
        self.report.counts[table].skipped += 1
        line = f"skipped {table} {source_id}: {reason}"
        self.report.bad_rows.append(line)
        self.say(line)

    async def write(self, table: Table, planned: list[Planned], connection: BaseDBAsyncClient) -> None:
        count, targets = self.report.counts[table.source], self.targets[table.source]
        planned, matched, same_as = await self._match_unique(table, planned, connection)
        taken = await _existing_ids(table.model, {p.source_id for p in planned}, connection)
        kept = [p for p in planned if p.source_id not in taken]
        moved = [p for p in planned if p.source_id in taken]
        count.imported += len(planned)
        count.new_ids += len(moved)
        count.matched += len(matched) + len(same_as)
        created = {p.source_id: p.source_id for p in kept}
        if not self.options.dry_run:
            await table.model.bulk_create(
                [table.model(id=p.source_id, **p.values) for p in kept], using_db=connection
            )
            await _move_sequence(table.model, connection)
            for p in moved:
                created[p.source_id] = (await table.model.create(**p.values, using_db=connection)).pk
        else:
            created |= {p.source_id: p.source_id for p in moved}  # stand-ins: nothing is written
        created |= matched | {source: created[first] for source, first in same_as.items()}
        if table.source == "user":
            self.report.demo_users += [
                p.values["username"] for p in planned if p.source_id in self.demo_users
            ]
        if not self.options.dry_run:
            if table.source == "user":
                await self._add_roles(created, connection)
            await _record(table.source, created, connection)
        targets.update(created)

    async def _match_unique(
        self, table: Table, planned: list[Planned], connection: BaseDBAsyncClient
    ) -> tuple[list[Planned], dict[int, int], dict[int, int]]:
        """Split off the rows named like one of ours, or like an earlier one of this batch: roles and
        categories are matched to it (to our id, or to the earlier source id); users are conflicts."""
        if table.unique is None:
            return planned, {}, {}
        column = table.unique
        ours = dict(
            await table.model.filter(**{f"{column}__in": [p.values[column] for p in planned]})
            .using_db(connection)
            .values_list(column, "id")
        )
        matched: dict[int, int] = {}
        same_as: dict[int, int] = {}
        first: dict[Any, int] = {}
        fresh: list[Planned] = []
        for p in planned:
            value = p.values[column]
            if value in ours and table.same_when_unique:
                matched[p.source_id] = ours[value]
            elif value in ours:
                self.bad_row(table.source, p.source_id, f"the name {value!r} is taken in ours already")
            elif value in first and table.same_when_unique:
                same_as[p.source_id] = first[value]
            elif value in first:
                self.bad_row(table.source, p.source_id, f"named like {table.source} {first[value]}")
            else:
                first[value] = p.source_id
                fresh.append(p)
        return fresh, matched, same_as

    async def _add_roles(self, created: dict[int, int], connection: BaseDBAsyncClient) -> None:
        roles = self.targets["role"]
        for source_user, user_id in created.items():
            wanted = self.user_roles.get(source_user, set())
            for role in sorted(wanted - roles.keys()):
                self.say(f"note: user {source_user} had role {role}, which is gone or was not imported")
            role_ids = sorted({roles[role] for role in wanted if role in roles})
            if role_ids:
                user = await User.filter(id=user_id).using_db(connection).get()
                chosen = await Role.filter(id__in=role_ids).using_db(connection)
                await user.roles.add(*chosen, using_db=connection)


async def _all(source: Source, table: str) -> list[Row]:
    return [row async for rows in batches(source, table, size=0) for row in rows]


async def _existing_ids(model: type[Model], ids: set[int], connection: BaseDBAsyncClient | None) -> set[int]:
    found: set[int] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), ID_CHUNK):  # SQLite bounds a statement's parameters
        chunk = wanted[start : start + ID_CHUNK]
        found |= {row["id"] for row in await model.filter(id__in=chunk).using_db(connection).values("id")}
    return found


async def _record(table: str, created: dict[int, int], connection: BaseDBAsyncClient) -> None:
    await FlaskImportRow.bulk_create(
        [FlaskImportRow(source_table=table, source_id=s, target_id=t) for s, t in created.items()],
        using_db=connection,
    )


async def _move_sequence(model: type[Model], connection: BaseDBAsyncClient) -> None:
    """PostgreSQL: move the id sequence past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
    if connection.capabilities.dialect != "postgres":
        return
    table = model._meta.db_table
    sql = "SELECT pg_get_serial_sequence($1, 'id') AS name"
    rows = await connection.execute_query_dict(sql, [f'"{table}"'])
    sequence = rows[0]["name"]
    await connection.execute_query(
        f'SELECT setval($1, m) FROM (SELECT MAX(id) AS m FROM "{table}") AS t '  # noqa: S608 - our names
        f"WHERE m >= (SELECT last_value FROM {sequence})",
        [sequence],
    )
