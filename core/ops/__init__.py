"""Op declarations, one module per family.  Importing this package declares every op.

Each family module may define ``INPLACE``: names of its Tensor methods that get an
in-place twin ``name_`` (built by ``ember._tensor_methods`` on the out-of-place op).
"""
from . import creation, elementwise, math, reduce, order_stats, movement, joining, indexing, linalg, decomp, sort, random, conversion, inplace, special, stats, attention, rnn, activation, loss, norm, embedding, conv, optim, pool, serialization_ops

FAMILIES = (creation, elementwise, math, reduce, order_stats, movement, joining, indexing, linalg, decomp, sort, random, special, stats, attention, rnn, activation, loss, norm, embedding, conv, optim, pool, serialization_ops)

INPLACE_VARIANTS = [name for fam in FAMILIES for name in getattr(fam, "INPLACE", ())]
