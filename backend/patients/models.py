from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.users.models import User


class Category(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "category"


class Patient(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, db_index=True)
    surname = fields.CharField(max_length=100, db_index=True)
    birthday = fields.DateField(null=True, db_index=True)
    comments = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    appointments: fields.ReverseRelation[Appointment]

    class Meta:
        table = "patient"


# A client's `Idempotency-Key` on `POST /patients`, per user (see idempotency.py).
class PatientIdempotencyKey(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=255)
    request_hash = fields.CharField(max_length=64)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "models.Patient", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "patient_idempotency_key"
        unique_together = (("user_id", "key"),)


class Appointment(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "models.Patient", related_name="appointments", on_delete=fields.CASCADE
    )
    date = fields.DatetimeField()
    notes = fields.TextField(default="")

    measures: fields.ReverseRelation[Measure]

    class Meta:
        table = "appointment"
        indexes = (("patient_id", "date"),)


class Measure(Model):
    id = fields.IntField(primary_key=True)
    appointment: fields.ForeignKeyRelation[Appointment] = fields.ForeignKeyField(
        "models.Appointment", related_name="measures", on_delete=fields.CASCADE
    )
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="measures", on_delete=fields.RESTRICT
    )
    marker = fields.CharField(max_length=64, db_index=True)
    value = fields.FloatField()
    timestamp = fields.DatetimeField()

    class Meta:
        table = "measure"
        indexes = (("appointment_id", "timestamp"), ("category_id", "timestamp"))
