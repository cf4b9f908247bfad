"""Fetching untrusted URLs: http(s) to public addresses only, bounded in time and size."""
