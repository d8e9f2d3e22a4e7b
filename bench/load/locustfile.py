"""The scripted mix: members read their home pages and their meeting, and write notes;
coordinators read the dashboard. Loopback only; the plan comes from seed.py (TANDEM_LOAD_PLAN).
"""

import itertools
import json
import os
import random
import threading
from typing import Any

from locust import HttpUser, between, task

with open(os.environ["TANDEM_LOAD_PLAN"]) as _plan_file:
    PLAN = json.load(_plan_file)
_lock = threading.Lock()
_members = itertools.cycle(PLAN["members"])
_coordinators = itertools.cycle(PLAN["coordinators"])


def _next(source: itertools.cycle) -> Any:
    with _lock:
        return next(source)


class Member(HttpUser):
    weight = 9
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.me = _next(_members)
        self.client.cookies.set("sessionid", self.me["session"])
        # The CSRF cookie for the note form comes with the meeting page. Production marks it
        # Secure, which the client would not send back over loopback HTTP, so keep it by hand.
        response = self.client.get(self.me["meeting"], name="meeting page")
        self.csrf = str(response.cookies.get("csrftoken", ""))
        self.client.cookies.set("csrftoken", self.csrf, domain="127.0.0.1")

    @task(4)
    def home(self) -> None:
        url = random.choice(PLAN["member_pages"])
        self.client.get(url, name=f"member {url.replace(PLAN['program'], '<slug>')}")

    @task(3)
    def meeting(self) -> None:
        self.client.get(self.me["meeting"], name="meeting page")

    @task(1)
    def write_note(self) -> None:
        with self.client.post(
            self.me["note"],
            data={"body": "Next time: **bring the draft**.", "visibility": "private"},
            headers={"X-CSRFToken": self.csrf},
            name="write a note",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"note not saved: {response.status_code}")


class Coordinator(HttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", _next(_coordinators))

    @task
    def dashboard(self) -> None:
        url = random.choice(PLAN["coordinator_pages"])
        self.client.get(url, name=f"coordinator {url.replace(PLAN['program'], '<slug>')}")
