"""``ember.utils.data``: datasets, samplers and the ``DataLoader`` (the counterpart of ``torch.utils.data``).

    >>> from ember.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ember.arange(8.0).reshape(4, 2), ember.tensor([0, 1, 0, 1]))
    >>> x, y = next(iter(DataLoader(ds, batch_size=2)))
    >>> x.shape, y.tolist()
    (ember.Size([2, 2]), [0, 1])
"""
from .dataloader import (
                      DataLoader,
                      _DatasetKind,
                      default_collate,
                      default_convert,
                      get_worker_info,
)
from .dataset import (
                      ChainDataset,
                      ConcatDataset,
                      Dataset,
                      IterableDataset,
                      StackDataset,
                      Subset,
                      TensorDataset,
                      random_split,
)
from .distributed import DistributedSampler
from .sampler import (
                      BatchSampler,
                      RandomSampler,
                      Sampler,
                      SequentialSampler,
                      SubsetRandomSampler,
                      WeightedRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "_DatasetKind",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
