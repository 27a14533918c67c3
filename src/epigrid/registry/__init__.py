"""The resident registry and door-to-door screening 摸排登记: households, persons, campaigns."""
