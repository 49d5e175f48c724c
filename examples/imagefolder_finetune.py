"""Fine-tune a torchvision ResNet-18 on an ImageFolder tree — a PyTorch program that runs on ember unchanged.

    python examples/imagefolder_finetune.py DATA_DIR             # real PyTorch + torchvision
    python -m ember.compat examples/imagefolder_finetune.py DATA_DIR   # the same file on ember

DATA_DIR holds ``train/<class>/*.png`` and ``val/<class>/*.png``. The script follows the shape of
PyTorch's transfer-learning tutorial: RandomResizedCrop/flip augmentation, ImageFolder + DataLoader,
a ResNet-18 whose head is replaced, SGD with momentum and StepLR, and the best weights kept with
copy.deepcopy(model.state_dict()).
"""
import argparse
import copy
import os
import time

import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim import lr_scheduler
from torchvision import datasets, models, transforms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    data_transforms = {
        "train": transforms.Compose([
            transforms.RandomResizedCrop(args.size, scale=(0.6, 1.0)),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]),
        "val": transforms.Compose([
            transforms.Resize(args.size + args.size // 8),
            transforms.CenterCrop(args.size),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]),
    }
    image_datasets = {x: datasets.ImageFolder(os.path.join(args.data_dir, x), data_transforms[x])
                      for x in ["train", "val"]}
    loaders = {x: torch.utils.data.DataLoader(image_datasets[x], batch_size=16, shuffle=(x == "train"))
               for x in ["train", "val"]}
    sizes = {x: len(image_datasets[x]) for x in ["train", "val"]}
    class_names = image_datasets["train"].classes
    print("classes:", class_names, "sizes:", sizes)

    model = models.resnet18(weights=None)
    model.fc = nn.Linear(model.fc.in_features, len(class_names))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)

    since = time.time()
    best_wts, best_acc = copy.deepcopy(model.state_dict()), 0.0
    for epoch in range(args.epochs):
        for phase in ["train", "val"]:
            model.train() if phase == "train" else model.eval()
            running_loss, running_corrects = 0.0, 0
            for inputs, labels in loaders[phase]:
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"):
                    outputs = model(inputs)
                    _, preds = torch.max(outputs, 1)
                    loss = criterion(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                running_loss += loss.item() * inputs.size(0)
                running_corrects += torch.sum(preds == labels.data)
            if phase == "train":
                scheduler.step()
            epoch_acc = running_corrects.double() / sizes[phase]
            print(f"epoch {epoch} {phase} loss: {running_loss / sizes[phase]:.4f} acc: {epoch_acc:.4f}")
            if phase == "val" and epoch_acc > best_acc:
                best_acc, best_wts = epoch_acc, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_wts)
    print(f"best val acc: {best_acc:.4f} ({time.time() - since:.0f}s)")


if __name__ == "__main__":
    main()
