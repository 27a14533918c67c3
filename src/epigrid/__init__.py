"""epigrid: the information system of a district's epidemic prevention-and-control command."""

__version__ = "0.1.0"
