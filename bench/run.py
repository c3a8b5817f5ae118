"""One command, two tables: .venv/bin/python bench/run.py [--rounds 3] [--extra]

Starts each server on loopback, waits for its first answer (the cold start), warms it up, loads it
with wrk (8 connections, one worker, her one-shot question), reads the worker's resident memory,
stops it. The core rows run `--rounds` times, alternating, so a busy machine's drift lands on every
row alike; the table quotes each row's range and the ratios per round:

- the full pipeline (SQLite store, INFO logs, access log) with verification off, as the issue's
  measure has it, and with verification on: then every request is signed afresh by the bench's test
  PKI with a request id of its own (the replay check refuses a repeated id, so wrk cycles through a
  pool signed just before the row, never one request again);
- the idiomatic Python peer (bench/peer_python/: Flask + ask-sdk-core's SkillBuilder and
  DefaultSerializer, one fixed answer, no store, no verification) under gunicorn's one sync worker
  and under granian, so the server's share and the skill's share are seen apart;
- the Node peer (bench/peer/), when its node_modules are installed.

Then bench/stages.py's per-stage table of one turn in-process, with the server's share taken from
this run (1 s ÷ answers/s − the turn in-process). `--extra` adds the older rows (gunicorn for the
skill, Flask echo, DynamoDB via dynalite, two and four workers). Written to bench/results/latest.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.signed import SignedRequest, sign_pool, sign_request, write_pki  # noqa: E402
from skill.web import serving  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PEER = BENCH / "peer"
CONNECTIONS = 8
START_TIMEOUT = 20.0
FULL_APP = "bench.wsgi_full:create_app"
SKILL_APP = "skill.app:create_app"
ECHO_APP = "bench.wsgi_echo:create_app"
PEER_APP = "bench.peer_python.app:create_app"
CHOSEN = serving.DEFAULT_SERVER
OTHER = next(name for name in serving.SERVERS if name != CHOSEN)
# Answers/s a verified row is sized for when no earlier round says better; the pool gets 40 % spare.
ASSUMED_RPS = 5000.0
FULL = "full pipeline, verification off"
VERIFIED = "full pipeline, verification on"
PEER_ROW = "Python peer: Flask + ask-sdk-core"
NODE_ROW = "Node peer: ask-sdk-core + express-adapter"


@dataclass
class Row:
    label: str
    server: str
    workers: int = 1
    app: str = SKILL_APP
    store: str = "sqlite"
    verify: bool = False
    results: list[dict[str, float]] = field(default_factory=list)
    note: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        return self.label, self.server, self.workers


CORE_ROWS = [
    Row(FULL, CHOSEN),
    Row(PEER_ROW, "gunicorn-sync", app=PEER_APP),
    Row(VERIFIED, CHOSEN, app=FULL_APP, verify=True),
    Row(PEER_ROW, "granian-wsgi", app=PEER_APP),
    Row(NODE_ROW, "node"),
]
EXTRA_ROWS = [
    Row(FULL, OTHER),
    Row("Flask JSON echo", CHOSEN, app=ECHO_APP),
    Row("Flask JSON echo", OTHER, app=ECHO_APP),
    Row("full pipeline, verification on, DynamoDB (dynalite)", CHOSEN, app=FULL_APP, store="dynamodb", verify=True),
    Row(FULL, CHOSEN, workers=2),
    Row(FULL, CHOSEN, workers=4),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="measured seconds per row (default 8)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per row (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="times the core rows run, alternating (default 3)")
    parser.add_argument("--extra", action="store_true", help="also the older rows, once each")
    parser.add_argument("--only", default="", help="run only core rows whose label contains this (a quick A/B)")
    options = parser.parse_args(argv)
    node_ready = ensure_tools()
    RESULTS.mkdir(exist_ok=True)
    work = RESULTS / "run"
    shutil.rmtree(work, ignore_errors=True)
    pki = write_pki(work / "pki")
    rows = CORE_ROWS + (EXTRA_ROWS if options.extra else [])
    core = [row for row in CORE_ROWS if options.only in row.label]
    plan = [row for _ in range(options.rounds) for row in core] + rows[len(CORE_ROWS):]
    dynalite = None
    try:
        for index, row in enumerate(plan):
            if row.server == "node" and not node_ready:
                row.note = "not run: bench/peer has no node_modules (npm ci needs the registry)"
                continue
            environment = base_environment(work, index, row.verify)
            if row.store == "dynamodb":
                dynalite = dynalite or start_dynalite(work)
                environment |= dynamodb_environment(dynalite[1])
            try:
                request = requests_for(row, pki, work, index, options)
                row.results.append(measure(row, request, environment, work / f"row{index}.log", options))
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                row.note = f"failed: {error}"
            print(format_row(row), flush=True)
    finally:
        if dynalite is not None:
            stop(dynalite[0])
    stages = stage_figures() if not options.only else None
    report = render(rows, options, stages)
    print("\n" + report)
    (RESULTS / "latest.md").write_text(report)
    return 0


def requests_for(row: Row, pki, work: Path, index: int, options: argparse.Namespace) -> SignedRequest:
    """One request replayed for rows that do not check signatures; a pool of unique signed ones for those that do."""
    if not row.verify:
        return sign_request(pki, work, f"row{index}")
    earlier = [result["rps"] for result in find(VERIFIED).results] or [ASSUMED_RPS]
    count = int(max(earlier) * 1.4 * (options.seconds + options.warmup)) + 100
    return sign_pool(pki, work, f"row{index}", count)


def ensure_tools() -> bool:
    """wrk from Debian, installed once; True when the Node peer's node_modules are there (npm ci tried once)."""
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get)...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    installed = PEER / "node_modules" / "ask-sdk-express-adapter"
    if shutil.which("node") and not installed.is_dir():
        print("installing the Node peer (npm ci)...", flush=True)
        subprocess.run(["npm", "ci", "--prefix", str(PEER), "--no-audit", "--no-fund", "--loglevel=error"],
                       check=False, timeout=120)
    return shutil.which("node") is not None and installed.is_dir()


def base_environment(work: Path, index: int, verify: bool) -> dict[str, str]:
    """The production defaults (INFO logs on stderr), verification as the row says, a fresh SQLite file per row."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "SKILL_"))}
    environment |= {
        "PYTHONPATH": str(ROOT),
        "SKILL_STORE": f"sqlite:///{work}/row{index}.db",
        "SKILL_ID": "amzn1.ask.skill.lump-relief-guide-local",
        "LUMP_RELIEF_BENCH_PKI": str(work / "pki"),
        "LOG_LEVEL": "INFO",
        "ALEXA_VERIFY_REQUESTS": "true" if verify else "false",
    }
    return environment


def dynamodb_environment(endpoint: str) -> dict[str, str]:
    from tests.stores import LOCAL_AWS
    return {**LOCAL_AWS, "AWS_ENDPOINT_URL_DYNAMODB": endpoint, "SKILL_STORE": "dynamodb://lump-relief-bench"}


def start_dynalite(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """dynalite on loopback, started exactly as the DynamoDB tests start it."""
    from tests.stores import DYNALITE_CLI, DYNALITE_SETUP
    from tests.stores import start_dynalite as start
    node = shutil.which("node")
    if node is None or not DYNALITE_CLI.is_file():
        raise RuntimeError(f"dynalite is missing: run `{DYNALITE_SETUP}` (or `make install`)")
    return start(node, work / "dynalite.log")


def command_for(row: Row, port: int) -> list[str]:
    if row.server == "node":
        return ["node", str(PEER / "index.js")]
    if row.server == "gunicorn-sync":  # the peer as its authors would serve it: gunicorn's defaults, one sync worker
        return [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
                "--bind", f"127.0.0.1:{port}", f"{row.app}()"]
    if row.server == "granian-wsgi":  # the peer under the skill's own server, its WSGI interface
        return [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1", "--factory",
                "--host", "127.0.0.1", "--port", str(port), row.app]
    return [sys.executable, str(BENCH / "serve.py"), row.app, "--server", row.server,
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(row.workers)]


def measure(row: Row, request: SignedRequest, environment: dict[str, str], log_path: Path,
            options: argparse.Namespace) -> dict[str, float]:
    """Cold start, warm-up, the measured run, then resident memory; the server is always stopped."""
    if row.server == "node" and shutil.which("node") is None:
        raise RuntimeError("node is not installed")
    port = free_port()
    environment = environment | {"PORT": str(port)}
    url = f"http://127.0.0.1:{port}/"
    with log_path.open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(command_for(row, port), env=environment, cwd=ROOT,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            cold_start = wait_for_first_answer(process, url, request, started)
            wrk(url, request.warmup_script or request.wrk_script, options.warmup)
            result = wrk(url, request.wrk_script, options.seconds)
            result["cold_start_s"] = cold_start
            result["rss_mb"] = worker_rss_mb(process.pid, row.server in ("node", "gunicorn-sync"))
            return result
        finally:
            stop(process)


def wait_for_first_answer(process: subprocess.Popen[bytes], url: str, request: SignedRequest, started: float) -> float:
    """Seconds from spawning the process to its first 200 answer to the signed request."""
    while time.monotonic() - started < START_TIMEOUT:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=request.body, headers=request.headers),
                                        timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.005)
    raise RuntimeError(f"no answer within {START_TIMEOUT:.0f} s")


def wrk(url: str, script: Path, seconds: int) -> dict[str, float]:
    """One wrk run: one thread, 8 connections, latency percentiles; any non-200 answer fails the row."""
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 30, check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if bad or errors:
        raise RuntimeError(f"wrk saw failures: {bad.group(0) if bad else errors.group(0)}")  # type: ignore[union-attr]
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": latency_ms(output, "50%"),
        "p99_ms": latency_ms(output, "99%"),
    }


def latency_ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def worker_rss_mb(pid: int, single_process: bool) -> float:
    """Mean VmRSS of the processes that run the app: the server's children, or the process itself."""
    pids = [pid] if single_process else children(pid)
    sizes = [vm_rss_kb(worker) for worker in pids] or [vm_rss_kb(pid)]
    return sum(sizes) / len(sizes) / 1024


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def vm_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def span(values: list[float], form: str) -> str:
    """One figure, or the range a row gave over its rounds."""
    low, high = min(values), max(values)
    return format(low, form) if len(values) == 1 or f"{low:{form}}" == f"{high:{form}}" else f"{low:{form}}–{high:{form}}"


def format_row(row: Row) -> str:
    server = "node" if row.server == "node" else f"{row.server} ×{row.workers}"
    if not row.results:
        return f"| {row.label} | {server} | {row.note} | | | | |"
    figures = {name: [result[name] for result in row.results] for name in row.results[0]}
    return (f"| {row.label} | {server} | {span(figures['rps'], ',.0f')} | {span(figures['p50_ms'], '.2f')} "
            f"| {span(figures['p99_ms'], '.2f')} | {span(figures['cold_start_s'], '.2f')} "
            f"| {span(figures['rss_mb'], '.0f')} |" + (f" {row.note}" if row.note else ""))


def find(label: str, server: str = CHOSEN, workers: int = 1) -> Row:
    for row in CORE_ROWS + EXTRA_ROWS:
        if row.key == (label, server, workers):
            return row
    raise KeyError(label)


def ratios(a: Row, b: Row) -> str:
    """a's answers/s over b's, round by round (rows of one round ran side by side)."""
    pairs = [x["rps"] / y["rps"] for x, y in zip(a.results, b.results)]
    return span(pairs, ".2f") + "×" if pairs else "n/a"


def stage_figures() -> dict | None:
    """bench/stages.py's figures for one turn in-process, in its own process (verification off)."""
    try:
        output = subprocess.run([sys.executable, str(BENCH / "stages.py"), "--json"], capture_output=True,
                                text=True, timeout=300, check=True, cwd=ROOT).stdout
        return json.loads(output.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as error:
        print(f"stage profile failed: {error}", flush=True)
        return None


def render(rows: list[Row], options: argparse.Namespace, stages: dict | None) -> str:
    """The throughput table, the ratios the issue asks for, and the per-stage table beside it."""
    from bench.stages import table
    full, verified = find(FULL), find(VERIFIED)
    peer_sync, peer_granian = find(PEER_ROW, "gunicorn-sync"), find(PEER_ROW, "granian-wsgi")
    lines = [
        f"wrk -t1 -c{CONNECTIONS} -d{options.seconds}s on loopback, her one-shot IntentRequest, one worker unless "
        f"said; {options.rounds} rounds alternating, ranges over rounds; {os.cpu_count()} cores; "
        f"{time.strftime('%Y-%m-%d %H:%M')}",
        "",
        "| row | server × workers | req/s | p50 ms | p99 ms | cold start s | RSS/worker MB |",
        "|---|---|---:|---:|---:|---:|---:|",
        *(format_row(row) for row in rows),
        "",
        f"- full pipeline (verification off) ÷ Python peer on gunicorn: {ratios(full, peer_sync)} (target ≥ 1.5×); "
        f"p99 {span([r['p99_ms'] for r in full.results], '.2f') if full.results else 'n/a'} ms (target ≤ 5)",
        f"- full pipeline, verification on ÷ Python peer on gunicorn: {ratios(verified, peer_sync)} (target ≥ 1.0×)",
        f"- Python peer, granian ÷ gunicorn (the server's share): {ratios(peer_granian, peer_sync)}",
        f"- served by default: {CHOSEN} (skill/web/serving.py DEFAULT_SERVER)",
        "",
    ]
    if stages is not None:
        median_rps = statistics.median(r["rps"] for r in full.results) if full.results else None
        server_us = 1e6 / median_rps - stages["turn_us"] if median_rps else None
        lines += ["One turn in-process, stage by stage (bench/stages.py, verification off, SQLite):", "",
                  table(stages, server_us)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
