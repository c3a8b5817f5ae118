"""One command, one table: .venv/bin/python bench/run.py

Starts each server on loopback, waits for its first answer (the cold start), warms it up, loads it
with wrk (8 connections, the same signed request for every row), reads each worker's resident
memory, stops it, and prints the table (also written to bench/results/latest.md). Installs wrk
(Debian) and the Node peer (npm ci) if missing. Bounded: about three minutes, never more than five.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.signed import SignedRequest, sign_request, write_pki  # noqa: E402
from skill.web import serving  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PEER = BENCH / "peer"
CONNECTIONS = 8
START_TIMEOUT = 20.0
BUDGET_SECONDS = 300.0
FULL_APP = "bench.wsgi_full:create_app"
ECHO_APP = "bench.wsgi_echo:create_app"
CHOSEN = serving.DEFAULT_SERVER
OTHER = next(name for name in serving.SERVERS if name != CHOSEN)


@dataclass
class Row:
    label: str
    server: str
    workers: int = 1
    app: str = FULL_APP
    store: str = "sqlite"
    result: dict[str, float] = field(default_factory=dict)
    note: str = ""


ROWS = [
    Row("full pipeline", CHOSEN),
    Row("full pipeline", OTHER),
    Row("Flask JSON echo", CHOSEN, app=ECHO_APP),
    Row("Flask JSON echo", OTHER, app=ECHO_APP),
    Row("Node peer: ask-sdk-core + express-adapter", "node"),
    Row("full pipeline, DynamoDB (dynalite)", CHOSEN, store="dynamodb"),
    Row("full pipeline", CHOSEN, workers=2),
    Row("full pipeline", CHOSEN, workers=4),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per row (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per row (default 2)")
    options = parser.parse_args(argv)
    ensure_tools()
    RESULTS.mkdir(exist_ok=True)
    work = RESULTS / "run"
    shutil.rmtree(work, ignore_errors=True)
    pki = write_pki(work / "pki")
    deadline = time.monotonic() + BUDGET_SECONDS
    dynalite = None
    try:
        for index, row in enumerate(ROWS):
            if time.monotonic() + options.seconds + options.warmup + START_TIMEOUT > deadline:
                row.note = "skipped: time budget spent"
                continue
            environment = base_environment(work, index)
            if row.store == "dynamodb":
                dynalite = dynalite or start_dynalite(work)
                environment |= dynamodb_environment(dynalite[1])
            request = sign_request(pki, work, f"row{index}")
            try:
                row.result = measure(row, request, environment, work / f"row{index}.log", options)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                row.note = f"failed: {error}"
            print(format_row(row), flush=True)
    finally:
        if dynalite is not None:
            stop(dynalite[0])
    report = render(ROWS, options)
    print("\n" + report)
    (RESULTS / "latest.md").write_text(report)
    return 0


def ensure_tools() -> None:
    """wrk from Debian and the peer's node_modules, installed once; nothing else is fetched."""
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get)...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if shutil.which("node") and not (PEER / "node_modules" / "ask-sdk-express-adapter").is_dir():
        print("installing the Node peer (npm ci)...", flush=True)
        subprocess.run(["npm", "ci", "--prefix", str(PEER), "--no-audit", "--no-fund", "--loglevel=error"],
                       check=True)


def base_environment(work: Path, index: int) -> dict[str, str]:
    """The production defaults (INFO logs on stderr, verification on), a fresh SQLite file on disk per row."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "SKILL_"))}
    environment |= {
        "PYTHONPATH": str(ROOT),
        "SKILL_STORE": f"sqlite:///{work}/row{index}.db",
        "SKILL_ID": "amzn1.ask.skill.lump-relief-guide-local",
        "LUMP_RELIEF_BENCH_PKI": str(work / "pki"),
        "LOG_LEVEL": "INFO",
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
            wrk(url, request.wrk_script, options.warmup)
            result = wrk(url, request.wrk_script, options.seconds)
            result["cold_start_s"] = cold_start
            result["rss_mb"] = worker_rss_mb(process.pid, row.server == "node")
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


def format_row(row: Row) -> str:
    server = "node" if row.server == "node" else f"{row.server} ×{row.workers}"
    if not row.result:
        return f"| {row.label} | {server} | {row.note} | | | | |"
    r = row.result
    return (f"| {row.label} | {server} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['cold_start_s']:.2f} | {r['rss_mb']:.0f} |")


def find(label: str, server: str, workers: int = 1) -> dict[str, float]:
    for row in ROWS:
        if row.label == label and row.server == server and row.workers == workers:
            return row.result
    return {}


def ratio(a: dict[str, float], b: dict[str, float]) -> str:
    return f"{a['rps'] / b['rps']:.2f}" if a.get("rps") and b.get("rps") else "n/a"


def render(rows: list[Row], options: argparse.Namespace) -> str:
    """The table, the ratios the issue asks for, and the machine it ran on."""
    peer = find("Node peer: ask-sdk-core + express-adapter", "node")
    lines = [
        f"wrk -t1 -c{CONNECTIONS} -d{options.seconds}s on loopback, one signed one-shot IntentRequest "
        f"(verification on, store read + write); {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        "| row | server × workers | req/s | p50 ms | p99 ms | cold start s | RSS/worker MB |",
        "|---|---|---:|---:|---:|---:|---:|",
        *(format_row(row) for row in rows),
        "",
    ]
    for server in serving.SERVERS:
        full, echo = find("full pipeline", server), find("Flask JSON echo", server)
        lines.append(f"- {server}, 1 worker: full/echo = {ratio(full, echo)}, full/peer = {ratio(full, peer)} "
                     "(target ≥ 0.5)")
    lines.append(f"- served by default: {CHOSEN} (skill/web/serving.py DEFAULT_SERVER)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
