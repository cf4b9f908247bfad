"""`python -m bot.cli`: the `newsdigest` command."""

from bot.cli.main import main

main()
