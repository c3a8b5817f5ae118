"""Headless Chromium (Debian's) lays out stand-in pages and reports where marked parts landed.

One browser start for all pages: each page sits in an iframe of its viewport's size in one file, a
script measures every part whose id is asked for, and Chromium prints the DOM with the results. No
network: the pages are files, and the flags switch off everything that would call out.
"""
from __future__ import annotations

import html
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--mute-audio")
RESULTS_START, RESULTS_END = "<!--measured:", ":measured-->"

MEASURE = """
function clipOf(element, width, height) {
  let clip = {top: 0, bottom: height, left: 0, right: width};
  for (let up = element; up; up = up.parentElement) {
    if (up.nodeType === 1 && getComputedStyle(up).overflowY !== 'visible') {
      const r = up.getBoundingClientRect();
      clip = {top: Math.max(clip.top, r.top), bottom: Math.min(clip.bottom, r.bottom),
              left: Math.max(clip.left, r.left), right: Math.min(clip.right, r.right)};
    }
  }
  return clip;
}
function find(doc, wanted, width, height) {
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(wanted);
    if (at < 0) continue;
    const range = doc.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + wanted.length);
    const boxes = Array.from(range.getClientRects());
    const box = {top: Math.min(...boxes.map(b => b.top)), bottom: Math.max(...boxes.map(b => b.bottom)),
                 left: Math.min(...boxes.map(b => b.left)), right: Math.max(...boxes.map(b => b.right))};
    const clip = clipOf(node.parentElement, width, height);
    return {found: true, top: box.top, bottom: box.bottom,
            hiddenBelow: Math.max(0, box.bottom - clip.bottom), hiddenAbove: Math.max(0, clip.top - box.top),
            hiddenAside: Math.max(0, box.right - clip.right, clip.left - box.left)};
  }
  return {found: false};
}
window.addEventListener('load', () => {
  const results = {};
  for (const frame of document.querySelectorAll('iframe')) {
    const doc = frame.contentDocument, width = frame.clientWidth, height = frame.clientHeight;
    const parts = {};
    for (const element of doc.querySelectorAll('[data-id]')) {
      const box = element.getBoundingClientRect();
      const clip = clipOf(element.parentElement, width, height);
      const overflowing = Math.max(0, element.scrollHeight - element.clientHeight);
      parts[element.dataset.id] = {
        top: box.top, bottom: box.bottom, left: box.left, right: box.right,
        hiddenBelow: Math.max(0, box.bottom - clip.bottom), hiddenAbove: Math.max(0, clip.top - box.top),
        hiddenAside: Math.max(0, box.right - clip.right, clip.left - box.left),
        textOverflow: element.dataset.type === 'ScrollView' ? 0 : overflowing,
        scrollsBy: element.dataset.type === 'ScrollView' ? overflowing : 0,
        text: element.innerText.slice(0, 80)};
    }
    const needles = {};
    for (const [name, wanted] of Object.entries(JSON.parse(frame.dataset.needles || '{}'))) {
      needles[name] = find(doc, wanted, width, height);
    }
    results[frame.name] = {width, height, parts, needles};
  }
  const out = document.createComment('measured:' + JSON.stringify(results) + ':measured');
  document.body.appendChild(out);
});
"""


class BrowserMissing(RuntimeError):
    """Debian's chromium is not installed (make test installs it)."""


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise BrowserMissing("the rendered screen check needs Debian's chromium: apt-get install -y chromium")
    return path


def run_chromium(arguments: list[str], profile: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def measure(pages: dict[str, tuple[str, int, int, dict[str, str]]]) -> dict[str, dict[str, Any]]:
    """{name: (html, width, height, {needle name: text})} -> {name: {width, height, parts, needles}}:
    where each part with an id and each needle of text landed, and how much of it is hidden."""
    frames = "".join(
        f"<iframe name='{html.escape(name)}' width='{width}' height='{height}' frameborder='0' "
        f"data-needles='{html.escape(json.dumps(needles))}' "
        f"style='display:block;border:0' srcdoc='{html.escape(page)}'></iframe>"
        for name, (page, width, height, needles) in pages.items())
    with tempfile.TemporaryDirectory(prefix="screens-") as folder:
        file = Path(folder) / "screens.html"
        file.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
                        f"{frames}<script>{MEASURE}</script></body></html>", encoding="utf-8")
        result = run_chromium(["--virtual-time-budget=20000", "--dump-dom", file.as_uri()], Path(folder) / "profile")
    dom = result.stdout
    if RESULTS_START not in dom:
        raise RuntimeError(f"chromium measured nothing (exit {result.returncode}): {result.stderr[-2000:]}")
    return json.loads(dom.split(RESULTS_START, 1)[1].split(RESULTS_END, 1)[0])


def screenshot(page: str, width: int, height: int, out: Path) -> None:
    """A PNG of one page at the viewport's size (for docs/screens/)."""
    with tempfile.TemporaryDirectory(prefix="screen-") as folder:
        file = Path(folder) / "screen.html"
        file.write_text(page, encoding="utf-8")
        result = run_chromium([f"--window-size={width},{height}", f"--screenshot={out.resolve()}",
                               "--virtual-time-budget=5000", file.as_uri()], Path(folder) / "profile")
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-2000:]}")
