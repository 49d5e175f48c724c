"""Op declarations, one module per family.  Importing this package declares every op.

Each family module may define ``INPLACE``: names of its Tensor methods that get an
in-place twin ``name_`` (built by ``ember._tensor_methods`` on the out-of-place op).
"""
from . import (activation, attention, conversion, conv, creation, decomp, elementwise, embedding, indexing,  # noqa: F401
               inplace, joining, linalg, loss, math, movement, norm, optim, order_stats, pool, random, reduce, rnn,
               serialization_ops, sort, special, stats)

# op families, in the order their ops are reported (mirrors backends/<name>/<family>.py)
FAMILIES = (creation, elementwise, math, reduce, order_stats, movement, joining, indexing, linalg, decomp, sort,
            random, special, stats, activation, loss, norm, embedding, conv, pool, attention, rnn, optim,
            serialization_ops)

INPLACE_VARIANTS = [name for fam in FAMILIES for name in getattr(fam, "INPLACE", ())]
