"""Steering dashboard of ALL, Autour du Louvre-Lens."""
