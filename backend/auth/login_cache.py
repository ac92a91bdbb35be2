"""Each worker's cache of live logins: a safe read (GET, HEAD) by a login seen lately skips the
login check's query, and a change that ends or narrows a login is still in force on the very next
request, on every worker and every host.

How it stays exact:
- The database keeps one counter, `auth_epoch`, that its own triggers bump in the same transaction
  as every change that can end a login or change its caller: a login revoked, blocked or deleted,
  a user deactivated, deleted, renamed, their password or `password_change_required` changed, a
  role granted or taken away, a role renamed or deleted (migrations `auth_epoch`). Every writer
  (the API, the CLI, the Flask importer, an operator's SQL) goes through them.
- The login check reads the epoch in the same statement as the login, so an entry is the login as
  of that epoch.
- A cached caller is served only when the durable access log will be written for the request:
  its insert (committed before the response) reads the epoch again, in a snapshot taken after the
  request began, so it sees every change committed before then. If the epoch is not the entry's,
  the login is checked again from the database before the response goes, and a dead login (401)
  or missing roles (403) replace the response: what the handler computed is never sent.
- A write runs the query before it writes: one whose body `body` (backend/api.py) validates is
  let in from the cache until its body is found valid, so a refused body costs no more than a read.
  Other access-log modes, paths the log excludes and API keys always run the query.

An entry is used only while today's check would not write the login's `last_used_at` and address
(within LAST_USED_RESOLUTION, from the same address), and before the login expires. The cache
holds the MAX_LOGINS logins used last.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import datetime

from backend.auth.service import Client, LiveLogin, needs_touch
from backend.auth.tokens import Claims

MAX_LOGINS = 4096
SAFE_METHODS = frozenset({"GET", "HEAD"})


class LoginCache:
    def __init__(self, max_logins: int = MAX_LOGINS) -> None:
        self.max_logins = max_logins
        self._logins: OrderedDict[uuid.UUID, LiveLogin] = OrderedDict()

    def __len__(self) -> int:
        return len(self._logins)

    def get(self, claims: Claims, *, client: Client, now: datetime, epoch: int | None) -> LiveLogin | None:
        """The login of `claims` as cached at `epoch` (the latest this worker saw), if it may
        stand in for the query on this request."""
        login = self._logins.get(claims.login_id)
        if login is None:
            return None
        if (
            epoch is None
            or login.epoch != epoch
            or login.principal.user_id != claims.user_id
            or login.expires_at <= now
            or needs_touch(last_used_at=login.last_used_at, ip=login.ip, client=client.bounded(), now=now)
        ):
            del self._logins[claims.login_id]
            return None
        self._logins.move_to_end(claims.login_id)
        return login

    def keep(self, login: LiveLogin) -> None:
        login_id = login.principal.login_id
        if login.epoch is None or login_id is None:
            return
        self._logins[login_id] = login
        self._logins.move_to_end(login_id)
        while len(self._logins) > self.max_logins:
            self._logins.popitem(last=False)
