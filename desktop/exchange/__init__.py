"""Import and export of registries: the JSON exchange file (contract v1) and atomic file output."""
