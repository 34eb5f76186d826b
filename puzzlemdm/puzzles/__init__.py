"""Puzzle kinds: pure Python + numpy (no torch), one protocol shared by every kind."""
