"""Federation v2 composition: subgraph SDLs in, one supergraph SDL (join v0.5) out.

``router.compose`` is the entry point. One step per module:

- ``sources``: where SDLs come from (files, a directory, a JSON list, ``_service { sdl }``);
- ``links`` / ``subgraph``: read one subgraph (Federation 1 or 2, @link imports and renames,
  ``extend type``/@extends, federation builtins stripped) into ``model``;
- ``checks``: per-subgraph rules (@key/@requires/@provides field sets, unused @external,
  unknown types);
- ``merge`` (``merge_base``, ``merge_fields``, ``merge_leaf``): the merge rules into
  ``merged`` (the merged supergraph, ready to print); ``inaccessible``: @inaccessible rules
  on the result; ``access`` / ``cost``: @authenticated, @requiresScopes, @policy and
  @cost, @listSize (read, merged as every subgraph's requirement, printed with their @links);
- ``printer``: the supergraph SDL.

Tests compare the output with the public composer through ``conformance/composition``.
"""
