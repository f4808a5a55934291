"""`python -m pressbrief` → the command line."""

from .cli import run

run()
