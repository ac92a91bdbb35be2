from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class FlaskImportRow(Model):
    """A Flask template row imported by `import-flask-template`: which of ours it became.

    What makes a re-run import nothing twice and resume after a failure.
    """

    id = fields.BigIntField(primary_key=True)
    source_table = fields.CharField(max_length=32)
    source_id = fields.BigIntField()
    target_id = fields.BigIntField()
    imported_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "flask_import_row"
        unique_together = (("source_table", "source_id"),)
