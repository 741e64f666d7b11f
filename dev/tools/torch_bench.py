"""Train-step throughput of schemes in PyTorch eager, the reference for naap-train.

Dev-only (needs torch: scripts/setup-libtorch.sh makes a venv with it). Builds each
scheme's network exactly as naap-train does (Conv-BN-ReLU blocks, residual adds,
adaptive average pool, Linear), runs SGD(lr, momentum 0.9, weight decay 1e-4)
train steps on a random batch and prints `scheme <id>: <img/s> img/s`.

    python dev/tools/torch_bench.py SCHEMES.json 1,432 [--threads N] [--device cpu] [--channels-last]

--channels-last runs the same steps with the model and batch in NHWC memory format, the
one layout change that could make a libtorch trainer beat this reference on CPU; on the
2-core machine it was slower for scheme 1 and 1.13x faster for scheme 432.
"""

import argparse
import json
import time

import torch
from torch import nn


class SchemeNet(nn.Module):
    def __init__(self, layers):
        super().__init__()
        blocks, channels = [], 3
        for layer in layers:
            k, width = layer["kernel_size"], layer["width"]
            conv = nn.Conv2d(channels, width, k, layer["stride"], k // 2, bias=False)
            nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
            blocks.append(nn.ModuleDict({"conv": conv, "bn": nn.BatchNorm2d(width)}))
            channels = width
        self.blocks = nn.ModuleList(blocks)
        self.residual = [layer["residual"] for layer in layers]
        self.fc = nn.Linear(channels, 10)
        nn.init.normal_(self.fc.weight, 0, 0.01)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        for block, residual in zip(self.blocks, self.residual):
            y = torch.relu(block["bn"](block["conv"](x)))
            x = x + y if residual else y
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def ids_of(text):
    out = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def throughput(layers, device, batch, warmup, steps, channels_last=False):
    model = SchemeNet(layers).to(device).train()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss.item()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps * batch / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("schemes")
    p.add_argument("ids")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    schemes = json.load(open(a.schemes))
    device = torch.device(a.device)
    layout = "channels_last" if a.channels_last else "contiguous"
    print(f"pytorch {torch.__version__}, device {device}, {torch.get_num_threads()} threads, batch {a.batch}, {layout}")
    for i in ids_of(a.ids):
        rate = throughput(schemes[i - 1], device, a.batch, a.warmup, a.steps, a.channels_last)
        print(f"scheme {i}: {rate:.0f} img/s")


if __name__ == "__main__":
    main()
