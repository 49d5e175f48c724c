"""NumPy names CuPy lacks (data for the strict array-module proxy of the simulated GPU backend).

Generated with CuPy 14.2.0 / NumPy 2.4.6 (the side venv with CuPy installed) by::

    [n for n in dir(numpy.MOD) if not n.startswith("_") and not hasattr(cupy.MOD, n)]

for the top-level module and the ``random``, ``linalg`` and ``fft`` submodules.
"""

TOP = frozenset({
    'False_', 'ScalarType', 'True_', 'asmatrix', 'block', 'bmat', 'busday_count', 'busday_offset',
    'busdaycalendar', 'bytes_', 'char', 'character', 'clongdouble', 'complex256', 'core', 'ctypeslib',
    'datetime64', 'datetime_as_string', 'datetime_data', 'dtypes', 'einsum_path', 'emath', 'errstate', 'f2py',
    'flexible', 'float128', 'frompyfunc', 'fromregex', 'geomspace', 'get_include', 'getbufsize', 'geterr',
    'geterrcall', 'histogram_bin_edges', 'info', 'insert', 'is_busday', 'isnat', 'little_endian', 'longdouble',
    'ma', 'matrix', 'matvec', 'memmap', 'nanpercentile', 'nanquantile', 'ndenumerate', 'nditer', 'nested_iters',
    'object_', 'polyder', 'polydiv', 'polyint', 'rec', 'recarray', 'record', 'sctypeDict', 'setbufsize',
    'seterr', 'seterrcall', 'show_runtime', 'spacing', 'str_', 'strings', 'test', 'timedelta64', 'typecodes',
    'unstack', 'vecdot', 'vecmat', 'void'
})

RANDOM = frozenset({
    'MT19937', 'PCG64', 'PCG64DXSM', 'Philox', 'SFC64', 'SeedSequence', 'bit_generator', 'get_bit_generator',
    'get_state', 'mtrand', 'set_bit_generator', 'set_state', 'test'
})

LINALG = frozenset({
    'diagonal', 'matrix_norm', 'multi_dot', 'outer', 'svdvals', 'tensordot', 'test', 'trace', 'vecdot',
    'vector_norm'
})

FFT = frozenset({
    'test'
})
