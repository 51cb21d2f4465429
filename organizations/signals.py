"""Hooks through which apps that build on the tree take part in tree operations.

organizations/ imports no other app, so whoever keeps data per organization (members/ keeps the
cell of each member) connects here:

- `organization_dissolving(organization, effective_on)`: receivers return a list of reasons
  (Vietnamese sentences) why the organization cannot be dissolved yet; any reason blocks.
- `organizations_merged(source, target, effective_on, actor)`: sent inside the merge
  transaction, after the tree has changed; receivers move what belonged to the source.
"""

from django.dispatch import Signal

organization_dissolving = Signal()
organizations_merged = Signal()
