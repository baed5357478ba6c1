"""`python -m desktop` runs the `ventrack` command."""

from desktop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
