"""`python -m desktop` runs the `ventrack` command (and is the packaged app's entry point)."""

from desktop.cli import main

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # in the packaged app, a helper process started by the app runs its part here
    raise SystemExit(main())
