"""Measure each page of the load mix in one process: CPU ms per request, wall ms and queries.

Run after bench/load/run.sh has seeded the database, with the same environment (run.sh's exports)
and the plan it wrote::

    bench/load/profile.sh /tmp/tandem-load.XXXX            # table of every page
    bench/load/profile.sh /tmp/tandem-load.XXXX meeting    # plus a pyinstrument profile

Requests go through Django's test client (the full middleware stack, production settings, the
seeded sessions), not over HTTP, so the figures are the application's own cost per request.
"""

import functools
import json
import statistics
import sys
import time
from typing import Any

import django

Page = tuple[str, str, str, str, dict[str, str]]


def _pages(plan: dict[str, Any]) -> list[Page]:
    """Return (label, method, url, session, data) for every request the mix makes.

    Notes are written by another member than the one whose meeting page is measured, so
    repeated runs do not lengthen the measured page."""
    member, writer = plan["members"][0], plan["members"][-1]
    pages: list[Page] = [
        (f"member {url}", "get", url, member["session"], {}) for url in plan["member_pages"]
    ]
    pages.append(("meeting", "get", member["meeting"], member["session"], {}))
    pages.append(
        (
            "note",
            "post",
            writer["note"],
            writer["session"],
            {"body": "Next time: **bring the draft**.", "visibility": "private"},
        )
    )
    pages += [
        (f"coordinator {url}", "get", url, plan["coordinators"][0], {})
        for url in plan["coordinator_pages"]
    ]
    return pages


def main(plan_path: str, profile: str | None = None, repeat: int = 30) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with open(plan_path) as plan_file:
        plan = json.load(plan_file)
    print("| page | status | queries | CPU ms median | wall ms median |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, method, url, session, data in _pages(plan):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = session
        send = functools.partial(getattr(client, method), url, data)  # {} on a GET: no query
        for _ in range(3):
            send()
        cpu, wall = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                response = send()
                cpu.append(time.process_time() - start_cpu)
                wall.append(time.perf_counter() - start_wall)
        print(
            f"| {label} | {response.status_code} | {len(queries)} | "
            f"{statistics.median(cpu) * 1000:.1f} | {statistics.median(wall) * 1000:.1f} |"
        )
        if profile and profile in label:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(repeat):
                    send()
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    django.setup()
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
