"""The zero-cost proxies of naap-train recomputed in PyTorch, from the same weights and batch.

Dev-only (needs torch and numpy: the venv of scripts/setup-libtorch.sh). First dump the
initialised networks, the minibatch and naap's scores with the Rust example, then check:

    cargo run --release -p naap-train --example zero_cost_dump -- \
        ../shared/naap440/generated_schemes.json 1,100,250,432 ../shared/cifar10/cifar10-jpg.tar.gz /tmp/zc
    ~/.cache/naap/venv-torch-2.11.0/bin/python dev/tools/zero_cost_reference.py \
        ../shared/naap440/generated_schemes.json /tmp/zc [--tol 1e-4]

Definitions as in Abdelfattah et al. 2021 (zero-cost-nas), written here from the paper, not
from naap's code: grad_norm = sum of the L2 norms of the conv and linear weight gradients of
the mean cross-entropy (train mode); snip = sum |w * dL/dw| over the same weights;
jacob_cov = -sum(log(l + 1e-5) + 1 / (l + 1e-5)) over the eigenvalues l of numpy's corrcoef
of the input Jacobians of the summed logits (train mode); synflow = sum |w * dR/dw| with all
parameters replaced by their absolute values, no BatchNorm, float64, R = sum of the logits of
one all-ones image; naap reports ln(synflow). Prints each score from both sides and their
relative difference; exits 1 if any exceeds --tol.
"""

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


class SchemeNet(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers
        blocks, channels = [], 3
        for layer in layers:
            k, width = layer["kernel_size"], layer["width"]
            conv = nn.Conv2d(channels, width, k, layer["stride"], k // 2, bias=False)
            blocks.append(nn.ModuleDict({"conv": conv, "bn": nn.BatchNorm2d(width)}))
            channels = width
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(channels, 10)

    def forward(self, x, bn=True):
        for block, layer in zip(self.blocks, self.layers):
            y = block["conv"](x)
            if bn:
                y = block["bn"](y)
            y = torch.relu(y)
            x = x + y if layer["residual"] else y
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    def scored_weights(self):
        return [b["conv"].weight for b in self.blocks] + [self.fc.weight]


def load(layers, npz):
    net = SchemeNet(layers)
    state = {}
    for i in range(len(layers)):
        for name in ["conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"]:
            state[f"blocks.{i}.{name}"] = torch.from_numpy(npz[f"block{i + 1}.{name}"])
    state["fc.weight"] = torch.from_numpy(npz["fc.weight"])
    state["fc.bias"] = torch.from_numpy(npz["fc.bias"])
    missing = net.load_state_dict(state, strict=False)
    assert not [k for k in missing.missing_keys if "num_batches" not in k], missing
    return net.train()


def grad_norm_snip(net, x, y):
    net.zero_grad()
    F.cross_entropy(net(x), y).backward()
    ws = net.scored_weights()
    return (sum(w.grad.norm().item() for w in ws),
            sum((w.grad * w).abs().sum(dtype=torch.float64).item() for w in ws))


def jacob_cov(net, x):
    net.zero_grad()
    x = x.clone().requires_grad_(True)
    net(x).sum().backward()
    jac = x.grad.reshape(x.shape[0], -1).double().numpy()
    corrs = np.corrcoef(jac)
    eig = np.linalg.eigvalsh(corrs)
    k = 1e-5
    return -float(np.sum(np.log(eig + k) + 1.0 / (eig + k)))


def log_synflow(net):
    net = net.double()
    with torch.no_grad():
        for p in net.parameters():
            p.abs_()
    net.zero_grad()
    net(torch.ones(1, 3, 32, 32, dtype=torch.float64), bn=False).sum().backward()
    return float(np.log(sum((w.grad * w).abs().sum().item() for w in net.scored_weights())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("schemes")
    ap.add_argument("dump")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    torch.set_num_threads(1)
    schemes = json.loads(Path(args.schemes).read_text())
    dump = Path(args.dump)
    with open(dump / "proxies.csv") as f:
        rows = list(csv.DictReader(f))
    worst = 0.0
    for row in rows:
        sid = int(row["ModelId"])
        npz = np.load(dump / f"scheme_{sid}.npz")
        x, y = torch.from_numpy(npz["x"]), torch.from_numpy(npz["y"])
        layers = schemes[sid - 1]
        gn, sn = grad_norm_snip(load(layers, npz), x, y)
        ours = {
            "LogSynFlow": log_synflow(load(layers, npz)),
            "GradNorm": gn,
            "Snip": sn,
            "JacobCov": jacob_cov(load(layers, npz), x),
        }
        for name, ref in ours.items():
            got = float(row[name])
            rel = abs(got - ref) / max(abs(ref), 1e-300)
            worst = max(worst, rel)
            print(f"scheme {sid:3d} {name:10s} naap {got:+.9e} torch {ref:+.9e} rel {rel:.1e}")
    print(f"worst relative difference {worst:.2e} (tolerance {args.tol:g})")
    sys.exit(0 if worst <= args.tol else 1)


if __name__ == "__main__":
    main()
