"""VenTrack: a registry and decision-support tool for venetoclax-HMA therapy in NPM1-mutated AML."""

__version__ = "0.1.0"
APP_NAME = "VenTrack"
