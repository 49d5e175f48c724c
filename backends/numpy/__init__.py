"""ember's NumPy backend: the reference CPU backend (import package ``ember_numpy``)."""
import warnings

__version__ = "0.1.0"

# PyTorch computes inf * 0, 0 / 0, overflowing casts ... silently; NumPy warns from inside our kernels.
# Ignore floating-point RuntimeWarnings raised by this package's own modules only (free on the hot path,
# unlike a per-call np.errstate); warnings from user code calling NumPy directly are untouched.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember_numpy(\.|$)")
