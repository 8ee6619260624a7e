"""Writers that start while another transaction holds the row they need, then all go at once (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import QuerySet

from projects.errors import DomainError


def race_on_held_row(row: QuerySet, writers: list[Callable[[], object]]) -> list[object]:
    """Hold `row` locked until every writer waits on a lock, then release; return each outcome (or its error code).

    Each writer runs in its own thread and connection. Writers that lock the row first queue behind the holder;
    writers that forget to lock read the same version and only meet at their UPDATE, so both go through.
    """
    outcomes: list[object] = []

    def write(writer):
        try:
            outcomes.append(writer())
        except DomainError as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in writers]
    with transaction.atomic():
        row.select_for_update().get()
        for thread in threads:
            thread.start()
        wait_for_lock_waiters(len(writers))
    for thread in threads:
        thread.join()
    return outcomes


def wait_for_lock_waiters(count: int) -> None:
    """Block until `count` other sessions wait on a lock (a wait, not a timing assertion)."""
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} sessions never waited on the held row")
