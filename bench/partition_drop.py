"""`python -m bench.partition_drop`: drop the access log's oldest month through the application's
own code (backend/audit/partitions.py), with the server's env; prints {"partition", "rows", "seconds"}."""

from __future__ import annotations

import asyncio
import json
import time

from tortoise import Tortoise

from backend.audit import partitions
from backend.config import Settings
from backend.db import tortoise_config


async def drop_oldest() -> dict[str, object]:
    await Tortoise.init(config=tortoise_config(Settings()))
    try:
        months = await partitions.partitions()
        oldest = min(months)
        started = time.perf_counter()
        rows = await partitions.drop_partitions(before=oldest.end)
        return {"partition": months[oldest], "rows": rows, "seconds": time.perf_counter() - started}
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(drop_oldest())))
