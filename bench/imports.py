"""The 交办清单 import against a plain read of the same file, and the public register's reads.

    .venv/bin/python -m bench.imports                      # 3,141 and 20,000 rows on SQLite
    .venv/bin/python -m bench.imports --rows 3141 --backend postgres --dsn postgresql://…
    .venv/bin/python -m bench.imports --public-cases 100000 --reads 2000

Import: a workbook of N rows (the Ministry of Finance's 3,141 items of seed 001, then 20,000) is
written once with openpyxl, outside the timing. "plain" is openpyxl reading that file in
read-only mode and touching every cell's value (what any reader of the file must do at least);
"import" is ``AssignmentImport.run`` on a fresh store: the same read plus every rule check and
the one transaction of every row's events. ratio = import rows/s ÷ plain rows/s (goal ≥ 0.3).

Public register: the ``public_replies`` table of a fresh store gets one published reply for
each of N cases (written as the projection writes rows, through the view store: the read path
does not depend on how the rows arrived), then ``GET /v1/public/replies`` is timed in process
through the ASGI app (the HTTP client and the route included) for a mix of queries (newest
page, a year, a unit, a kind, a number, a title word, a next page) after the process has loaded
the register once (``api/public_snapshot.py``). p50/p99 are printed.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from api.public_snapshot import Wanted
from bench.plumbing import fresh_schema, percentile, postgres_dsn
from domain.directory import Unit
from domain.records import Actor
from infra.application import BanliApplication
from infra.assignment_import import AssignmentImport
from infra.settings import Settings

UNITS = [f"U{n:02d}" for n in range(40)]
OFFICE = Actor(user="bench", role="office", unit=None)
HEADERS = ["编号", "类别", "级别", "年度", "标题", "提出人", "提出人类型", "收到日期"]
HEADERS += ["主办单位", "协办单位", "交办日期"]


def sheet_bytes(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("交办清单")
    sheet.append(HEADERS)
    for n in range(rows):
        kind = "建议" if n % 3 else "提案"
        people = "、".join(f"代表{rng.randint(1, 900)}" for _ in range(rng.randint(1, 3)))
        lead, co = rng.sample(UNITS, 2)
        received = date(2025, 1, 10) + timedelta(days=rng.randint(0, 60))
        sheet.append(
            [
                f"2025-{n:06d}", kind, "全国" if n % 5 == 0 else "省", 2025,
                f"关于第{n}项财政事项的建议", people if kind == "建议" else f"委员{n}",
                "代表" if kind == "建议" else "委员", received, lead, co,
                received + timedelta(days=10),
            ]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_read(data: bytes) -> float:
    start = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True)
    touched = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        touched += sum(value is not None for value in row)
    book.close()
    return time.perf_counter() - start


def new_store(settings: Settings) -> BanliApplication:
    app = BanliApplication(env=settings.eventsourcing_env())
    for code in UNITS:
        app.record(Unit.create(code=code, name=f"{code}处", actor=OFFICE).collect_events())
    return app


def timed_import(settings: Settings, data: bytes) -> tuple[float, int]:
    app = new_store(settings)
    start = time.perf_counter()
    report = AssignmentImport(app, OFFICE, date(2026, 1, 1)).run(data, dry_run=False)
    elapsed = time.perf_counter() - start
    assert not report.errors, report.errors[:3]
    return elapsed, report.registered


def bench_import(rows: int, settings_for: Any) -> None:
    data = sheet_bytes(rows)
    plain = min(plain_read(data) for _ in range(2))
    with settings_for() as settings:
        elapsed, registered = timed_import(settings, data)
    assert registered == rows
    print(
        f"import {rows:>6} rows ({len(data) / 1e6:.1f} MB): plain read {rows / plain:>8.0f} rows/s"
        f"  import {rows / elapsed:>7.0f} rows/s ({elapsed:.1f} s)  ratio {plain / elapsed:.2f}"
    )


def bench_public(cases: int, reads: int) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from banli.compose import build_services
    from projections.processor import ViewChanges
    from projections.public_register import NAME, REPLIES

    with tempfile.TemporaryDirectory() as folder:
        services = build_services(Settings(data_dir=Path(folder)), embedded=True)
        try:
            store = services.views
            generation = store.current_generation(NAME, (REPLIES,))
            rng = random.Random(7)
            for start in range(0, cases, 5000):
                rows = [_reply(rng, n) for n in range(start, min(cases, start + 5000))]
                ids = [r["case_id"] for r in rows]
                change = ViewChanges(replace={REPLIES.name: (ids, rows)})
                store.write({NAME: change}, {NAME: (REPLIES,)}, {NAME: generation})
            client = TestClient(create_app(services))
            client.get("/v1/public/replies")  # the process loads the register once
            queries = _queries(client, rng, reads)
            http, register = [], []
            snapshot = client.app.state.public_snapshots.get()  # type: ignore[attr-defined]
            for params in queries:
                begin = time.perf_counter()
                answer = client.get("/v1/public/replies", params=params)
                http.append(time.perf_counter() - begin)
                assert answer.status_code == 200, answer.text
                wanted = Wanted(**{k: params.get(k) for k in ("year", "unit", "kind", "q")})
                begin = time.perf_counter()
                snapshot.page(wanted, limit=20, cursor=params.get("cursor"))
                register.append(time.perf_counter() - begin)
            for label, timings in (("HTTP in process", http), ("register query", register)):
                ms = sorted(t * 1000 for t in timings)
                print(
                    f"public register, {cases} cases, {label:>15}: {len(ms)} reads  "
                    f"p50 {percentile(ms, 0.50):.2f} ms  p99 {percentile(ms, 0.99):.2f} ms"
                )
        finally:
            services.close()


def _reply(rng: random.Random, n: int) -> dict[str, Any]:
    published = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
    return {
        "case_id": f"case-{n:07d}", "reply_id": "r1", "number": f"{published.year}-{n:06d}",
        "kind": rng.choice(["suggestion", "proposal"]), "year": published.year,
        "title": f"关于{rng.choice(['教育', '医疗', '交通', '财政', '住房'])}第{n}项的建议",
        "unit": rng.choice(UNITS), "classification": rng.choice("ABC"),
        "published_on": published.isoformat(), "url": f"https://example.gov.cn/r/{n}",
        "further": 0,
    }  # fmt: skip


def _queries(client: Any, rng: random.Random, count: int) -> list[dict[str, Any]]:
    first = client.get("/v1/public/replies", params={"limit": 20}).json()
    shapes: list[dict[str, Any]] = [
        {"limit": 20},
        {"year": 2025, "limit": 20},
        {"unit": rng.choice(UNITS), "limit": 20},
        {"kind": "proposal", "limit": 20},
        {"q": f"-{rng.randint(0, 99999):06d}", "limit": 20},
        {"q": rng.choice(["教育", "医疗", "交通"]), "limit": 20},
        {"limit": 20, "cursor": first["next_cursor"]},
    ]
    found = []
    for n in range(count):
        params = dict(shapes[n % len(shapes)])
        if "q" in params and params["q"].startswith("-"):
            params["q"] = f"-{rng.randint(0, 99999):06d}"
        if "unit" in params:
            params["unit"] = rng.choice(UNITS)
        found.append(params)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[3141, 20_000])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--dsn", default=None)
    parser.add_argument("--public-cases", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=1400)
    args = parser.parse_args()

    from contextlib import contextmanager

    @contextmanager
    def settings_for() -> Any:
        if args.backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                yield Settings(data_dir=Path(folder))
            return
        dsn = postgres_dsn(args.dsn)
        with fresh_schema(dsn) as schema:
            yield Settings(database_url=dsn, database_schema=schema)

    for rows in args.rows:
        bench_import(rows, settings_for)
    if args.public_cases:
        bench_public(args.public_cases, args.reads)


if __name__ == "__main__":
    main()
