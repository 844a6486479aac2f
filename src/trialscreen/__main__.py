"""`python -m trialscreen`: the command line."""

from trialscreen.cli import main

main()
