"""Exception helpers shared by the frontend."""


class BackendError(RuntimeError):
    """A backend cannot be used: unknown, unavailable, or failed to load."""


class BackendUnavailable(BackendError):
    pass


class UnknownBackend(BackendError, ValueError):
    pass


def same_device_error(op_name, a, b):
    return RuntimeError(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{a} and {b}! (when checking arguments for {op_name}). Move them to one device with "
        f".to(device) first; ember never moves data between backends implicitly.")
