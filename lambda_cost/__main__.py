"""`python -m lambda_cost`."""

from .cli import console_script

console_script()
