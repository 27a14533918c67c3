"""What every app shares: area scoping, roles, audit, import/export, time."""
