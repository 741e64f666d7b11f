"""Trains one scheme the way the NAAP-440 paper generated its data: the reference for
naap train's end-to-end speed (bench/train_e2e.sh).

Dev-only. The data path is the paper's: a torchvision-style CIFAR-10 Dataset holding the
images as uint8 HWC arrays, each item turned into a PIL image and through
transforms.Compose([ToTensor(), Normalize((0.5,) * 3, (0.5,) * 3)]), a DataLoader with
batch 256, shuffle and one worker process, one process per scheme. The recipe is naap's
(and the paper's): SGD lr 0.1 decayed x0.1 per epoch in cycles of 3 epochs, momentum 0.9,
weight decay 1e-4, cross-entropy; after each epoch the mean/median batch loss and the test
accuracy (batch 1000, eval mode). The network is dev/tools/torch_bench.py's SchemeNet, built
as naap-train builds it.

Reads the official binary batches (cifar-10-batches-bin: data_batch_1..5.bin, test_batch.bin)
so both sides read the same files; --train-limit/--test-limit keep an even spread of images,
as naap's flags do.

    python dev/tools/paper_train.py SCHEMES.json ID BATCHES_DIR [--epochs 1] [--threads N]
        [--train-limit N] [--test-limit N] [--workers 1]

Needs torch and torchvision (dev venv: see dev/tools/README.md).
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bench import SchemeNet  # noqa: E402

RECORD = 1 + 3 * 32 * 32


def read_batches(paths, limit):
    raw = np.concatenate([np.fromfile(p, dtype=np.uint8) for p in paths]).reshape(-1, RECORD)
    if limit is not None and limit < len(raw):
        raw = raw[[i * len(raw) // limit for i in range(limit)]]
    labels = raw[:, 0].astype(np.int64)
    # torchvision's CIFAR10 keeps HWC uint8 arrays, as PIL wants them.
    images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return images, labels


class Cifar(Dataset):
    """torchvision.datasets.CIFAR10's __getitem__, over arrays read from the binary batches."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.images[i])), int(self.labels[i])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("schemes")
    p.add_argument("id", type=int)
    p.add_argument("batches")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--train-limit", type=int)
    p.add_argument("--test-limit", type=int)
    p.add_argument("--seed", type=int, default=20220819)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    transform = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]
    )
    files = [os.path.join(a.batches, f"data_batch_{k}.bin") for k in range(1, 6)]
    train = Cifar(*read_batches(files, a.train_limit), transform)
    test = Cifar(*read_batches([os.path.join(a.batches, "test_batch.bin")], a.test_limit), transform)
    train_loader = DataLoader(train, batch_size=256, shuffle=True, num_workers=a.workers)
    test_loader = DataLoader(test, batch_size=1000, shuffle=False, num_workers=a.workers)
    layers = json.load(open(a.schemes))[a.id - 1]
    model = SchemeNet(layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        lr = 0.1 * 0.1 ** ((epoch - 1) % 3)
        for group in opt.param_groups:
            group["lr"] = lr
        model.train()
        losses = []
        for x, y in train_loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in test_loader:
                correct += (model(x).argmax(1) == y).sum().item()
        print(
            f"scheme {a.id} epoch {epoch}: lr {lr:.4f}, loss mean {statistics.mean(losses):.5f} "
            f"median {statistics.median(losses):.5f}, accuracy {correct / len(test)}",
            flush=True,
        )
    secs = time.perf_counter() - start
    print(f"scheme {a.id}: {a.epochs} epoch(s) of {len(train)} images in {secs:.1f} s")


if __name__ == "__main__":
    main()
