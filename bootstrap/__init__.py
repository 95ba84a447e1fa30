"""The composition root: the one place that knows every service, worker group and the router.

Everything below it (the kernel ``shopgraph``, the ``subgraphs``, ``router`` and ``workers``)
is wired together here and nowhere else: :mod:`bootstrap.registry` lists the services and
worker groups explicitly, :mod:`bootstrap.cli` is the ``shopgraph`` command and
:mod:`bootstrap.dev` runs the whole platform in one process (``make dev``). See
``docs/architecture.md`` ("Layers").
"""
