"""The Telegram and console front ends of newsdigest."""

import os

# python-telegram-bot 22 deprecates integer durations (RetryAfter.retry_after...) and warns
# each time one is built unless timedeltas are opted in. We use timedeltas throughout.
os.environ.setdefault("PTB_TIMEDELTA", "1")
