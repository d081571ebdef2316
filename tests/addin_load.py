"""Many clerks at once against a live server: one real .xlsx sent as Excel sends it, once per
clerk under that clerk's own unit and workbook name, and each reply checked for its own
confirmation and nothing else. Used by the isolation test and bench/bench_soak.py."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.excel_bridge import details_from_xlsx, payload_from_xlsx

ADDIN_HEADERS = {"X-Egov-Session": "load-test"}  # what the ribbon sends (one PC refuses calls without it)


@dataclass
class Reply:
    unit: str
    script: str
    status: int
    alerts: list[str]
    titles: list[str]
    seconds: float

    def problem(self, period_label: str) -> str | None:
        """Why this reply is not exactly its own clerk's, or None."""
        if self.status != 200:
            return f"{self.unit}: HTTP {self.status} {self.alerts}"
        if len(self.alerts) != 1:
            return f"{self.unit}: {len(self.alerts)} alerts {self.alerts}"
        text = self.alerts[0]
        if self.script == "luu_ky_bao_cao":
            if f"của đơn vị {self.unit}, {period_label}: lần nộp thứ 1." not in text:
                return f"{self.unit}: {text}"
        elif "Đã lưu" in text or self.titles != [f"BaoCao-{self.unit}.xlsx"]:
            return f"{self.unit}: {text} {self.titles}"
        return None


@dataclass
class Clerks:
    """The body of one form, re-addressed per clerk (unit and workbook name)."""

    path: Path
    period: str
    template: dict = field(init=False)
    details: str = field(init=False)

    def __post_init__(self):
        self.template, _ = payload_from_xlsx(self.path)
        self.details = details_from_xlsx(self.path)

    def body(self, script: str, unit: str) -> bytes:
        args = [self.details, "alert", "vi"] + ([unit, self.period] if script == "luu_ky_bao_cao" else [])
        book = {**self.template["book"], "name": f"BaoCao-{unit}.xlsx"}
        return json.dumps({**self.template, "book": book, "args": args}).encode()

    def call(self, client: httpx.Client, script: str, unit: str) -> Reply:
        start = time.perf_counter()
        try:
            response = client.post(f"/xlwings/custom-scripts-call/{script}", content=self.body(script, unit),
                                   headers={"Content-Type": "application/json", **ADDIN_HEADERS})
        except httpx.HTTPError as exc:  # a timeout or a dropped connection is a reply's problem too
            return Reply(unit, script, 0, [type(exc).__name__], [], time.perf_counter() - start)
        seconds = time.perf_counter() - start
        alerts, titles = [], []
        if response.status_code == 200:
            for action in response.json()["actions"]:
                if action["func"] == "alert":
                    alerts.append(action["args"][0])
                elif action["func"] == "setValues" and isinstance(action["values"][0][0], str) \
                        and action["values"][0][0].startswith("Kết quả kiểm tra"):
                    titles.append(action["values"][0][0].split("tệp ")[1].split(",")[0])
        return Reply(unit, script, response.status_code, alerts, titles, seconds)


def round_trips(base: str, path: str, body: dict, count: int) -> list[float]:
    """Seconds per POST of `body` to `path`, one after another on one connection (a floor)."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(count):
            start = time.perf_counter()
            response = client.post(path, json=body, headers=ADDIN_HEADERS)
            assert response.status_code == 200, response.text
            times.append(time.perf_counter() - start)
    return times


def run_clerks(base: str, clerks: Clerks, calls: list[tuple[str, str]], concurrency: int,
               timeout: float = 60, on_reply=None) -> list[Reply]:
    """(script, unit) calls spread over `concurrency` clients, each with its own connection."""
    chunks = [calls[i::concurrency] for i in range(concurrency)]

    def client_run(chunk):
        replies = []
        with httpx.Client(base_url=base, timeout=timeout) as client:
            for script, unit in chunk:
                replies.append(clerks.call(client, script, unit))
                if on_reply:
                    on_reply(replies[-1])
        return replies

    with ThreadPoolExecutor(concurrency) as pool:
        return [reply for replies in pool.map(client_run, chunks) for reply in replies]
