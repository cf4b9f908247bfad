"""The `newsdigest` command line and its console chat."""
