"""Demo data, so that a newcomer sees something in the API and the console at once."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from backend.patients import service
from backend.patients.models import Category, Patient
from backend.patients.schemas import AppointmentCreate, MeasureCreate, PatientCreate

CATEGORIES = {
    "weight": ("kg", 55.0, 95.0),
    "blood pressure": ("systolic mmHg", 105.0, 150.0),
    "pulse": ("bpm", 55.0, 95.0),
}
PEOPLE = [
    ("Harald", "Meier", date(1961, 4, 2)),
    ("Ana", "Silva", date(1984, 9, 17)),
    ("Kenji", "Watanabe", date(1975, 1, 30)),
    ("Fatima", "Haddad", date(1990, 6, 11)),
    ("Ole", "Hansen", date(1958, 12, 3)),
]


async def seed_demo(*, only_if_empty: bool = False, appointments: int = 6, seed: int = 7) -> int:
    """Create the demo patients unless they exist (or, with `only_if_empty`, unless there are
    patients at all); answer how many were created."""
    existing = Patient.all() if only_if_empty else Patient.filter(surname=PEOPLE[0][1], name=PEOPLE[0][0])
    if await existing.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    categories = {name: (await Category.get_or_create(name=name))[0] for name in CATEGORIES}
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        weeks=appointments
    )
    for name, surname, birthday in PEOPLE:
        visits = []
        for week in range(appointments):
            when = start + timedelta(weeks=week, hours=rng.randint(0, 6))
            measures = [
                MeasureCreate(
                    category_id=categories[category].id,
                    marker=marker,
                    value=round(rng.uniform(low, high), 1),
                    timestamp=when + timedelta(minutes=5),
                )
                for category, (marker, low, high) in CATEGORIES.items()
            ]
            visits.append(AppointmentCreate(date=when, notes=f"Visit {week + 1}", measures=measures))
        await service.create_patient(
            data=PatientCreate(
                name=name, surname=surname, birthday=birthday, comments="Demo patient", appointments=visits
            )
        )
    return len(PEOPLE)
