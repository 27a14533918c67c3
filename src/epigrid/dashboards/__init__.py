"""Dashboards 数据看板 and the wall screen 大屏: key figures, trends and a map of an area's
children, read from the stored daily figures (epigrid.reporting) — never counted in a request."""
