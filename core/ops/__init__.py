"""Op declarations, one module per family.  Importing this package declares every op."""
from . import creation, elementwise, reduce, movement, linalg, inplace  # noqa: F401

# ops whose Tensor method has an in-place twin ``name_`` built by ember._tensor_methods
INPLACE_VARIANTS = ["add", "sub", "mul", "div", "pow", "neg", "exp", "log"]
