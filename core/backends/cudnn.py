"""``torch.backends.cudnn`` switches: accepted and stored; ember chooses its GPU kernels itself."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None
