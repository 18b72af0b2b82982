"""`python -m interagency` runs the command line."""

from interagency.cli import app

app(prog_name="interagency")
