"""The scripted mix: members read their home pages and their meeting, and write notes;
coordinators read the dashboard. Loopback only; the plan comes from seed.py (TANDEM_LOAD_PLAN).

Users are FastHttpUser (geventhttpclient): the driver shares the machine with the server, and
this client costs a fraction of the CPU per request of the requests-based HttpUser. Cookies are
sent explicitly on every request (the session the seed made, and the CSRF cookie the meeting page
sets), so the client's cookie jar plays no part.

Warm-up: with ``TANDEM_LOAD_WARMUP=<seconds>``, the statistics are reset that long after all
users have started, so the figures are those of the steady state with every user already in (the
first seconds, when all users arrive at once, are written to ``TANDEM_LOAD_WARMUP_REPORT``).
"""

import itertools
import json
import os
import random
import re
import threading
from typing import Any

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment

with open(os.environ["TANDEM_LOAD_PLAN"]) as _plan_file:
    PLAN = json.load(_plan_file)
_lock = threading.Lock()
_members = itertools.cycle(PLAN["members"])
_coordinators = itertools.cycle(PLAN["coordinators"])


def _next(source: itertools.cycle) -> Any:
    with _lock:
        return next(source)


_environment: list[Environment] = []


@events.init.add_listener
def _keep_environment(environment: Environment, **_: Any) -> None:
    _environment.append(environment)


@events.spawning_complete.add_listener
def _measure_after_warm_up(user_count: int, **_: Any) -> None:
    warm_up = float(os.environ.get("TANDEM_LOAD_WARMUP", "0"))
    if warm_up > 0:
        gevent.spawn_later(warm_up, _reset, user_count)


def _reset(user_count: int) -> None:
    runner = _environment[0].runner
    assert runner is not None
    total = runner.stats.total
    report = os.environ.get("TANDEM_LOAD_WARMUP_REPORT")
    if report:
        with open(report, "w") as handle:
            json.dump(
                {
                    "users": user_count,
                    "requests": total.num_requests,
                    "failures": total.num_failures,
                    **{
                        f"p{q}_ms": total.get_response_time_percentile(q / 100)
                        for q in (50, 95, 99)
                    },
                    "max_ms": total.max_response_time,
                },
                handle,
            )
    runner.stats.reset_all()


class Member(FastHttpUser):
    weight = 9
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.me = _next(_members)
        self.csrf = ""
        self._fetch_csrf()

    def _cookies(self) -> dict[str, str]:
        cookie = f"sessionid={self.me['session']}"
        if self.csrf:
            cookie += f"; csrftoken={self.csrf}"
        return {"Cookie": cookie}

    def _fetch_csrf(self) -> None:
        """Keep the CSRF cookie the meeting page sets. Production marks it Secure, which a
        client would not send back over loopback HTTP, so it is read and sent by hand."""
        response = self.client.get(self.me["meeting"], name="meeting page", headers=self._cookies())
        headers = response.headers
        for header in headers.getlist("Set-Cookie") if headers is not None else []:
            found = re.search(r"csrftoken=([^;]+)", header)
            if found:
                self.csrf = found.group(1)

    @task(4)
    def home(self) -> None:
        url = random.choice(PLAN["member_pages"])
        self.client.get(
            url, name=f"member {url.replace(PLAN['program'], '<slug>')}", headers=self._cookies()
        )

    @task(3)
    def meeting(self) -> None:
        self.client.get(self.me["meeting"], name="meeting page", headers=self._cookies())

    @task(1)
    def write_note(self) -> None:
        if not self.csrf:
            self._fetch_csrf()
        with self.client.post(
            self.me["note"],
            data={"body": "Next time: **bring the draft**.", "visibility": "private"},
            headers={"X-CSRFToken": self.csrf, **self._cookies()},
            name="write a note",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"note not saved: {response.status_code}")


class Coordinator(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.cookies = {"Cookie": f"sessionid={_next(_coordinators)}"}

    @task
    def dashboard(self) -> None:
        url = random.choice(PLAN["coordinator_pages"])
        self.client.get(
            url,
            name=f"coordinator {url.replace(PLAN['program'], '<slug>')}",
            headers=self.cookies,
        )
