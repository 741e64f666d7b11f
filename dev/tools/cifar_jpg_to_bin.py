"""Writes the shared JPEG CIFAR-10 as the official binary release's files, so that the
end-to-end benchmark (bench/train_e2e.sh) feeds naap and the paper-style reference the same
files in the format users download.

    python dev/tools/cifar_jpg_to_bin.py ../shared/cifar10/cifar10-jpg.tar.gz OUT_DIR

OUT_DIR gets data_batch_1..5.bin (10,000 train images each) and test_batch.bin: 3073-byte
records, a label byte then the pixels channel-major. Images keep the archive's order
(class by class, files sorted); labels are the class folders in sorted order. Needs Pillow.
"""

import io
import os
import sys
import tarfile

import numpy as np
from PIL import Image


def main():
    src, out = sys.argv[1], sys.argv[2]
    splits = {"train": [], "test": []}
    with tarfile.open(src) as tar:
        for m in tar:
            parts = m.name.split("/")
            if m.isfile() and len(parts) >= 3 and parts[-3] in splits:
                splits[parts[-3]].append((parts[-2], parts[-1], tar.extractfile(m).read()))
    classes = sorted({c for c, _, _ in splits["train"]})
    os.makedirs(out, exist_ok=True)
    for name, items in splits.items():
        items.sort(key=lambda t: (t[0], t[1]))
        records = np.empty((len(items), 3073), dtype=np.uint8)
        for i, (cls, _, data) in enumerate(items):
            hwc = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)
            records[i, 0] = classes.index(cls)
            records[i, 1:] = hwc.transpose(2, 0, 1).reshape(-1)
        if name == "test":
            records.tofile(os.path.join(out, "test_batch.bin"))
        else:
            for k in range(5):
                records[k * 10000 : (k + 1) * 10000].tofile(os.path.join(out, f"data_batch_{k + 1}.bin"))
        print(f"{name}: {len(items)} images", file=sys.stderr)


if __name__ == "__main__":
    main()
