"""`ask run` entry: ask-sdk-local-debug loads this file by path and calls the handler AWS Lambda uses."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, where skill/ lives
from skill import lambda_handler  # noqa: E402,F401
