"""Benchmark suite: find instances, run methods in child processes, record CSV rows, summarise.

``discover`` finds instance files and best-known values, ``methods`` holds the methods
(``gaugeopt``, ``greedy``, ``pyjobshop``), ``runner`` runs them and writes the CSV (one
:class:`~gaugeopt.bench.record.MethodResult` row per instance and method), ``summary``
builds the tables. The command line is ``gaugeopt bench``.
"""
