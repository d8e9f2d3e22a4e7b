"""The scripted mix: members read their home pages and their meeting, and write notes;
coordinators read the dashboard. Loopback only; the plan comes from seed.py (TANDEM_LOAD_PLAN).
"""

import itertools
import json
import os
import random
import re
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
        self.csrf = ""
        self._fetch_csrf()

    def _fetch_csrf(self) -> None:
        """Keep the CSRF cookie the meeting page sets. Production marks it Secure, which the
        client would not send back over loopback HTTP, so it is read and set by hand."""
        response = self.client.get(self.me["meeting"], name="meeting page")
        found = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
        if found:
            self.csrf = found.group(1)
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
        if not self.csrf:
            self._fetch_csrf()
        with self.client.post(
            self.me["note"],
            data={"body": "Next time: **bring the draft**.", "visibility": "private"},
            headers={
                "X-CSRFToken": self.csrf,
                # Explicit, so the client's cookie policy cannot drop the Secure-marked token.
                "Cookie": f"sessionid={self.me['session']}; csrftoken={self.csrf}",
            },
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
