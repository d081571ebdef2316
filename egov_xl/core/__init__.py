"""Pure logic: no file, network or Excel access happens in this package."""
