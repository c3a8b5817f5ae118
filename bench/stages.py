"""Where one turn's time goes, stage by stage, beside a budget for each: .venv/bin/python bench/stages.py

The production app (create_app, SQLite file on disk, INFO logs to a file) answers bench/run.py's
one-shot question in-process through skill/web/alexa_turn.py, the function both doors call, with
verification off (the issue's measure) or on (`--verify`: a test PKI, each request signed afresh
with its own id). Each stage's function is wrapped with a timer that counts exclusive time (a store
call inside an interceptor is the store's, not the interceptor's), and the handlers' `can_handle`
calls are counted. The server's share is not in-process: bench/run.py adds it from wrk's figures.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Stage: (what it covers, budget in µs per turn). The budgets add up to a turn that, with granian's
# own share (~70 µs/answer measured here), serves 1.5x the idiomatic Python peer on one worker.
STAGES: dict[str, tuple[str, float]] = {
    "parse": ("the body's JSON (orjson)", 10),
    "checks": ("size, application id; timestamp and signature when on", 10),
    "codec": ("dict → ask_sdk_model request (skill/web/codec.py)", 20),
    "dispatch": ("finding the handler: can_handle calls", 10),
    "interceptors": ("content, conversation, memory (their own work)", 15),
    "store": ("SQLite read + write; the replay check when verification is on", 40),
    "handler": ("the handler's own work", 15),
    "render": ("Reply → SSML, card, directives", 20),
    "serialise": ("response model → dict → JSON bytes", 15),
    "log lines": ("formatting and writing this turn's lines", 10),
    "SDK + turn": ("ask-sdk-core's invoke, the turn's own bookkeeping", 15),
}


class StageClock:
    """Exclusive time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.spent: dict[str, int] = defaultdict(int)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[Any]] = []

    def wrap(self, stage: str, function: Callable[..., Any], count: str | None = None) -> Callable[..., Any]:
        clock = self

        def timed(*arguments: Any, **options: Any) -> Any:
            now = time.perf_counter_ns()
            if clock._stack:
                parent = clock._stack[-1]
                clock.spent[parent[0]] += now - parent[1]
            clock._stack.append([stage, now])
            if count:
                clock.calls[count] += 1
            try:
                return function(*arguments, **options)
            finally:
                end = time.perf_counter_ns()
                clock.spent[stage] += end - clock._stack.pop()[1]
                if clock._stack:
                    clock._stack[-1][1] = end
        return timed

    def reset(self) -> None:
        self.spent.clear()
        self.calls.clear()


def instrument(clock: StageClock, app: Any) -> None:
    """Wrap each stage's functions where the turn looks them up."""
    from ask_sdk_core.dispatch_components import request_components
    from skill.verification import verifier as verifier_module
    from skill.web import alexa_turn, replays
    from skill.conversation import render as render_module

    verifier_module.parse_envelope = clock.wrap("parse", verifier_module.parse_envelope)
    service = app.extensions["lump_relief"]
    service.verifier.verify = clock.wrap("checks", service.verifier.verify)
    alexa_turn.decoded_request = clock.wrap("codec", alexa_turn.decoded_request)
    alexa_turn.to_json = clock.wrap("serialise", alexa_turn.to_json)
    alexa_turn.CODEC.response_dict = clock.wrap("serialise", alexa_turn.CODEC.response_dict)
    alexa_turn._answer = clock.wrap("SDK + turn", alexa_turn._answer)
    for name in ("replayed", "release"):
        setattr(replays, name, clock.wrap("store", getattr(replays, name)))
    store = service.persistence
    for name in ("get_attributes", "save_attributes", "delete_attributes", "count_visit", "set_step",
                 "claim_request", "release_request"):
        if hasattr(store, name):
            setattr(store, name, clock.wrap("store", getattr(store, name)))
    skill = service.skill
    options = skill.custom_skill_configuration if hasattr(skill, "custom_skill_configuration") else skill
    dispatcher = skill.request_dispatcher
    for mapper in dispatcher.request_mappers:
        for chain in mapper.request_handler_chains:
            handler = chain.request_handler
            handler.can_handle = clock.wrap("dispatch", handler.can_handle, count="can_handle")
            handler.handle = clock.wrap("handler", handler.handle)
    for interceptor in [*dispatcher.request_interceptors, *dispatcher.response_interceptors]:
        interceptor.process = clock.wrap("interceptors", interceptor.process)
    original_render = render_module.render
    timed_render = clock.wrap("render", original_render)
    for name, module in list(sys.modules.items()):
        if name.startswith("skill.") and getattr(module, "render", None) is original_render:
            module.render = timed_render
    logging.Logger.handle = clock.wrap("log lines", logging.Logger.handle, count="log lines")  # type: ignore[method-assign]
    del options, request_components


def measure(turns: int, verify: bool) -> dict[str, Any]:
    """µs per turn for each stage, can_handle calls and log lines per turn, and the whole turn."""
    with tempfile.TemporaryDirectory() as work:
        os.environ.update({"SKILL_STORE": f"sqlite:///{work}/stages.db", "LOG_LEVEL": "INFO",
                           "SKILL_ID": "amzn1.ask.skill.lump-relief-guide-local"})
        requests = signed_requests(Path(work), turns * 2 + 50, verify)
        if verify:
            from bench.wsgi_full import create_app
        else:
            from skill.app import create_app
        app = create_app()
        quiet_logs(Path(work) / "stages.log")
        from skill.web.alexa_turn import answer_alexa
        service = app.extensions["lump_relief"]
        for headers, body in requests[:50]:
            assert answer_alexa(service, headers, body)[0] == 200, "warm-up refused"
        plain = requests[50:50 + turns]
        started = time.perf_counter_ns()
        for headers, body in plain:
            answer_alexa(service, headers, body)
        whole_us = (time.perf_counter_ns() - started) / turns / 1000
        lambda_us = warm_lambda_us(requests[50:50 + turns])
        clock = StageClock()
        instrument(clock, app)
        for headers, body in requests[50 + turns:]:
            status, _ = answer_alexa(service, headers, body)
            assert status == 200, f"refused: {status}"
        count = len(requests) - 50 - turns
    return {
        "turn_us": whole_us,
        "lambda_us": lambda_us,
        "stages_us": {stage: clock.spent.get(stage, 0) / count / 1000 for stage in STAGES},
        "can_handle_per_turn": clock.calls["can_handle"] / count,
        "log_lines_per_turn": clock.calls["log lines"] / count,
    }


def warm_lambda_us(requests: list[tuple[dict[str, str], bytes]]) -> float:
    """µs per warm Lambda event (skill.lambda_handler, same store and question), the event already a dict
    as Lambda's runtime hands it over; the container's first event (the cold start) is left out."""
    import orjson

    from skill import lambda_handler
    events = [orjson.loads(body) for _, body in requests]
    lambda_handler(orjson.loads(requests[0][1]), None)
    for event in events[: len(events) // 4]:
        lambda_handler(event, None)  # warm-up: the same ids again are fine, Lambda has no replay check
    started = time.perf_counter_ns()
    for event in events:
        lambda_handler(event, None)
    return (time.perf_counter_ns() - started) / len(events) / 1000


def signed_requests(work: Path, count: int, verify: bool) -> list[tuple[dict[str, str], bytes]]:
    """The one-shot question `count` times, each with its own request id (signed afresh when `verify`)."""
    from skill.envelopes import Session
    from bench.signed import INTENT
    if verify:
        from bench.signed import write_pki
        os.environ["LUMP_RELIEF_BENCH_PKI"] = str(work / "pki")
        pki = write_pki(work / "pki")
    else:
        os.environ["ALEXA_VERIFY_REQUESTS"] = "false"
    requests = []
    for _ in range(count):
        body = json.dumps(Session().intent(INTENT)).encode()
        headers = {"Content-Type": "application/json", **(pki.sign_headers(body) if verify else {})}
        requests.append((headers, body))
    return requests


def quiet_logs(path: Path) -> None:
    """Keep the INFO lines (their cost is part of a turn) but write them to a file, not the terminal."""
    for handler in logging.getLogger("skill").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(path.open("a"))


def table(result: dict[str, Any], server_us: float | None = None) -> str:
    """The per-stage table in Markdown, each stage beside its budget."""
    lines = ["| stage | what | µs per turn | budget µs |", "|---|---|---:|---:|"]
    for stage, (what, budget) in STAGES.items():
        lines.append(f"| {stage} | {what} | {result['stages_us'][stage]:.0f} | {budget:.0f} |")
    lines.append(f"| (sum of stages, instrumented) | | {sum(result['stages_us'].values()):.0f} | "
                 f"{sum(budget for _, budget in STAGES.values()):.0f} |")
    lines.append(f"| **turn in-process** (not instrumented) | | **{result['turn_us']:.0f}** | |")
    if server_us is not None:
        lines.append(f"| server (1 s ÷ answers/s − turn) | granian, ASGI, loopback | {server_us:.0f} | {SERVER_BUDGET_US:.0f} |")
    lines.append(f"| warm Lambda event in-process (skill.lambda_handler) | | {result['lambda_us']:.0f} | "
                 f"≤ turn in-process |")
    lines.append("")
    lines.append(f"can_handle calls per turn: {result['can_handle_per_turn']:.1f}; "
                 f"log lines per turn: {result['log_lines_per_turn']:.1f}")
    return "\n".join(lines) + "\n"


SERVER_BUDGET_US = 70.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--verify", action="store_true", help="signature checks on, each request signed afresh")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (bench/run.py reads them)")
    options = parser.parse_args(argv)
    result = measure(options.turns, options.verify)
    print(json.dumps(result) if options.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
