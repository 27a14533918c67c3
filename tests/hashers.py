"""Argon2 at its lowest cost, for the suite.

Production's parameters (two passes over 100 MB) make each password take a tenth of a second or
more, and every test class's personas are seven passwords: on a slow machine that is minutes of
a run. Hashes stay `argon2$...`, so what a test reads of a stored password, and how a login
checks it, is what production does; only the cost parameters differ.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB: argon2 asks for at least 8 per lane
    parallelism = 1
