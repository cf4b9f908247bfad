"""Every user-facing text: one message catalogue per language, and how replies use them."""
