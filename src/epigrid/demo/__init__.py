"""Synthetic but realistic demo data (tiny, district and city scales) and the demo setup."""
