"""Draws `services.chart_data` with pyqtgraph: one plot per analyte, on one linked date axis.

`axis` (dates as x, calendar ticks), `date_axis` (the axis widget under the stack, with the
medication lanes), `items` (what a plot is drawn with), `labels` (its texts), `plot` (one
plot), `stack` (the plots, built as they come into sight, and the shared date axis), `prepare`
(Charts made ready ahead of a visit; it imports no pyqtgraph, it is what loads it). Items are
created once per plot and updated in place on every refresh. Panning must keep a frame under 16.7 ms
(bench/charts.py), so everything that only moves sideways while panning (treatment, bands,
lines, series, dose labels) is drawn into Qt's device-coordinate cache: a pan step scrolls the
cached pixels and paints only the strip that comes into view; what does not move (the y-axes,
titles, the labels at the left edge) is not in the panned group and is only copied from its
cache. Plots scrolled out of sight follow the date range only when they are painted again.
"""
