"""Webhooks: events of a profile POSTed, signed, to a URL the user registered (PinFlow's)."""
