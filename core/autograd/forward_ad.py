"""Forward-mode AD is not implemented in ember yet; this module exists so imports resolve."""


def __getattr__(name):
    raise NotImplementedError(f"ember.autograd.forward_ad.{name}: forward-mode AD is not implemented in ember")
