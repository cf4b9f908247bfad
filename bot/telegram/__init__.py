"""The Telegram front end: the Application and its handlers, and the delivery of every
message through one rate limiter."""
