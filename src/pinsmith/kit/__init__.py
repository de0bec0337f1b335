"""Shared plumbing with no business rules; importable by every layer."""
