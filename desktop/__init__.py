"""VenTrack: a registry and decision-support tool for venetoclax-HMA therapy in NPM1-mutated AML."""

__version__ = "0.2.0"
APP_NAME = "VenTrack"
#: The version of docs/clinical-rules.md that desktop/clinical implements.
RULES_VERSION = 2
#: The version of docs/contract.md (command line and exchange file) that the CLI and desktop/exchange implement.
CONTRACT_VERSION = 2
#: One line naming both, for `ventrack --version` and Help → About.
VERSION_LINE = f"ventrack {__version__} (clinical rules version {RULES_VERSION}, contract version {CONTRACT_VERSION})"
#: The environment variable that gives an encrypted registry's passphrase (contract v2), else it is asked.
PASSPHRASE_VARIABLE = "VENTRACK_PASSPHRASE"
