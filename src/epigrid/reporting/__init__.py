"""The daily roll-up 16:00 汇总: figures of every area and day from one registry of metrics."""
