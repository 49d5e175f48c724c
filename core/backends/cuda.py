"""``torch.backends.cuda`` switches (accepted; no effect on ember's kernels)."""


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()


def is_built() -> bool:
    from ..cuda import is_available
    return is_available()
