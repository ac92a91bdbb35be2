"""The domains this application is made of.

Each is a package with `models.py` (Tortoise models, migrated with aerich) and `routes.py`,
whose `blueprints` are served under /api/v1. Add yours here: see "Add your own resource"
in the README.
"""

DOMAINS = (
    "backend.users",
    "backend.auth",
    "backend.audit",
    "backend.patients",
    "backend.api_keys",
)
