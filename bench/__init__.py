"""livecomp's benchmark suite: ``python -m bench`` (``--quick``, ``--markdown``).

It measures, per scenario (``bench.scenarios``):

- in-process server time per event (handler, render, diff, encode) and the
  bytes each event puts on the wire (``bench.inprocess``);
- round trips over real websockets against Hypercorn in its own process, so
  the load generator and the server do not share a GIL (``bench.serve``,
  ``bench.load``);
- the server's memory per connected idle page, with and without
  permessage-deflate (``bench.idle``).

Then, in a table of its own, ticking clocks (``bench.clocks``): one page of
100 clocks, and many pages of 5 clocks driven from separate load processes
(``bench.ticks``): tick lag, ticks delivered against ticks due, and the
server's CPU and memory.

The machine is small and shared, so the suite reports medians and ratios
from one run and asserts nothing about wall-clock time.
"""
